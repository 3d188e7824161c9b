package chain_test

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

var demoAGS = []string{"03101000", "03241001", "03355022", "03403000"}

// The demo's deliberate gaps, seen through the analysis, with the default thresholds: each heads the gap list
// of its Kommune (the Präventionslotsen of the coordination office close the chain everywhere else, see
// demo/network.go), and each is the only gap of its kind in the demo.
func TestDemoGapsStandOut(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	de := bundle.For("de")
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		date := catalog.DateOf(demo.ReferenceDate)
		analyse := func(t *testing.T, ags string, cfg chain.Config) chain.Matrix {
			t.Helper()
			k, err := s.GetKommuneByAGS(ctx, system, ags)
			if err != nil {
				t.Fatal(err)
			}
			m, err := chain.ForKommune(ctx, s, system, k.ID, date, cfg)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}

		// Misburg-Anderten has no health offer for 0–3: none located in it or near it, and in Hannover the
		// Familienhebammen and the Frühförderung are held at their offices, so no outreach offer reaches it
		// either. It is the first — and the only — health × 0–3 gap of Hannover, and of the whole demo.
		t.Run("Hannover: Misburg-Anderten health for 0-3", func(t *testing.T) {
			for _, ags := range demoAGS {
				m := analyse(t, ags, chain.Config{})
				var kind []chain.Gap
				for _, g := range m.Gaps {
					if g.Phase == demo.GapHealthPhase && g.Field == demo.GapHealthField {
						kind = append(kind, g)
					}
				}
				if ags != demo.GapHealthKommuneAGS {
					if len(kind) != 0 {
						t.Errorf("%s: health × 0–3 gaps %+v, want none outside the deliberate one", m.Kommune.Name, kind)
					}
					continue
				}
				if len(kind) != 1 {
					t.Fatalf("Hannover: %d health × 0–3 gaps, want exactly the deliberate one: %+v", len(kind), kind)
				}
				g := kind[0]
				if g.AreaName != demo.GapHealthArea || g.Supply != 0 || g.Unmet != g.Demand || g.Demand <= 0 {
					t.Fatalf("first health × 0–3 gap: %+v, want %s without any offer", g, demo.GapHealthArea)
				}
				cell, _ := m.Cell(g.AreaKey, demo.GapHealthPhase, demo.GapHealthField)
				want := "Misburg-Anderten: kein Angebot im Handlungsfeld Gesundheit für 0–3-Jährige; " + thousands(cell.Children) + " Kinder."
				if got := g.Sentence(de, s.Taxonomies()); got != want {
					t.Errorf("sentence\n got %q\nwant %q", got, want)
				}
			}
		})

		// Lüneburg has no Kita → Grundschule offer at all: the row is a gap in every Sozialraum, with all its
		// children unmet, and Lüneburg is the only demo Kommune where that is so. Its kita_school gaps come in
		// the order of their children, the first being the Sozialraum with the most children of 3–9 years.
		t.Run("Lüneburg: kita_school in every Area", func(t *testing.T) {
			for _, ags := range demoAGS {
				m := analyse(t, ags, chain.Config{})
				gaps, rows := 0, 0
				for _, c := range m.Transitions {
					if c.Transition != demo.GapTransition {
						continue
					}
					rows++
					if c.Gap && c.Supply == 0 && c.Unmet == c.Demand && c.Demand > 0 {
						gaps++
					}
				}
				if ags == demo.GapTransitionKommuneAGS && (gaps != rows || rows < 6) {
					t.Errorf("Lüneburg: %d of %d kita_school rows are gaps, want all", gaps, rows)
				}
				if ags != demo.GapTransitionKommuneAGS && gaps == rows {
					t.Errorf("%s: every kita_school row is a gap, but the demo offers the transition there", m.Kommune.Name)
				}
				if ags != demo.GapTransitionKommuneAGS {
					continue
				}
				var first *chain.Gap
				for i, g := range m.Gaps {
					if g.Transition == demo.GapTransition && first == nil {
						first = &m.Gaps[i]
					}
				}
				for _, c := range m.Transitions {
					if first != nil && c.Transition == demo.GapTransition && c.Children > first.Children {
						t.Errorf("first kita_school gap %s (%.0f children), but %s has %.0f", first.AreaName, first.Children, c.AreaName, c.Children)
					}
				}
				for _, g := range m.Gaps {
					if g.Transition == demo.GapTransition {
						prefix := g.AreaName + ": kein Angebot für den Übergang Kita → Grundschule; "
						if got := g.Sentence(de, s.Taxonomies()); !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, " Kinder von 3 bis 9 Jahren.") {
							t.Errorf("sentence %q", got)
						}
					}
				}
			}
		})

		t.Run("the deliberate gaps head the lists", func(t *testing.T) {
			hn := analyse(t, demo.GapHealthKommuneAGS, chain.Config{})
			if len(hn.Gaps) == 0 || hn.Gaps[0].AreaName != demo.GapHealthArea || hn.Gaps[0].Phase != demo.GapHealthPhase ||
				hn.Gaps[0].Field != demo.GapHealthField {
				t.Errorf("Hannover's first gap: %+v, want %s health × 0–3", first(hn.Gaps), demo.GapHealthArea)
			}
			lg := analyse(t, demo.GapTransitionKommuneAGS, chain.Config{})
			rows := 0
			for _, c := range lg.Transitions {
				if c.Transition == demo.GapTransition {
					rows++
				}
			}
			if len(lg.Gaps) < rows {
				t.Fatalf("Lüneburg has %d gaps, fewer than its %d kita_school rows", len(lg.Gaps), rows)
			}
			for i, g := range lg.Gaps[:rows] {
				if g.Transition != demo.GapTransition {
					t.Errorf("Lüneburg's gap %d is %+v, want the Kita → Grundschule rows first", i+1, g)
				}
			}
		})

		// What the views show — the default need index from the demo's indicator values — keeps them on top.
		t.Run("the deliberate gaps head the lists weighted by need", func(t *testing.T) {
			run := func(ags string) chain.Matrix {
				k, err := s.GetKommuneByAGS(ctx, system, ags)
				if err != nil {
					t.Fatal(err)
				}
				m, err := chain.Run(ctx, s, system, k.ID, date, chain.DefaultSettings())
				if err != nil {
					t.Fatal(err)
				}
				if m.Need == nil || m.Need.Formula == "" || !slices.ContainsFunc(m.Need.Areas, func(a chain.AreaNeed) bool { return a.Weight != 1 }) {
					t.Fatalf("%s: no need index from the demo's values: %+v", ags, m.Need)
				}
				return m
			}
			hn := run(demo.GapHealthKommuneAGS)
			if g := first(hn.Gaps); len(hn.Gaps) == 0 || hn.Gaps[0].AreaName != demo.GapHealthArea || hn.Gaps[0].Field != demo.GapHealthField {
				t.Errorf("Hannover's first gap: %+v", g)
			}
			lg := run(demo.GapTransitionKommuneAGS)
			rows := 0
			for _, c := range lg.Transitions {
				if c.Transition == demo.GapTransition {
					rows++
				}
			}
			for i, g := range lg.Gaps[:min(rows, len(lg.Gaps))] {
				if g.Transition != demo.GapTransition {
					t.Errorf("Lüneburg's gap %d is %s %s %s, want the Kita → Grundschule rows first", i+1, g.AreaName, g.Phase, g.Field)
				}
			}
		})

		// The Sozialräume the demo leaves without a Familienzentrum are the only candidates for missing anchors
		// (a neighbour's may lie within 2 km); Misburg-Anderten, far out east, has none in reach.
		t.Run("anchors", func(t *testing.T) {
			for _, ags := range demoAGS {
				m := analyse(t, ags, chain.Config{})
				for _, a := range m.MissingAnchors {
					if !slices.Contains(demo.NoFamilienzentrum[ags], a.AreaName) {
						t.Errorf("%s: %s has a Familienzentrum but is reported without", m.Kommune.Name, a.AreaName)
					}
				}
				if ags == demo.GapHealthKommuneAGS && !slices.ContainsFunc(m.MissingAnchors, func(a chain.Anchor) bool { return a.AreaName == demo.GapHealthArea }) {
					t.Errorf("Misburg-Anderten is not reported without a Familienzentrum: %+v", m.MissingAnchors)
				}
			}
		})
	})
}

func first(gaps []chain.Gap) any {
	if len(gaps) == 0 {
		return "no gap at all"
	}
	return gaps[0]
}

func readSource(t *testing.T, s *store.Store, ags string, date catalog.Date) store.ChainSource {
	t.Helper()
	k, err := s.GetKommuneByAGS(ctx, system, ags)
	if err != nil {
		t.Fatal(err)
	}
	src, err := s.ChainSource(ctx, system, k.ID, date)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// thousands writes a child count the German way, 1583 → "1.583".
func thousands(children float64) string {
	n := strconv.Itoa(int(math.Round(children)))
	for i := len(n) - 3; i > 0; i -= 3 {
		n = n[:i] + "." + n[i:]
	}
	return n
}
