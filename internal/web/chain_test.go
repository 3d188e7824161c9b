package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// chainSite serves the application over the demo data; a request with the header X-Test-User (an e-mail
// address) is signed in as that user, standing in for the session middleware.
func chainSite(t *testing.T, s *store.Store) (*httptest.Server, map[string]auth.User) {
	t.Helper()
	if err := demo.Load(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	actor, sys := audit.System("test"), tenant.System()
	if err := s.UpsertLand(ctx, actor, region.Land{Code: "05", Name: "Nordrhein-Westfalen"}); err != nil {
		t.Fatal(err)
	}
	h, err := s.GetKommuneByAGS(ctx, sys, demo.GapHealthKommuneAGS)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]auth.User{}
	for _, u := range []auth.User{
		{Email: "kette@hannover.example", DisplayName: "Koordination", Role: auth.KommuneCoordinator, KommuneID: h.ID},
		{Email: "kette@nds.example", DisplayName: "Landesamt", Role: auth.LandAdmin, LandCode: "03"},
		{Email: "kette@nrw.example", DisplayName: "NRW", Role: auth.LandAdmin, LandCode: "05"},
	} {
		if err := s.CreateUser(ctx, sys, actor, &u, ""); err != nil {
			t.Fatal(err)
		}
		users[u.Email] = u
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	app, err := server.Handler(server.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := users[r.Header.Get("X-Test-User")]; ok {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: u, Via: "session", CSRF: "x"}))
		}
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, users
}

func download(t *testing.T, url, user string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Test-User", user)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestChainPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv, _ := chainSite(t, s)
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		date := catalog.DateOf(demo.ReferenceDate)
		base := srv.URL + "/verwaltung/kommunen/" + demo.GapHealthKommuneAGS + "/kette"
		q := "?datum=" + date.String()

		// Anonymous visitors are sent to the login; another Kommune's coordinator and another Land see nothing.
		resp, _ := download(t, base, "")
		if resp.StatusCode != http.StatusOK { // followed the redirect to the login page
			t.Fatalf("anonymous: %d", resp.StatusCode)
		}
		req, _ := http.NewRequest(http.MethodGet, base, nil)
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/anmelden?next=") {
			t.Fatalf("anonymous: %d %q, want the login", r.StatusCode, r.Header.Get("Location"))
		}
		for _, x := range []struct{ url, user string }{
			{srv.URL + "/verwaltung/kommunen/" + demo.GapTransitionKommuneAGS + "/kette", "kette@hannover.example"},
			{base, "kette@nrw.example"},
			{base + "/luecken.csv", "kette@nrw.example"},
			{base + "/luecken.pdf", "kette@hannover.example" + "x"},
			{srv.URL + "/verwaltung/laender/03/kette", "kette@hannover.example"},
			{srv.URL + "/verwaltung/laender/03/kette", "kette@nrw.example"},
		} {
			req, _ := http.NewRequest(http.MethodGet, x.url, nil)
			req.Header.Set("X-Test-User", x.user)
			r, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			want := http.StatusNotFound
			if !strings.HasPrefix(x.user, "kette@") || strings.HasSuffix(x.user, "x") {
				want = http.StatusSeeOther
			}
			if r.StatusCode != want {
				t.Errorf("%s as %s: %d, want %d", x.url, x.user, r.StatusCode, want)
			}
		}

		k, err := s.GetKommuneByAGS(ctx, tenant.System(), demo.GapHealthKommuneAGS)
		if err != nil {
			t.Fatal(err)
		}
		m, err := chain.Run(ctx, s, tenant.System(), k.ID, date, chain.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		bundle, _ := i18n.New()
		de := bundle.For("de")
		var gapSentence string
		for _, g := range m.Gaps {
			if g.AreaName == demo.GapHealthArea && g.Phase == demo.GapHealthPhase && g.Field == demo.GapHealthField {
				gapSentence = g.Sentence(de, s.Taxonomies())
			}
		}

		for _, user := range []string{"kette@hannover.example", "kette@nds.example"} {
			p := get(t, browser(t), base+q+"&lebensphase=age_0_3&karte=abdeckung&handlungsfeld=health", "X-Test-User", user)
			if p.status != 200 {
				t.Fatalf("%s: %d", user, p.status)
			}
			for _, want := range []string{k.Name, m.Gaps[0].Sentence(de, s.Taxonomies()), gapSentence} {
				if !strings.Contains(p.body, htmlEscape(want)) {
					t.Errorf("%s: page lacks %q", user, want)
				}
			}
			for _, want := range []string{`class="chart"`, "heat-", `class="map__svg"`, "luecken.pdf?abstand=2&amp;datum=" + date.String() + "&amp;gewicht_alleinerziehende_bg=1", "<caption"} {
				if !strings.Contains(p.body, want) {
					t.Errorf("%s: page lacks %q", user, want)
				}
			}
			// The heatmap's table has the cell of the deliberate gap: no offer, marked.
			var row string
			for _, tr := range all(p.doc, "tr") {
				if strings.Contains(text(tr), demo.GapHealthArea) && strings.Contains(text(tr), "0!") {
					row = text(tr)
				}
			}
			if row == "" {
				t.Errorf("%s: no table row shows %s with a gap", user, demo.GapHealthArea)
			}
		}
		p := get(t, browser(t), base+"?datum=gestern", "X-Test-User", "kette@hannover.example")
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, de.T("chainview.date.invalid")) {
			t.Errorf("bad datum: %d", p.status)
		}

		// Downloads: CSV of matrix and gaps, XLSX, PDF.
		resp, b := download(t, base+"/luecken.csv"+q, "kette@hannover.example")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "luecken-"+k.AGS+"-"+date.String()+".csv") {
			t.Fatalf("gaps csv: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) != len(m.Gaps)+1 || !strings.Contains(string(b), gapSentence) {
			t.Errorf("gaps csv: %d lines for %d gaps", len(lines), len(m.Gaps))
		}
		resp, b = download(t, base+"/matrix.csv"+q, "kette@nds.example")
		if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); resp.StatusCode != 200 || len(lines) != len(m.Cells)+len(m.Transitions)+1 {
			t.Errorf("matrix csv: %d, %d lines", resp.StatusCode, len(lines))
		}
		resp, b = download(t, base+"/luecken.xlsx"+q, "kette@hannover.example")
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if resp.StatusCode != 200 || err != nil {
			t.Fatalf("xlsx: %d %v", resp.StatusCode, err)
		}
		defer x.Close()
		rows, err := x.GetRows(de.T("chainview.sheet.matrix"))
		if err != nil || len(rows) != len(m.Cells)+len(m.Transitions)+1 {
			t.Errorf("xlsx matrix: %d rows, %v", len(rows), err)
		}
		for _, f := range []string{"/luecken.pdf", "/sozialraumprofil.pdf"} {
			resp, b = download(t, base+f+q, "kette@nds.example")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Errorf("%s: %d %q", f, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}

		// The Land view compares the four demo Kommunen.
		p = get(t, browser(t), srv.URL+"/verwaltung/laender/03/kette"+q, "X-Test-User", "kette@nds.example")
		if p.status != 200 {
			t.Fatalf("land view: %d", p.status)
		}
		for _, name := range demoKommunen {
			if !strings.Contains(p.body, htmlEscape(name)) {
				t.Errorf("land view lacks %s", name)
			}
		}
		if n := len(all(p.doc, "rect", "class", "chart__bar*")); n != len(demoKommunen) {
			t.Errorf("land chart has %d bars, want %d", n, len(demoKommunen))
		}
	})
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
