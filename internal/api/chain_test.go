package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kette-org/kette/internal/api"
	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// chainServer serves the API as the user (nil: anonymous), standing in for the session middleware.
func chainServer(t *testing.T, s *store.Store, u *auth.User) *httptest.Server {
	t.Helper()
	bundle, err := i18n.New()
	must(t, err)
	h := api.New(api.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: *u, Via: "token"}))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func fetch(t *testing.T, srv *httptest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp, b
}

type chainUsers struct {
	hannover, land, otherLand auth.User
}

func chainSetup(t *testing.T, s *store.Store) chainUsers {
	t.Helper()
	must(t, demo.Load(ctx, s, nil))
	actor, sys := audit.System("test"), tenant.System()
	must(t, s.UpsertLand(ctx, actor, region.Land{Code: "05", Name: "Nordrhein-Westfalen"}))
	h, err := s.GetKommuneByAGS(ctx, sys, demo.GapHealthKommuneAGS)
	must(t, err)
	u := chainUsers{
		hannover:  auth.User{Email: "koordination@hannover.example", DisplayName: "Koordination", Role: auth.KommuneCoordinator, KommuneID: h.ID},
		land:      auth.User{Email: "land@nds.example", DisplayName: "Landesamt", Role: auth.LandAdmin, LandCode: "03"},
		otherLand: auth.User{Email: "land@nrw.example", DisplayName: "NRW", Role: auth.LandAdmin, LandCode: "05"},
	}
	for _, x := range []*auth.User{&u.hannover, &u.land, &u.otherLand} {
		must(t, s.CreateUser(ctx, sys, actor, x, ""))
	}
	return u
}

