package server_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/webtest"
)

var gapOption = regexp.MustCompile(`<option value="([0-9a-f-]{36}\|[^"]*)">`)

func TestCoordinatorKeepsAPlanningCycleWithReportsAndAMeasureForAGap(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv, _, dsn := demoSite(t, d)
			runCLI(t, "user", "add", "--db", dsn, "--email", "k@hannover.example", "--role", "kommune_coordinator",
				"--kommune", hannover, "--password", "Koordinations-Passwort")
			c := login(t, srv.URL, "k@hannover.example", "Koordinations-Passwort")
			list := c.Get("/verwaltung/kommunen/" + hannover + "/planung")
			f := list.Form(t, "/verwaltung/kommunen/"+hannover+"/planung")
			f.Values.Set("title", "")
			if p := c.Submit(f); p.Status != 422 || !strings.Contains(p.Body, "Pflichtfeld") {
				t.Fatalf("cycle without title: %d", p.Status)
			}
			f.Values.Set("title", "Präventionskette 2027")
			p := c.Submit(f)
			if p.Status != 303 {
				t.Fatalf("new cycle: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}
			cycleURL := p.Location
			page := c.Get(cycleURL)
			step := page.Form(t, "/schritte")
			step.Values.Set("done_on", "2026-11-20")
			step.Values.Set("notes", "Alle zwölf Familienzentren befragt.")
			if p := c.Submit(step); p.Status != 303 {
				t.Fatalf("save step: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}

			up := c.Get(cycleURL).Form(t, "/anhaenge")
			ctype, body := multipartForm(t, up.Values, "file", "Lückenbericht.pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"))
			req := httptest.NewRequest(http.MethodPost, srv.URL+up.Action, body)
			req.RequestURI = ""
			req.Header.Set("Content-Type", ctype)
			if p := c.Do(req); p.Status != 303 {
				t.Fatalf("upload: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}

			page = c.Get(cycleURL)
			m := gapOption.FindStringSubmatch(page.Body)
			if m == nil {
				t.Fatalf("no gap to choose on the cycle page:\n%s", webtest.Excerpt(page.Body))
			}
			add := page.Form(t, "/massnahmen")
			add.Values.Set("title", "Neues Angebot für die Lücke")
			add.Values.Set("gap", m[1])
			if p := c.Submit(add); p.Status != 303 {
				t.Fatalf("add measure: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}
			page = c.Get(cycleURL)
			for _, want := range []string{"Alle zwölf Familienzentren befragt.", "Lückenbericht.pdf", "Neues Angebot für die Lücke",
				`aria-current="step"`, "geplant"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("cycle page lacks %q", want)
				}
			}
			link := regexp.MustCompile(`/verwaltung/anhaenge/[0-9a-f-]{36}`).FindString(page.Body)
			file := c.Get(link)
			if file.Status != 200 || !strings.HasPrefix(file.Body, "%PDF") || !strings.HasPrefix(file.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("download: %d %q", file.Status, file.Header.Get("Content-Disposition"))
			}
		})
	}
}
