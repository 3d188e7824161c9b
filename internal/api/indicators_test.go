package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/api"
	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// indicatorServer serves the API as the user (nil: anonymous) with a minimum cell size.
func indicatorServer(t *testing.T, s *store.Store, u *auth.User, privacy indicator.Privacy) *httptest.Server {
	t.Helper()
	bundle, err := i18n.New()
	must(t, err)
	h := api.New(api.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler), Privacy: privacy})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: *u, Via: "token"}))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func getJSON(t *testing.T, srv *httptest.Server, path string, v any) int {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

type indicatorsAnswer struct {
	Kommune string `json:"kommune"`
	AGS     string `json:"ags"`
	MinCell int    `json:"min_cell"`
	Items   []struct {
		Code    string `json:"code"`
		NameDE  string `json:"name_de"`
		Source  string `json:"source"`
		Licence string `json:"licence"`
		Values  []struct {
			Level      string   `json:"level"`
			RegionKey  string   `json:"region_key"`
			RegionName string   `json:"region_name"`
			Period     string   `json:"period"`
			Value      *float64 `json:"value"`
			Suppressed bool     `json:"suppressed"`
		} `json:"values"`
	} `json:"items"`
}

// The indicators of a Kommune are for its own people and its Land: anonymous is 401, another Kommune or Land
// 404. Every catalogue entry comes with its attribution, every value with its region; a value resting on
// fewer cases than the minimum cell size has no number, and the minimum comes from the configuration.
func TestIndicatorsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		must(t, demo.Load(ctx, s, nil))
		sys, actor := tenant.System(), audit.System("test")
		must(t, s.UpsertLand(ctx, actor, region.Land{Code: "05", Name: "Nordrhein-Westfalen"}))
		k, err := s.GetKommuneByAGS(ctx, sys, demo.GapHealthKommuneAGS)
		must(t, err)
		areas, err := s.ListAreas(ctx, sys, k.ID)
		must(t, err)
		small, large := areas[0], areas[1]
		// 2030: one Sozialraum whose SGB-II-Quote rests on 2 children, one on 400, and the Kommune's.
		file := "Jahr;Sozialraum;Indikator;Wert;Zähler\n" +
			"2030;" + small.Key + ";sgb2_u15;1,5;2\n" +
			"2030;" + large.Key + ";sgb2_u15;30,2;400\n" +
			"2030;" + k.AGS + ";sgb2_u15;20,1;10000\n"
		f, probs := indicator.Parse("klein.csv", []byte(file), indicator.Catalogue())
		if len(probs) > 0 {
			t.Fatalf("test file: %+v", probs)
		}
		_, err = s.ApplyIndicatorImport(ctx, sys, actor, k.AGS, f)
		must(t, err)

		users := map[string]*auth.User{
			"coordinator": {Email: "ind@hannover.example", DisplayName: "K", Role: auth.KommuneCoordinator, KommuneID: k.ID},
			"land":        {Email: "ind@nds.example", DisplayName: "L", Role: auth.LandAdmin, LandCode: "03"},
			"other land":  {Email: "ind@nrw.example", DisplayName: "N", Role: auth.LandAdmin, LandCode: "05"},
		}
		for _, u := range users {
			must(t, s.CreateUser(ctx, sys, actor, u, ""))
		}
		path := "/api/v1/kommunen/" + k.AGS + "/indicators"

		var e apiError
		if code := getJSON(t, indicatorServer(t, s, nil, indicator.Privacy{}), path, &e); code != 401 || e.Error.Code != "unauthenticated" {
			t.Errorf("anonymous: %d %+v", code, e)
		}
		if code := getJSON(t, indicatorServer(t, s, users["other land"], indicator.Privacy{}), path, &e); code != 404 || e.Error.Code != "not_found" {
			t.Errorf("other Land: %d %+v", code, e)
		}
		if code := getJSON(t, indicatorServer(t, s, users["coordinator"], indicator.Privacy{}), "/api/v1/kommunen/"+demo.GapTransitionKommuneAGS+"/indicators", &e); code != 404 {
			t.Errorf("coordinator, other Kommune: %d", code)
		}

		cat, err := s.ListIndicators(ctx)
		must(t, err)
		stored, err := s.ListIndicatorValues(ctx, sys, k.ID, store.IndicatorFilter{})
		must(t, err)
		for _, who := range []string{"coordinator", "land"} {
			var got indicatorsAnswer
			if code := getJSON(t, indicatorServer(t, s, users[who], indicator.Privacy{}), path, &got); code != 200 {
				t.Fatalf("%s: %d", who, code)
			}
			if got.AGS != k.AGS || got.Kommune != k.Name || got.MinCell != indicator.DefaultMinCell || len(got.Items) != len(cat) {
				t.Fatalf("%s: %s %s min %d, %d items, want %d", who, got.AGS, got.Kommune, got.MinCell, len(got.Items), len(cat))
			}
			n := 0
			for i, item := range got.Items {
				if item.Code != cat[i].Code || item.Licence != cat[i].Licence || item.Licence == "" || item.Source != cat[i].Source {
					t.Errorf("item %d: %s %q, want %s %q", i, item.Code, item.Licence, cat[i].Code, cat[i].Licence)
				}
				n += len(item.Values)
			}
			if n != len(stored) {
				t.Errorf("%s: %d values, want the %d stored", who, n, len(stored))
			}
		}

		// One indicator and period: the small value is null and marked, the others are there.
		var got indicatorsAnswer
		coord := indicatorServer(t, s, users["coordinator"], indicator.Privacy{})
		if code := getJSON(t, coord, path+"?code=sgb2_u15&period=2030", &got); code != 200 || len(got.Items) != 1 || len(got.Items[0].Values) != 3 {
			t.Fatalf("?code&period: %d %+v", code, got)
		}
		byKey := map[string]int{}
		for i, v := range got.Items[0].Values {
			byKey[v.RegionKey] = i
			if v.Period != "2030" {
				t.Errorf("period %s in a list of 2030", v.Period)
			}
		}
		vs := got.Items[0].Values
		if v := vs[byKey[small.Key]]; v.Value != nil || !v.Suppressed || v.Level != "area" || v.RegionName != small.Name {
			t.Errorf("small count: %+v, want null and suppressed", v)
		}
		if v := vs[byKey[large.Key]]; v.Value == nil || *v.Value != 30.2 || v.Suppressed {
			t.Errorf("large count: %+v", v)
		}
		if v := vs[byKey[k.AGS]]; v.Value == nil || *v.Value != 20.1 || v.Level != "kommune" || v.RegionName != k.Name {
			t.Errorf("Kommune: %+v", v)
		}

		// kette serve --min-cell 500 hides the rate on 400 children too.
		strict := indicatorServer(t, s, users["coordinator"], indicator.Privacy{MinCell: 500})
		if code := getJSON(t, strict, path+"?code=sgb2_u15&period=2030", &got); code != 200 || got.MinCell != 500 {
			t.Fatalf("min cell 500: %d %d", code, got.MinCell)
		}
		for _, v := range got.Items[0].Values {
			if want := v.RegionKey != k.AGS; v.Suppressed != want || (v.Value == nil) != want {
				t.Errorf("min cell 500, %s: %+v", v.RegionKey, v)
			}
		}

		// An unknown code is a field error naming it.
		if code := getJSON(t, coord, path+"?code=quatsch", &e); code != 422 || e.Error.Code != "invalid" || len(e.Error.Fields) != 1 ||
			e.Error.Fields[0].Field != "code" || !strings.Contains(e.Error.Fields[0].Message, "quatsch") {
			t.Errorf("unknown code: %d %+v", code, e)
		}
	})
}
