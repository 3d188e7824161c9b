package chain

import (
	"slices"

	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
)

// Analyse computes the matrix, transitions, anchors and ranked gaps of one Kommune. It reads nothing and
// changes nothing: the same input and config give the same matrix.
func Analyse(in Input, cfg Config) Matrix {
	cfg = cfg.withDefaults()
	tax := in.Taxonomy
	if tax == nil {
		tax, _ = taxonomy.Builtin() // embedded; a nil set would only leave the matrix empty
		if tax == nil {
			tax = taxonomy.NewSet(0, nil)
		}
	}
	ax := axesOf(tax, cfg)
	r := newReach(in.Areas, cfg.DistanceKm)
	cnt := count(in.Offers, r, ax, len(in.Areas))
	m := Matrix{Kommune: in.Kommune, Date: in.Date, DistanceKm: cfg.DistanceKm, MinCoverage: cfg.MinCoverage}
	for i, a := range in.Areas {
		for p, ph := range ax.phases {
			for f, fd := range ax.fields {
				c := newCell(a, cfg, ph.lo, ph.hi, cnt.cells[i][p][f])
				c.Phase, c.Field = ph.code, fd
				m.Cells = append(m.Cells, c)
			}
		}
		for t, tr := range ax.transitions {
			c := newCell(a, cfg, tr.lo, tr.hi, cnt.transitions[i][t])
			c.Transition = tr.code
			m.Transitions = append(m.Transitions, c)
		}
		m.Anchors = append(m.Anchors, anchorOf(a, cfg, in.Anchors, r, i))
	}
	m.Gaps = rankGaps(m.Cells, m.Transitions)
	if in.Searches != nil {
		for i := range m.Gaps {
			if u := unmetSearches(m.Gaps[i].Cell, in.Searches); u.Total > 0 {
				m.Gaps[i].Searches = &u
			}
		}
	}
	m.MissingAnchors = rankAnchors(m.Anchors)
	m.Derived = []Derived{}
	for i, a := range in.Areas {
		for p, ph := range ax.phases {
			d := Derived{Indicator: DerivedOffersPer1000, AreaID: a.ID, AreaKey: a.Key, AreaName: a.Name, Phase: ph.code,
				Offers: cnt.phases[i][p], Children: ChildrenInAges(a.Children, ph.lo, ph.hi)}
			if d.Children > 0 {
				d.Value = float64(d.Offers) * 1000 / d.Children
			}
			m.Derived = append(m.Derived, d)
		}
	}
	return m
}

// axis is a phase or transition with the ages it counts.
type axis struct {
	code   string
	lo, hi int
}

// axes are the rows and columns of the matrix, in taxonomy order.
type axes struct {
	phases      []axis
	fields      []string
	transitions []axis
	phaseIdx    map[string]int
	fieldIdx    map[string]int
	transIdx    map[string]int
}

func axesOf(tax *taxonomy.Set, cfg Config) axes {
	ax := axes{phaseIdx: map[string]int{}, fieldIdx: map[string]int{}, transIdx: map[string]int{}}
	for _, t := range chosen(tax.Terms(taxonomy.Phase), cfg.Phases) {
		lo, hi := 0, bandMonths()[4][1] // a phase without ages counts every child
		if t.MinAgeMonths != nil && t.MaxAgeMonths != nil {
			lo, hi = *t.MinAgeMonths, *t.MaxAgeMonths
		}
		ax.phaseIdx[t.Code] = len(ax.phases)
		ax.phases = append(ax.phases, axis{code: t.Code, lo: lo, hi: hi})
	}
	for _, t := range chosen(tax.Terms(taxonomy.Field), cfg.Fields) {
		ax.fieldIdx[t.Code] = len(ax.fields)
		ax.fields = append(ax.fields, t.Code)
	}
	for _, t := range chosen(tax.Terms(taxonomy.Transition), cfg.Transitions) {
		if lo, hi, ok := transitionAges(t.Code); ok {
			ax.transIdx[t.Code] = len(ax.transitions)
			ax.transitions = append(ax.transitions, axis{code: t.Code, lo: lo, hi: hi})
		}
	}
	return ax
}

