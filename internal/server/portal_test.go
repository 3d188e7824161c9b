package server_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/webtest"
)

// multipartForm encodes form values and one file the way a browser sends a form with a file field.
func multipartForm(t *testing.T, v url.Values, field, name string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vals := range v {
		for _, x := range vals {
			if err := w.WriteField(k, x); err != nil {
				t.Fatal(err)
			}
		}
	}
	fw, err := w.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &body
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 11, G: 83, B: 148, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEveryKommuneHasAPortalWithLegalPagesItCanBrandEmbedAndServeOnItsOwnHost(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv, _, dsn := demoSite(t, d)
			visitor := webtest.New(t, srv.URL)
			start := visitor.Get("/portal/" + hannover)
			for _, want := range []string{"Familienwegweiser Landeshauptstadt Hannover", `name="kommune"`, `href="/portal/` + hannover + `/impressum"`,
				`href="/portal/` + hannover + `/barrierefreiheit"`, `href="/portal/` + hannover + `/leichte-sprache"`} {
				if start.Status != 200 || !strings.Contains(start.Body, want) {
					t.Fatalf("portal start page (%d) lacks %s", start.Status, want)
				}
			}
			if p := visitor.Get("/impressum"); p.Status != 200 || !strings.Contains(p.Body, "Digitale-Dienste-Gesetz") {
				t.Fatalf("default Impressum: %d", p.Status)
			}
			if p := visitor.Get("/portal/" + hannover + "/einbetten"); !strings.Contains(p.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Fatalf("an unconfigured portal may be embedded: %s", p.Header.Get("Content-Security-Policy"))
			}

			runCLI(t, "user", "add", "--db", dsn, "--email", "k@hannover.example", "--role", "kommune_coordinator",
				"--kommune", hannover, "--password", "Koordinations-Passwort")
			coord := login(t, srv.URL, "k@hannover.example", "Koordinations-Passwort")
			form := coord.Get("/verwaltung/kommunen/"+hannover+"/portal").Form(t, "/verwaltung/kommunen/"+hannover+"/portal")
			form.Values.Set("title", "Familie in Hannover")
			form.Values.Set("primary_color", "#999999")
			if p := coord.Submit(form); p.Status != 422 || !strings.Contains(p.Body, "Kontrast 2,8 : 1") && !strings.Contains(p.Body, "Kontrast 2.8 : 1") {
				t.Fatalf("a colour too light for white text: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}
			if p := visitor.Get("/portal/" + hannover); !strings.Contains(p.Body, "Familienwegweiser Landeshauptstadt Hannover") {
				t.Fatal("a refused form changed the portal")
			}
			form.Values.Set("primary_color", "#0B5394")
			form.Values.Set("host", "familie.hannover.example")
			form.Values.Set("frame_ancestors", "https://www.hannover.de")
			form.Values.Set("impressum", "Landeshauptstadt Hannover\n\nTrammplatz 2, 30159 Hannover")
			ctype, body := multipartForm(t, form.Values, "logo", "logo.png", tinyPNG(t))
			req := httptest.NewRequest(http.MethodPost, srv.URL+form.Action, body)
			req.RequestURI = ""
			req.Header.Set("Content-Type", ctype)
			if p := coord.Do(req); p.Status != 303 {
				t.Fatalf("save portal: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}

			if p := visitor.Get("/portal/" + hannover + "/impressum"); !strings.Contains(p.Body, "Trammplatz 2, 30159 Hannover") {
				t.Fatal("the portal's own Impressum is not shown")
			}
			if p := visitor.Get("/portal/" + hannover + "/logo"); p.Status != 200 || p.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("logo: %d %s", p.Status, p.Header.Get("Content-Type"))
			}
			if p := visitor.Get("/portal/" + hannover + "/farben.css"); !strings.Contains(p.Body, "#0b5394") {
				t.Fatalf("colours: %s", p.Body)
			}
			embed := visitor.Get("/portal/" + hannover + "/einbetten")
			if csp := embed.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors https://www.hannover.de") ||
				embed.Header.Get("X-Frame-Options") != "" || strings.Contains(embed.Body, "site-footer") {
				t.Fatalf("embed: CSP %q, XFO %q", csp, embed.Header.Get("X-Frame-Options"))
			}
			if p := visitor.Get("/portal/03101000/einbetten"); !strings.Contains(p.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Fatal("another Kommune's portal took Hannover's embedding rule")
			}
			onHost, err := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			onHost.Host = "familie.hannover.example"
			if p := visitor.Do(onHost); p.Status != 200 || !strings.Contains(p.Body, "<h1>Familie in Hannover</h1>") {
				t.Fatalf("the portal's own host name: %d", p.Status)
			}

			// A reported barrier needs a message, then lands with the coordinator.
			fb := url.Values{"page": {"/angebote"}, "message": {""}}
			if p := visitor.Post("/portal/"+hannover+"/barrierefreiheit", fb); p.Status != 422 {
				t.Fatalf("empty barrier report: %d", p.Status)
			}
			fb.Set("message", "Die Karte lässt sich mit der Tastatur nicht bedienen.")
			if p := visitor.Post("/portal/"+hannover+"/barrierefreiheit", fb); p.Status != 200 || !strings.Contains(p.Body, "Danke") {
				t.Fatalf("barrier report: %d", p.Status)
			}
			if p := coord.Get("/verwaltung/kommunen/" + hannover + "/portal"); !strings.Contains(p.Body, "mit der Tastatur nicht bedienen") {
				t.Fatal("the coordinator does not see the reported barrier")
			}
		})
	}
}
