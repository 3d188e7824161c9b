package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// The settings of the chain page: a GET form whose address holds distance, minimum coverage and the need
// index; bad values come back beside their fields in German; the need index is shown with its formula and
// values per Area, the derived indicator as a table, and beside a gap the searches that found nothing.
func TestChainSettingsNeedAndUnmetSearches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv, _ := chainSite(t, s)
		date := catalog.DateOf(demo.ReferenceDate)
		path := "/verwaltung/kommunen/" + demo.GapHealthKommuneAGS + "/kette"
		base := srv.URL + path
		user := "kette@hannover.example"
		k, err := s.GetKommuneByAGS(ctx, tenant.System(), demo.GapHealthKommuneAGS)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("bad values are named beside their fields", func(t *testing.T) {
			p := get(t, browser(t), base+"?datum="+date.String()+"&abstand=zwei&mindestabdeckung=-1&gewicht_sgb2_u15=11", "X-Test-User", user)
			if p.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", p.status)
			}
			for _, want := range []string{"„zwei“ ist keine Zahl. Bitte eine Zahl wie 2 oder 2,5 eingeben.",
				"„-1“ liegt nicht zwischen 0 und 1000.", "„11“ liegt nicht zwischen 0 und 10.",
				`id="f-abstand" name="abstand" type="text" value="zwei" aria-invalid="true"`, `role="alert"`} {
				if !strings.Contains(p.body, htmlEscape(want)) && !strings.Contains(p.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})

		// A zero-result search for health of 0–3-year-olds made in Misburg-Anderten ten days before the day.
		want, err := chain.Run(ctx, s, tenant.System(), k.ID, date, chain.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		g := want.Gaps[0]
		if g.AreaName != demo.GapHealthArea {
			t.Fatalf("first gap %s", g.AreaName)
		}
		area := g.AreaID
		if err := s.RecordSearch(ctx, tenant.System(), store.SearchLogEntry{At: date.Time().Add(-240 * time.Hour), Channel: "web",
			KommuneID: &k.ID, AreaID: &area, Filters: []string{"phase:age_0_3", "field:health"}, Results: 0}); err != nil {
			t.Fatal(err)
		}

		t.Run("chosen settings with their formula, need table, derived indicator and unmet searches", func(t *testing.T) {
			q := "?datum=" + date.String() + "&abstand=3&mindestabdeckung=0&gewicht_sgb2_u15=1&gewicht_alleinerziehende_bg=&gewicht_seu_sprachfoerderung=0"
			p := get(t, browser(t), base+q, "X-Test-User", user)
			if p.status != http.StatusOK {
				t.Fatalf("status %d", p.status)
			}
			set := chain.Settings{DistanceKm: 3, NeedIndex: []store.NeedWeight{{Indicator: "sgb2_u15", Weight: 1}}}
			m, err := chain.Run(ctx, s, tenant.System(), k.ID, date, set)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Bedarfsindex = 1 × z(SGB-II-Quote u15)", "Bedarfsgewicht = 1 + 0,25 × Bedarfsindex, begrenzt auf 0,5 bis 2,0",
				"Bedarfsindex und Bedarfsgewicht je Sozialraum", "Angebote je 1.000 Kinder nach Sozialraum und Lebensphase",
				"Suchen ohne Treffer dazu im Familienwegweiser (12 Monate): 1 im Sozialraum, 0 ohne Sozialraum, bis zu 0 ältere.",
				`luecken.xlsx?abstand=3&amp;datum=` + date.String()} {
				if !strings.Contains(text(p.doc), want) && !strings.Contains(p.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			// The need table holds each Area's weight as the analysis computed it.
			rows := map[string]string{}
			for _, tr := range all(p.doc, "tr") {
				rows[text(tr)] = ""
			}
			for _, a := range m.Need.Areas {
				found := false
				w := strings.Replace(fmt.Sprintf("%.2f", a.Weight), ".", ",", 1)
				for r := range rows {
					if strings.HasPrefix(r, a.AreaKey+a.AreaName) && strings.HasSuffix(r, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("need table lacks %s with weight %s", a.AreaName, w)
				}
			}
			// The derived indicator of Misburg-Anderten, 0–3: its offers per 1,000 children.
			for _, d := range m.Derived {
				if d.AreaID == area && d.Phase == "age_0_3" {
					v := strings.Replace(fmt.Sprintf("%.1f", d.Value), ".", ",", 1)
					ok := false
					for r := range rows {
						ok = ok || strings.Contains(r, demo.GapHealthArea) && strings.Contains(r, v)
					}
					if !ok {
						t.Errorf("derived table lacks %s %s", demo.GapHealthArea, v)
					}
				}
			}

			// The same numbers in the API and the workbook.
			resp, b := download(t, srv.URL+"/api/v1/kommunen/"+k.AGS+"/gaps"+q, user)
			var body struct {
				Formula string `json:"need_formula"`
				Items   []struct {
					AreaName string               `json:"area_name"`
					Searches *chain.UnmetSearches `json:"unmet_searches"`
				} `json:"items"`
			}
			if resp.StatusCode != 200 || json.Unmarshal(b, &body) != nil {
				t.Fatalf("api gaps: %d %s", resp.StatusCode, b)
			}
			if body.Formula != "Bedarfsindex = 1 × z(SGB-II-Quote u15)" || body.Items[0].AreaName != demo.GapHealthArea ||
				body.Items[0].Searches == nil || body.Items[0].Searches.Area != 1 || body.Items[0].Searches.Total != 1 {
				t.Errorf("api gaps: %q %+v", body.Formula, body.Items[0])
			}
			for _, it := range body.Items[1:] {
				if it.Searches != nil {
					t.Errorf("%s has searches %+v", it.AreaName, *it.Searches)
				}
			}
			resp, b = download(t, base+"/luecken.xlsx"+q, user)
			if resp.StatusCode != 200 {
				t.Fatalf("xlsx %d", resp.StatusCode)
			}
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			rowsX, err := f.GetRows("Lücken")
			if err != nil {
				t.Fatal(err)
			}
			if h := rowsX[0]; h[len(h)-1] != "Suchen ohne Treffer" || rowsX[1][2] != demo.GapHealthArea || rowsX[1][len(h)-1] != "1" {
				t.Errorf("xlsx header %v, first row %v", h, rowsX[1])
			}
			if len(rowsX) > 2 && len(rowsX[2]) >= len(rowsX[0]) && rowsX[2][len(rowsX[0])-1] != "" {
				t.Errorf("second gap has searches in the workbook: %v", rowsX[2])
			}
		})
	})
}