// chosen keeps the terms listed in only, or all when only is nil.
func chosen(terms []taxonomy.Term, only []string) []taxonomy.Term {
	if only == nil {
		return terms
	}
	var out []taxonomy.Term
	for _, t := range terms {
		if slices.Contains(only, t.Code) {
			out = append(out, t)
		}
	}
	return out
}

// counts are the distinct offers per Area × phase × field, per Area × transition and per Area × phase.
type counts struct {
	cells       [][][]int
	transitions [][]int
	phases      [][]int
}

// count adds each offer once to every cell of every Area it serves: an offer with two locations near an
// Area is still one offer there.
func count(offers []store.ChainOffer, r *reach, ax axes, areas int) counts {
	c := counts{cells: make([][][]int, areas), transitions: make([][]int, areas), phases: make([][]int, areas)}
	for i := range areas {
		c.phases[i] = make([]int, len(ax.phases))
		c.cells[i] = make([][]int, len(ax.phases))
		for p := range c.cells[i] {
			c.cells[i][p] = make([]int, len(ax.fields))
		}
		c.transitions[i] = make([]int, len(ax.transitions))
	}
	mark := make([]bool, areas)
	for _, o := range offers {
		ps, fs, ts := indices(o.Phases, ax.phaseIdx), indices(o.Fields, ax.fieldIdx), indices(o.Transitions, ax.transIdx)
		if len(ts) == 0 && (len(ps) == 0 || len(fs) == 0) {
			continue // nothing of it is in the matrix
		}
		r.serves(o, mark)
		for i, ok := range mark {
			if !ok {
				continue
			}
			for _, p := range ps {
				c.phases[i][p]++
				for _, f := range fs {
					c.cells[i][p][f]++
				}
			}
			for _, t := range ts {
				c.transitions[i][t]++
			}
		}
	}
	return c
}

// indices maps codes to their positions; codes outside the matrix are dropped, duplicates kept once.
func indices(codes []string, idx map[string]int) []int {
	var out []int
	for _, code := range codes {
		if i, ok := idx[code]; ok && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

// newCell computes demand, coverage and the gap flag of one cell. A cell is a gap when children are there
// and either no offer is, or coverage falls below the Area's target (MinCoverage × need). Its unmet demand
// is the need-weighted demand minus what the existing offers cover at the target rate: all of it without
// any offer, less the closer coverage comes to the target.
func newCell(a region.Area, cfg Config, lo, hi, supply int) Cell {
	c := Cell{AreaID: a.ID, AreaKey: a.Key, AreaName: a.Name, MinAgeMonths: lo, MaxAgeMonths: hi, Supply: supply,
		Children: ChildrenInAges(a.Children, lo, hi), Need: cfg.need(a.ID)}
	c.Demand = c.Children * c.Need
	c.Target = cfg.MinCoverage * c.Need
	if c.Children > 0 {
		c.Coverage = float64(supply) * 1000 / c.Children
	}
	switch {
	case c.Demand <= 0:
	case supply == 0:
		c.Gap, c.Unmet = true, c.Demand
	case c.Coverage < c.Target:
		c.Gap, c.Unmet = true, c.Demand-float64(supply)*1000/cfg.MinCoverage
	}
	return c
}

// anchorOf counts the Familienzentrum locations in Area i and near its centre.
func anchorOf(a region.Area, cfg Config, sites []store.ChainSite, r *reach, i int) Anchor {
	an := Anchor{AreaID: a.ID, AreaKey: a.Key, AreaName: a.Name, Children: a.Children.Total(), Need: cfg.need(a.ID),
		DistanceKm: cfg.DistanceKm}
	for _, s := range sites {
		if j, ok := r.inside(s); ok && j == i {
			an.Inside++
		} else if r.near(s, i) {
			an.Near++
		}
	}
	an.Missing = an.Inside+an.Near == 0
	return an
}
