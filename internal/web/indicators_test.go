package web_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// indicatorFixture is the demo data with users of Hannover, of its Land and of another Land, and three
// values of 2030 for the SGB-II-Quote: one Sozialraum's rests on 2 children (a small count), another's on 400.
type indicatorFixture struct {
	kommune      region.Kommune
	small, large region.Area
	users        map[string]auth.User
}

func newIndicatorFixture(t *testing.T, s *store.Store) indicatorFixture {
	t.Helper()
	if err := demo.Load(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	sys, actor := tenant.System(), audit.System("test")
	if err := s.UpsertLand(ctx, actor, region.Land{Code: "05", Name: "Nordrhein-Westfalen"}); err != nil {
		t.Fatal(err)
	}
	k, err := s.GetKommuneByAGS(ctx, sys, demo.GapHealthKommuneAGS)
	if err != nil {
		t.Fatal(err)
	}
	areas, err := s.ListAreas(ctx, sys, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	fx := indicatorFixture{kommune: k, small: areas[0], large: areas[1], users: map[string]auth.User{}}
	file := "Jahr;Sozialraum;Indikator;Wert;Zähler\n" +
		"2030;" + fx.small.Key + ";sgb2_u15;1,5;2\n" +
		"2030;" + fx.large.Key + ";sgb2_u15;30,2;400\n" +
		"2030;" + k.AGS + ";sgb2_u15;20,1;10000\n"
	f, probs := indicator.Parse("klein.csv", []byte(file), indicator.Catalogue())
	if len(probs) > 0 {
		t.Fatalf("test file: %+v", probs)
	}
	if _, err := s.ApplyIndicatorImport(ctx, sys, actor, k.AGS, f); err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.User{
		{Email: "ind@hannover.example", DisplayName: "Koordination", Role: auth.KommuneCoordinator, KommuneID: k.ID},
		{Email: "ind2@hannover.example", DisplayName: "Kollegin", Role: auth.KommuneCoordinator, KommuneID: k.ID},
		{Email: "leser@hannover.example", DisplayName: "Prüfung", Role: auth.Reviewer, KommuneID: k.ID},
		{Email: "ind@nds.example", DisplayName: "Landesamt", Role: auth.LandAdmin, LandCode: "03"},
		{Email: "ind@nrw.example", DisplayName: "NRW", Role: auth.LandAdmin, LandCode: "05"},
	} {
		if err := s.CreateUser(ctx, sys, actor, &u, ""); err != nil {
			t.Fatal(err)
		}
		fx.users[u.Email] = u
	}
	return fx
}

// serve runs the whole application with a minimum cell size; the header X-Test-User signs the request in as
// that user (standing in for the session middleware), with the form token "x".
func (fx indicatorFixture) serve(t *testing.T, s *store.Store, privacy indicator.Privacy) *httptest.Server {
	t.Helper()
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	app, err := server.Handler(server.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler), Version: "test", Privacy: privacy})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := fx.users[r.Header.Get("X-Test-User")]; ok {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: u, Via: "session", CSRF: "x"}))
		}
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// as is a browser of a test user that does not follow redirects, so a test sees them.
type as struct {
	t    *testing.T
	user string
}

func (a as) do(req *http.Request) (*http.Response, string) {
	a.t.Helper()
	req.Header.Set("X-Test-User", a.user)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp, string(b)
}

func (a as) get(url string) (*http.Response, string) {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.do(req)
}

// page fetches an HTML page and checks it like every page (no inline style or script, one h1, landmarks).
func (a as) page(url string) page {
	a.t.Helper()
	return get(a.t, &http.Client{Transport: headerTransport{"X-Test-User", a.user}}, url)
}

