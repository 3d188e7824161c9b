package chain_test

import (
	"net/url"
	"testing"

	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// importNeedValues gives the scenario's Areas the indicator values of the default need index for 2025, and
// older SGB-II values of 2023 that a 2026 analysis must not use.
func importNeedValues(t *testing.T, s *store.Store, sc scenario) {
	t.Helper()
	var rows []indicator.Row
	add := func(code, key, period string, v float64) {
		rows = append(rows, indicator.Row{Line: len(rows) + 1, Indicator: code, Region: key, Period: period, Value: v})
	}
	for _, v := range []struct {
		key                       string
		sgb, allein, sprache, old float64
	}{{"01", 10, 20, 30, 50}, {"02", 40, 30, 30, 5}, {"03", 25, 10, 30, 5}} {
		add("sgb2_u15", v.key, "2025", v.sgb)
		add("alleinerziehende_bg", v.key, "2025", v.allein)
		add("seu_sprachfoerderung", v.key, "2025", v.sprache)
		add("sgb2_u15", v.key, "2023", v.old)
	}
	if _, err := s.ApplyIndicatorImport(ctx, system, tester, sc.kommune.AGS, indicator.File{Name: "need.csv", Format: "test", Rows: rows}); err != nil {
		t.Fatal(err)
	}
}

// The default need index of the scenario by hand (2025 values; weights 2, 1, 1 → shares 0,5, 0,25, 0,25):
//
//	SGB-II-Quote u15:   N 10, M 40, S 25 → mean 25, sd √150 = 12,247449 → z −1,224745, +1,224745, 0
//	Alleinerziehende:   N 20, M 30, S 10 → mean 20, sd √(200/3) = 8,164966 → z 0, +1,224745, −1,224745
//	Sprachförderbedarf: 30 everywhere → sd 0 → z 0
//	index:  N −0,612372, M +0,918559, S −0,306186
//	weight = 1 + 0,25 × index: N 0,846907, M 1,229640, S 0,923453
var expectedNeed = []struct {
	key           string
	index, weight float64
}{{"01", -0.612372, 0.846907}, {"02", 0.918559, 1.229640}, {"03", -0.306186, 0.923453}}

// With these weights instead of the hand-set 1.5 for Mitte, the gaps of expectedGaps are weighed anew:
// unmet = children × weight. The pregnancy gaps change places: Südstadt 75 × 0,923453 = 69,26 now comes before
// Mitte 50 × 1,229640 = 61,48.
var expectedNeedGaps = []expectedGap{
	{2185.0198, "Nordstadt: kein Angebot für den Übergang Kita → Grundschule; 2.580 Kinder von 3 bis 9 Jahren."},
	{1930.9477, "Nordstadt: kein Angebot für den Übergang Familie → Kita; 2.280 Kinder von 0 bis 5 Jahren."},
	{1647.7171, "Mitte: kein Angebot für den Übergang Kita → Grundschule; 1.340 Kinder von 3 bis 9 Jahren."},
	{1401.7892, "Mitte: kein Angebot für den Übergang Familie → Kita; 1.140 Kinder von 0 bis 5 Jahren."},
	{831.1081, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für 0–3-Jährige; 900 Kinder."},
	{664.0054, "Mitte: kein Angebot im Handlungsfeld Gesundheit für 3–6-Jährige; 540 Kinder."},
	{277.0360, "Südstadt: kein Angebot im Handlungsfeld Gesundheit für 3–6-Jährige; 300 Kinder."},
	{277.0360, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für 3–6-Jährige; 300 Kinder."},
	{84.6907, "Nordstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 100 Kinder."},
	{69.2590, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 75 Kinder."},
	{61.4820, "Mitte: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 50 Kinder."},
}

func TestHandComputedNeedIndexWeighsTheGaps(t *testing.T) {
	de := mustBundle(t).For("de")
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := buildScenario(t, s)
		importNeedValues(t, s, sc)
		set := chain.DefaultSettings()
		m, err := runScenario(s, sc, set)
		if err != nil {
			t.Fatal(err)
		}
		n := m.Need
		if n == nil || n.Formula != "Bedarfsindex = 0,5 × z(SGB-II-Quote u15) + 0,25 × z(Kinder in BG Alleinerziehender) + 0,25 × z(Sprachförderbedarf)" {
			t.Fatalf("need %+v", n)
		}
		for i, ind := range n.Indicators {
			if ind.Period != "2025" {
				t.Errorf("indicator %d %s: period %q, want the latest up to the day, 2025", i, ind.Code, ind.Period)
			}
		}
		if !near(n.Indicators[0].Mean, 25) || !near(n.Indicators[0].SD, 12.247449) || !near(n.Indicators[2].SD, 0) {
			t.Errorf("means and deviations %+v", n.Indicators)
		}
		for i, w := range expectedNeed {
			a := n.Areas[i]
			if a.AreaKey != w.key || !a.HasIndex || !near6(a.Index, w.index) || !near6(a.Weight, w.weight) {
				t.Errorf("Area %s: index %.6f weight %.6f, want %.6f %.6f", a.AreaKey, a.Index, a.Weight, w.index, w.weight)
			}
			if c, _ := m.Cell(w.key, "age_0_3", "health"); !near6(c.Need, w.weight) {
				t.Errorf("Area %s: the cells weigh %.6f, want the need weight %.6f", w.key, c.Need, w.weight)
			}
		}
		checkGaps(t, m, expectedNeedGaps, de)

		t.Run("without weights every Area weighs 1", func(t *testing.T) {
			m, err := runScenario(s, sc, chain.Settings{DistanceKm: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range m.Need.Areas {
				if a.Weight != 1 || a.HasIndex {
					t.Errorf("%+v", a)
				}
			}
		})

		t.Run("a period after the day is not used", func(t *testing.T) {
			f := indicator.File{Name: "later.csv", Format: "test", Rows: []indicator.Row{{Line: 1, Indicator: "sgb2_u15", Region: "01", Period: "2027", Value: 12}}}
			if _, err := s.ApplyIndicatorImport(ctx, system, tester, sc.kommune.AGS, f); err != nil {
				t.Fatal(err)
			}
			m, err := chain.Run(ctx, s, system, sc.kommune.ID, day, chain.DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			if m.Need.Indicators[0].Period != "2025" {
				t.Errorf("a 2026 analysis used the period %s", m.Need.Indicators[0].Period)
			}
		})

		t.Run("another tenant reads nothing", func(t *testing.T) {
			if _, err := chain.Run(ctx, s, tenant.Land("05"), sc.kommune.ID, day, set); !errs.Is(err, errs.NotFound) {
				t.Errorf("other Land: %v, want not found", err)
			}
		})
	})
}

func runScenario(s *store.Store, sc scenario, set chain.Settings) (chain.Matrix, error) {
	// The matrix of the scenario, restricted like scenarioConfig, with the need of the settings.
	src, err := s.ChainSource(ctx, tenant.Kommune(sc.kommune.ID), sc.kommune.ID, day)
	if err != nil {
		return chain.Matrix{}, err
	}
	need, err := chain.LoadNeed(ctx, s, tenant.Kommune(sc.kommune.ID), sc.kommune.ID, src.Areas, day, set.NeedIndex, indicator.Privacy{})
	if err != nil {
		return chain.Matrix{}, err
	}
	cfg := scenarioConfig(sc, set.MinCoverage)
	cfg.Need = need.Weights()
	m := chain.Analyse(chain.Input{ChainSource: src, Taxonomy: s.Taxonomies()}, cfg)
	m.Need = &need
	return m, nil
}

func mustBundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func near6(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

func TestSettingsFromTheQuery(t *testing.T) {
	cat := indicator.Catalogue()
	t.Run("defaults", func(t *testing.T) {
		set, err := chain.ParseSettings(url.Values{}, cat)
		if err != nil || set.DistanceKm != 2 || set.MinCoverage != 0 || len(set.NeedIndex) != 3 || set.Weight("sgb2_u15") != 2 {
			t.Fatalf("%+v %v", set, err)
		}
	})
	t.Run("numbers with a decimal comma; the weights sent are the index", func(t *testing.T) {
		q := url.Values{"abstand": {"1,5"}, "mindestabdeckung": {"2.5"}, "gewicht_sgb2_u15": {""}, "gewicht_betreuung_u3": {"3"},
			"gewicht_seu_sprachfoerderung": {"0"}}
		set, err := chain.ParseSettings(q, cat)
		if err != nil || set.DistanceKm != 1.5 || set.MinCoverage != 2.5 || len(set.NeedIndex) != 1 || set.Weight("betreuung_u3") != 3 {
			t.Fatalf("%+v %v", set, err)
		}
		back, err := chain.ParseSettings(set.Query(cat), cat)
		if err != nil || back.DistanceKm != 1.5 || back.MinCoverage != 2.5 || len(back.NeedIndex) != 1 {
			t.Fatalf("the query does not read back: %+v %v", back, err)
		}
	})
	t.Run("every bad value on its own field", func(t *testing.T) {
		q := url.Values{"abstand": {"zwei"}, "mindestabdeckung": {"-1"}, "gewicht_sgb2_u15": {"11"}, "gewicht_children_0_2": {"1"}}
		_, err := chain.ParseSettings(q, cat)
		fields := map[string]string{}
		for _, f := range errs.As(err).Fields {
			fields[f.Field] = f.Message
		}
		want := map[string]string{"abstand": "chainview.settings.not_a_number", "mindestabdeckung": "chainview.settings.range",
			"gewicht_sgb2_u15": "chainview.settings.range", "gewicht_children_0_2": "validation.unknown_code"}
		if !errs.Is(err, errs.Invalid) || len(fields) != len(want) {
			t.Fatalf("%v: %v", err, fields)
		}
		for k, v := range want {
			if fields[k] != v {
				t.Errorf("%s: %q, want %q", k, fields[k], v)
			}
		}
		de := mustBundle(t).For("de")
		if got := de.T("chainview.settings.not_a_number", map[string]any{"Value": "zwei"}); got != "„zwei“ ist keine Zahl. Bitte eine Zahl wie 2 oder 2,5 eingeben." {
			t.Errorf("German message %q", got)
		}
	})
}