// The gap analysis is for the Kommune's own people and its Land: anonymous is 401, another Kommune or Land
// is 404, and the numbers are the analysis's own, ranked, with their sentences.
func TestChainAPI(t *testing.T) {
	bundle, err := i18n.New()
	must(t, err)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		u := chainSetup(t, s)
		hannover, lueneburg := "/api/v1/kommunen/"+demo.GapHealthKommuneAGS, "/api/v1/kommunen/"+demo.GapTransitionKommuneAGS
		paths := []string{"/matrix", "/gaps", "/reports/gaps.pdf", "/reports/gaps.xlsx", "/reports/profile.pdf"}

		anon, coord, land, nrw := chainServer(t, s, nil), chainServer(t, s, &u.hannover), chainServer(t, s, &u.land), chainServer(t, s, &u.otherLand)
		for _, p := range paths {
			var e apiError
			resp, b := fetch(t, anon, hannover+p)
			if resp.StatusCode != 401 || json.Unmarshal(b, &e) != nil || e.Error.Code != "unauthenticated" {
				t.Errorf("anonymous %s: %d %s", p, resp.StatusCode, b)
			}
			for name, c := range map[string]struct {
				srv  *httptest.Server
				path string
			}{"coordinator, other Kommune": {coord, lueneburg + p}, "other Land": {nrw, hannover + p}} {
				resp, b := fetch(t, c.srv, c.path)
				if resp.StatusCode != 404 || json.Unmarshal(b, &e) != nil || e.Error.Code != "not_found" {
					t.Errorf("%s %s: %d %s", name, p, resp.StatusCode, b)
				}
			}
		}

		date := catalog.DateOf(demo.ReferenceDate)
		k, err := s.GetKommuneByAGS(ctx, tenant.System(), demo.GapHealthKommuneAGS)
		must(t, err)
		// The API analyses with the views' default settings: the need index of the demo's indicator values.
		want, err := chain.Run(ctx, s, tenant.System(), k.ID, date, chain.DefaultSettings())
		must(t, err)
		q := "?datum=" + date.String()

		var m struct {
			Kommune     region.Kommune `json:"kommune"`
			Date        string         `json:"date"`
			Cells       []chain.Cell   `json:"cells"`
			Transitions []chain.Cell   `json:"transitions"`
			Gaps        int            `json:"gaps"`
		}
		for _, srv := range []*httptest.Server{coord, land} {
			resp, b := fetch(t, srv, hannover+"/matrix"+q)
			if resp.StatusCode != 200 || json.Unmarshal(b, &m) != nil {
				t.Fatalf("matrix: %d %s", resp.StatusCode, b)
			}
			if m.Kommune.AGS != k.AGS || m.Date != date.String() || len(m.Cells) != len(want.Cells) ||
				len(m.Transitions) != len(want.Transitions) || m.Gaps != len(want.Gaps) {
				t.Fatalf("matrix: %s %s %d cells, %d transitions, %d gaps", m.Kommune.AGS, m.Date, len(m.Cells), len(m.Transitions), m.Gaps)
			}
			for i, c := range m.Cells {
				if c.AreaKey != want.Cells[i].AreaKey || c.Supply != want.Cells[i].Supply || c.Gap != want.Cells[i].Gap {
					t.Fatalf("cell %d: %+v, want %+v", i, c, want.Cells[i])
				}
			}
		}

		var gaps struct {
			Items []struct {
				Rank       int     `json:"rank"`
				AreaKey    string  `json:"area_key"`
				AreaName   string  `json:"area_name"`
				Phase      string  `json:"phase"`
				Field      string  `json:"field"`
				Transition string  `json:"transition"`
				Children   int     `json:"children"`
				Need       float64 `json:"need"`
				Supply     int     `json:"supply"`
				Coverage   float64 `json:"coverage"`
				Sentence   string  `json:"sentence"`
			} `json:"items"`
		}
		resp, b := fetch(t, coord, hannover+"/gaps"+q)
		if resp.StatusCode != 200 || json.Unmarshal(b, &gaps) != nil || len(gaps.Items) != len(want.Gaps) {
			t.Fatalf("gaps: %d, %d items, want %d", resp.StatusCode, len(gaps.Items), len(want.Gaps))
		}
		de := bundle.For("de")
		for i, g := range gaps.Items {
			w := want.Gaps[i]
			if g.Rank != i+1 || g.AreaKey != w.AreaKey || g.AreaName != w.AreaName || g.Phase != w.Phase || g.Field != w.Field ||
				g.Transition != w.Transition || g.Supply != w.Supply || g.Need != w.Need || g.Sentence != w.Sentence(de, s.Taxonomies()) {
				t.Fatalf("gap %d: %+v, want %+v", i+1, g, w)
			}
		}
		found := false
		for _, g := range gaps.Items {
			found = found || g.AreaName == demo.GapHealthArea && g.Phase == demo.GapHealthPhase && g.Field == demo.GapHealthField && g.Supply == 0
		}
		if !found {
			t.Errorf("the deliberate gap of %s is not in the list", demo.GapHealthArea)
		}

		// English on request; a malformed date is a field error.
		resp, b = fetch(t, coord, hannover+"/gaps"+q+"&lang=en")
		if resp.StatusCode != 200 || !strings.Contains(string(b), "no offer") {
			t.Errorf("english gaps: %d", resp.StatusCode)
		}
		var e apiError
		resp, b = fetch(t, coord, hannover+"/gaps?datum=1.10.2026")
		if resp.StatusCode != 422 || json.Unmarshal(b, &e) != nil || e.Error.Code != "invalid" || len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "datum" {
			t.Errorf("bad datum: %d %s", resp.StatusCode, b)
		}

		resp, b = fetch(t, land, hannover+"/reports/gaps.pdf"+q)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-")) ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "luecken-"+k.AGS+"-"+date.String()+".pdf") {
			t.Errorf("pdf: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		resp, b = fetch(t, land, hannover+"/reports/gaps.xlsx"+q)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		x, err := excelize.OpenReader(bytes.NewReader(b))
		must(t, err)
		defer x.Close()
		rows, err := x.GetRows(de.T("chainview.sheet.gaps"))
		must(t, err)
		if len(rows) != len(want.Gaps)+1 || rows[1][2] != want.Gaps[0].AreaName {
			t.Errorf("xlsx gaps: %d rows, first %v; want %d and %s", len(rows), rows[1], len(want.Gaps)+1, want.Gaps[0].AreaName)
		}
	})
}