// headerTransport adds a header to every request.
type headerTransport struct{ key, value string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.key, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

func (a as) post(url string, form url.Values) (*http.Response, string) {
	a.t.Helper()
	form.Set("csrf", "x")
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(req)
}

// upload sends a file through the upload form.
func (a as) upload(url, name string, data []byte) (*http.Response, string) {
	a.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("csrf", "x"); err != nil {
		a.t.Fatal(err)
	}
	fw, err := w.CreateFormFile("datei", name)
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		a.t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		a.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, &body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.do(req)
}

func readCSV(t *testing.T, b string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The indicator pages show the Kommune's own numbers to its people and its Land only; a small count is never
// shown, on the page, in the map's tooltips or in the downloads, and the minimum cell size is the configured one.
func TestIndicatorPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fx := newIndicatorFixture(t, s)
		srv := fx.serve(t, s, indicator.Privacy{})
		k := fx.kommune
		list := srv.URL + "/verwaltung/kommunen/" + k.AGS + "/indikatoren"
		detail := list + "/sgb2_u15"
		coord := as{t, "ind@hannover.example"}

		// Access: the login for visitors, nothing for another Land or another Kommune.
		if resp, _ := (as{t, ""}).get(list); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/anmelden") {
			t.Errorf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		for _, x := range []struct{ user, url string }{
			{"ind@nrw.example", list}, {"ind@nrw.example", detail}, {"ind@nrw.example", detail + "/zeitreihe.csv"},
			{"ind@hannover.example", srv.URL + "/verwaltung/kommunen/" + demo.GapTransitionKommuneAGS + "/indikatoren"},
			{"ind@hannover.example", list + "/quatsch"},
		} {
			if resp, _ := (as{t, x.user}).get(x.url); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s as %s: %d, want 404", x.url, x.user, resp.StatusCode)
			}
		}

		// The list: every indicator of the catalogue, with the latest period and the Kommune's value.
		cat, err := s.ListIndicators(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := coord.page(list)
		if p.status != http.StatusOK {
			t.Fatalf("list: %d", p.status)
		}
		for _, ind := range cat {
			if !strings.Contains(p.body, `href="/verwaltung/kommunen/`+k.AGS+`/indikatoren/`+ind.Code+`"`) {
				t.Errorf("list: no link to %s", ind.Code)
			}
		}
		row := ""
		for _, tr := range all(p.doc, "tr") {
			if strings.Contains(text(tr), "SGB-II-Quote unter 15") {
				row = text(tr)
			}
		}
		if !strings.Contains(row, "2030") || !strings.Contains(row, "20,1 %") {
			t.Errorf("list row of sgb2_u15: %q, want 2030 and 20,1 %%", row)
		}
		if !strings.Contains(p.body, `href="/verwaltung/kommunen/`+k.AGS+`/indikatoren/import"`) {
			t.Error("a coordinator's list has no link to the upload")
		}
		if p := (as{t, "ind@nds.example"}).page(list); p.status != http.StatusOK {
			t.Errorf("Land: %d", p.status)
		}

		// The indicator: map with table, ranking and time series; the small count appears nowhere.
		p = coord.page(detail + "?zeitraum=2030")
		if p.status != http.StatusOK {
			t.Fatalf("detail: %d\n%s", p.status, p.body)
		}
		if strings.Contains(p.body, "1,5") {
			t.Error("the suppressed value 1,5 is on the page")
		}
		for _, want := range []string{"30,2 %", "weniger als 3 Fällen", "map__area shade-none", "<svg class=\"chart\"", "Datenlizenz", "Quelle"} {
			if want == "Datenlizenz" {
				want = cat[0].Licence[:20]
			}
			if !strings.Contains(p.body, want) {
				t.Errorf("detail: %q missing", want)
			}
		}
		cells := map[string]string{}
		for _, tr := range all(first(t, p.doc, "table"), "tr") {
			tds := all(tr, "td")
			if len(tds) == 2 {
				cells[text(tds[0])] = text(tds[1])
			}
		}
		if cells[fx.small.Key] != "–" || cells[fx.large.Key] != "30,2 %" {
			t.Errorf("map table: %q and %q, want – and 30,2 %%", cells[fx.small.Key], cells[fx.large.Key])
		}
		if len(all(p.doc, "svg", "class", "chart")) != 2 || len(all(p.doc, "caption")) < 3 {
			t.Errorf("detail: %d charts, %d tables; want ranking and time series with their tables",
				len(all(p.doc, "svg", "class", "chart")), len(all(p.doc, "caption")))
		}
		// The time series has every period of the indicator, oldest first, and the chosen Area.
		values, err := s.ListIndicatorValues(ctx, tenant.System(), k.ID, store.IndicatorFilter{Indicator: "sgb2_u15", AreasOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		p = coord.page(detail + "?zeitraum=2030&sozialraum=" + fx.large.Key)
		series := first(t, p.doc, "section", "id", "zeitreihe")
		periods := map[string]bool{}
		for _, v := range values {
			periods[v.Period] = true
		}
		if got := len(all(first(t, series, "thead"), "th")) - 1; got != len(periods) {
			t.Errorf("time series: %d periods, want %d", got, len(periods))
		}
		if !strings.Contains(text(series), fx.large.Key+" "+fx.large.Name) {
			t.Error("time series: the chosen Sozialraum is missing")
		}

		// Downloads: the small count is empty with its reason, the others are plain numbers, ranked.
		resp, b := coord.get(detail + "/sozialraeume.csv?zeitraum=2030")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("areas csv: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		rows := readCSV(t, b)
		byKey := map[string][]string{}
		for _, r := range rows[1:] {
			byKey[r[1]] = r
		}
		if r := byKey[fx.large.Key]; r[0] != "1" || r[4] != "30.2" {
			t.Errorf("areas csv, large: %v", r)
		}
		if r := byKey[fx.small.Key]; r[0] != "" || r[4] != "" || !strings.Contains(r[5], "weniger als 3") {
			t.Errorf("areas csv, small: %v", r)
		}
		if strings.Contains(b, "1.5") {
			t.Error("areas csv shows the suppressed value")
		}
		resp, b = coord.get(detail + "/zeitreihe.csv")
		if resp.StatusCode != 200 || len(readCSV(t, b)) != 1+len(periods)*(1+len(mustAreas(t, s, k))) || strings.Contains(b, ";1.5;") {
			t.Errorf("series csv: %d, %d rows", resp.StatusCode, len(readCSV(t, b)))
		}

		// An unknown period is refused with a message.
		if p := coord.page(detail + "?zeitraum=1850"); p.status != http.StatusBadRequest || !strings.Contains(p.body, "1850") {
			t.Errorf("unknown period: %d", p.status)
		}

		// kette serve --min-cell 500: the rate on 400 children is hidden too.
		strict := fx.serve(t, s, indicator.Privacy{MinCell: 500})
		p = (as{t, "ind@hannover.example"}).page(strict.URL + "/verwaltung/kommunen/" + k.AGS + "/indikatoren/sgb2_u15?zeitraum=2030")
		if strings.Contains(p.body, "30,2") || !strings.Contains(p.body, "weniger als 500 Fällen") {
			t.Error("min cell 500: the value on 400 children is shown")
		}
	})
}

func mustAreas(t *testing.T, s *store.Store, k region.Kommune) []region.Area {
	t.Helper()
	areas, err := s.ListAreas(ctx, tenant.System(), k.ID)
	if err != nil {
		t.Fatal(err)
	}
	return areas
}

// waitForPreview reloads the upload page, as its refresh does, until the file is checked.
func waitForPreview(t *testing.T, a as, url string) page {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		p := a.page(url)
		if !strings.Contains(p.body, `http-equiv="refresh"`) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the upload was not checked within a minute:\n%s", p.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The upload: a good file shows a preview of new and changed values and is applied with "Übernehmen" (all
// of it, audit logged); a broken file lists every problem by line and column and changes nothing; an upload is
// its user's alone, and only coordinators and the Land may upload.
func TestIndicatorUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fx := newIndicatorFixture(t, s)
		srv := fx.serve(t, s, indicator.Privacy{})
		k := fx.kommune
		imp := srv.URL + "/verwaltung/kommunen/" + k.AGS + "/indikatoren/import"
		coord := as{t, "ind@hannover.example"}
		sys := tenant.System()
		snapshot := func() []indicator.Value {
			v, err := s.ListIndicatorValues(ctx, sys, k.ID, store.IndicatorFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		same := func(a, b []indicator.Value) bool {
			if len(a) != len(b) {
				return false
			}
			for i := range a {
				if a[i].Indicator != b[i].Indicator || a[i].RegionKey != b[i].RegionKey || a[i].Period != b[i].Period || a[i].Value != b[i].Value {
					return false
				}
			}
			return true
		}

		// Who may: a reviewer of the Kommune is refused, another Land does not find it.
		if resp, _ := (as{t, "leser@hannover.example"}).get(imp); resp.StatusCode != http.StatusForbidden {
			t.Errorf("reviewer: %d, want 403", resp.StatusCode)
		}
		if resp, _ := (as{t, "ind@nrw.example"}).upload(imp, "x.csv", []byte("x")); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other Land uploads: %d, want 404", resp.StatusCode)
		}
		p := coord.page(imp)
		if p.status != 200 || first(t, p.doc, "input", "type", "file") == nil || strings.Contains(p.body, "<progress") {
			t.Fatalf("upload form: %d", p.status)
		}
		if p := (as{t, "ind@nds.example"}).page(imp); p.status != 200 || first(t, p.doc, "input", "type", "file") == nil {
			t.Errorf("the Land's upload form: %d", p.status)
		}
		if resp, body := coord.upload(imp, "leer.csv", nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Die Datei ist leer") {
			t.Errorf("empty file: %d", resp.StatusCode)
		}

		// A broken file: text in a number column, an unknown Sozialraum, a duplicate row.
		before := snapshot()
		broken := "Sozialraum;Jahr;SGB-II-Quote u15;Betreuungsquote u3\n" +
			fx.large.Key + ";2031;viel;30\n" +
			"99;2031;12,0;30\n" +
			fx.small.Key + ";2031;10,0;130\n" +
			fx.small.Key + ";2031;11,0;30\n"
		resp, _ := coord.upload(imp, "kaputt.csv", []byte(broken))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/verwaltung/kommunen/"+k.AGS+"/indikatoren/import" {
			t.Fatalf("upload: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		p = waitForPreview(t, coord, imp)
		for _, want := range []string{"Zeile 2, Spalte 3 (SGB-II-Quote u15)", "„viel“ ist keine Zahl", "Zeile 3, Spalte 1 (Sozialraum)",
			"„99“", "Zeile 4, Spalte 4 (Betreuungsquote u3)", "„130“ ist größer als 100", "Zeile 5, Spalte 3", "Doppelte Zeile",
			"Es wurde nichts übernommen"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("broken file: %q missing", want)
			}
		}
		if n := strings.Count(p.body, "„99“"); n != 1 {
			t.Errorf("the unknown Sozialraum of line 3 is named %d times, want once", n)
		}
		if strings.Contains(p.body, "/uebernehmen") {
			t.Error("a broken file offers „Übernehmen“")
		}
		job, _ := attr(first(t, p.doc, "input", "name", "job"), "value")
		if resp, _ := coord.post(imp+"/uebernehmen", url.Values{"job": {job}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("applying a broken file: %d, want 409", resp.StatusCode)
		}
		if !same(before, snapshot()) {
			t.Fatal("a broken file changed the values")
		}
		if resp, _ := coord.post(imp+"/verwerfen", url.Values{"job": {job}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("discard: %d", resp.StatusCode)
		}
		if p := coord.page(imp); strings.Contains(p.body, "kaputt.csv") {
			t.Error("the discarded upload is still shown")
		}

		// A good file: one changed value, two new ones; the preview says so before anything is written.
		good := "Sozialraum;Jahr;SGB-II-Quote u15;SGB-II-Quote u15 (Zähler)\n" +
			fx.large.Key + ";2030;31,0;410\n" +
			fx.large.Key + ";2031;32,5;420\n" +
			fx.small.Key + ";2031;2,0;1\n"
		if resp, _ := coord.upload(imp, "gut.csv", []byte(good)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload good: %d", resp.StatusCode)
		}
		p = waitForPreview(t, coord, imp)
		if !strings.Contains(p.body, "2 neue, 1 geänderte und 0 unveränderte Werte") || !strings.Contains(p.body, "30,2 %") ||
			!strings.Contains(p.body, "<td>31 %</td>") || !strings.Contains(p.body, "<td>"+fx.small.Key+" "+fx.small.Name+"</td><td>2031</td><td></td><td>–</td>") {
			t.Errorf("preview:\n%s", p.body)
		}
		if !same(before, snapshot()) {
			t.Fatal("the preview changed the values")
		}
		// A colleague does not see it and cannot apply it.
		if p := (as{t, "ind2@hannover.example"}).page(imp); strings.Contains(p.body, "gut.csv") {
			t.Error("a colleague sees the upload")
		}
		job, _ = attr(first(t, p.doc, "input", "name", "job"), "value")
		if resp, _ := (as{t, "ind2@hannover.example"}).post(imp+"/uebernehmen", url.Values{"job": {job}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("a colleague applies: %d, want 409", resp.StatusCode)
		}
		if resp, _ := coord.post(imp+"/uebernehmen", url.Values{"job": {"00000000-0000-0000-0000-000000000000"}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("another job id: %d, want 409", resp.StatusCode)
		}
		if !same(before, snapshot()) {
			t.Fatal("refused applies changed the values")
		}
		resp, _ = coord.post(imp+"/uebernehmen", url.Values{"job": {job}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/verwaltung/kommunen/"+k.AGS+"/indikatoren/import" {
			t.Fatalf("apply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		// The values are written in the background; the waiting page goes on to the list when they are in.
		deadline := time.Now().Add(time.Minute)
		for {
			resp, _ = coord.get(imp)
			if resp.StatusCode == http.StatusSeeOther {
				break
			}
			if resp.StatusCode != http.StatusOK || time.Now().After(deadline) {
				t.Fatalf("waiting for the import: %d", resp.StatusCode)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.HasSuffix(resp.Header.Get("Location"), "/indikatoren?importiert=3") {
			t.Fatalf("after the import: %s", resp.Header.Get("Location"))
		}
		after := snapshot()
		if len(after) != len(before)+2 {
			t.Errorf("%d values after, want %d", len(after), len(before)+2)
		}
		for _, v := range after {
			if v.Indicator == "sgb2_u15" && v.RegionKey == fx.large.Key && v.Period == "2030" && v.Value != 31 {
				t.Errorf("changed value: %v", v.Value)
			}
		}
		if p := coord.page(srv.URL + resp.Header.Get("Location")); !strings.Contains(p.body, "3 Werte wurden übernommen") {
			t.Error("no notice after the import")
		}
		entries, err := s.ListAudit(ctx, sys, audit.Filter{KommuneID: k.ID, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		logged := false
		for _, e := range entries {
			logged = logged || e.Entity == "indicator_import" && strings.Contains(e.Actor, fx.users["ind@hannover.example"].ID.String())
		}
		if !logged {
			t.Error("the import is not in the audit log")
		}
		if p := coord.page(imp); strings.Contains(p.body, "gut.csv") {
			t.Error("the applied upload is still shown")
		}
	})
}
