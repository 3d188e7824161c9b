package chain_test

import (
	"testing"

	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/taxonomy"
)

func mustTaxonomy(t testing.TB) *taxonomy.Set {
	t.Helper()
	tax, err := taxonomy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

// bands: 360 children aged 0–2 (10 per month), 720 aged 3–5 (20 per month), 480 aged 6–9 (10 per month),
// 720 aged 10–15 (10 per month), 600 aged 16–20 (10 per month).
var bands = region.Children{Age0to2: 360, Age3to5: 720, Age6to9: 480, Age10to15: 720, Age16to20: 600}

func TestChildrenInAgesApportionsBandsByMonths(t *testing.T) {
	for _, c := range []struct {
		name     string
		min, max int
		want     float64
	}{
		{"a whole band", 36, 71, 720},
		{"two whole bands", 0, 71, 1080},
		{"3 of the 36 months of 0–2", 0, 2, 30},
		{"the last year of 3–5 and the first of 6–9", 60, 83, 240 + 120},
		{"one month", 40, 40, 20},
		{"beyond 20 years nothing is counted", 192, 323, 600},
		{"only beyond 20", 252, 300, 0},
		{"empty range", 50, 40, 0},
		{"all", 0, 251, 2880},
	} {
		if got := chain.ChildrenInAges(bands, c.min, c.max); !near(got, c.want) {
			t.Errorf("%s (%d–%d months): %.3f, want %.3f", c.name, c.min, c.max, got, c.want)
		}
	}
}

// The shipped phases map onto the bands: pregnancy is 3/36 of 0–2, the four child phases are whole bands, and
// school to work is the 16–20-year-olds.
func TestShippedPhasesMapOntoTheBands(t *testing.T) {
	want := map[string]float64{"pregnancy": 30, "age_0_3": 360, "age_3_6": 720, "age_6_10": 480, "age_10_16": 720,
		"school_to_work": 600}
	tax := mustTaxonomy(t)
	phases := tax.Terms(taxonomy.Phase)
	if len(phases) != len(want) {
		t.Fatalf("%d phases, want %d", len(phases), len(want))
	}
	for _, p := range phases {
		if got := chain.ChildrenInAges(bands, *p.MinAgeMonths, *p.MaxAgeMonths); !near(got, want[p.Code]) {
			t.Errorf("%s: %.2f children, want %.2f", p.Code, got, want[p.Code])
		}
	}
}

// Every shipped phase has its own group name in every language of the chain messages, so sentences never
// fall back to "die Lebensphase …".
func TestEveryPhaseHasAGroupName(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"de", "en"} {
		for _, p := range mustTaxonomy(t).Terms(taxonomy.Phase) {
			if !b.Has(lang, "chain.group."+p.Code) {
				t.Errorf("%s: no chain.group.%s", lang, p.Code)
			}
		}
	}
}
