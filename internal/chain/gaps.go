package chain

import (
	"cmp"
	"math"
	"slices"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/taxonomy"
)

// rankGaps lists the gap cells and transition rows by unmet demand, largest first; ties go by Area key and
// then keep the matrix order (phases, fields, then transitions), so the ranking is reproducible.
func rankGaps(cells, transitions []Cell) []Gap {
	var gaps []Gap
	for _, list := range [][]Cell{cells, transitions} {
		for _, c := range list {
			if c.Gap {
				gaps = append(gaps, Gap{Cell: c})
			}
		}
	}
	slices.SortStableFunc(gaps, func(a, b Gap) int {
		if c := cmp.Compare(b.Unmet, a.Unmet); c != 0 {
			return c
		}
		return cmp.Compare(a.AreaKey, b.AreaKey)
	})
	for i := range gaps {
		gaps[i].Rank = i + 1
	}
	return gaps
}

// rankAnchors lists the Areas without a Familienzentrum by their need-weighted children, then by key.
func rankAnchors(anchors []Anchor) []Anchor {
	var out []Anchor
	for _, a := range anchors {
		if a.Missing {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b Anchor) int {
		if c := cmp.Compare(float64(b.Children)*b.Need, float64(a.Children)*a.Need); c != 0 {
			return c
		}
		return cmp.Compare(a.AreaKey, b.AreaKey)
	})
	return out
}

// Sentence explains the gap in the Localizer's language with the taxonomy's labels, e.g. "Misburg-Anderten:
// kein Angebot im Handlungsfeld Gesundheit für 0–3-Jährige; 1.583 Kinder." The children are the Area's real
// count, not weighted by need.
func (g Gap) Sentence(l *i18n.Localizer, tax *taxonomy.Set) string {
	children := int(math.Round(g.Children))
	data := map[string]any{"Area": g.AreaName, "Children": number(l.Lang, float64(children), 0), "Count": children}
	kind := "none"
	if g.Supply > 0 {
		kind = "low"
		data["Count"] = g.Supply // the plural of "Angebot" wins; the children are never one here
		data["Supply"] = number(l.Lang, float64(g.Supply), 0)
		data["Coverage"] = number(l.Lang, g.Coverage, 1)
		data["Target"] = number(l.Lang, g.Target, 1)
	}
	if g.Transition != "" {
		data["Transition"] = tax.Label(taxonomy.Transition, g.Transition, l.Lang)
		data["From"], data["To"] = g.MinAgeMonths/12, (g.MaxAgeMonths+1)/12-1
		return l.T("chain.gap.transition_"+kind, data)
	}
	data["Field"] = tax.Label(taxonomy.Field, g.Field, l.Lang)
	data["Group"] = group(l, tax, g.Phase)
	return l.T("chain.gap."+kind, data)
}

// group names the people of a phase as the sentence needs them ("0–3-Jährige"); a phase without such a
// message (one a Land added) falls back to its label.
func group(l *i18n.Localizer, tax *taxonomy.Set, phase string) string {
	id := "chain.group." + phase
	if s := l.T(id); s != id {
		return s
	}
	return l.T("chain.group.other", map[string]any{"Phase": tax.Label(taxonomy.Phase, phase, l.Lang)})
}

// Sentence explains a missing anchor, e.g. "Südstadt: kein Familienzentrum im Sozialraum oder im Umkreis
// von 2 km; 2.660 Kinder und Jugendliche."
func (a Anchor) Sentence(l *i18n.Localizer) string {
	return l.T("chain.anchor.missing", map[string]any{"Area": a.AreaName, "Count": a.Children,
		"Children": number(l.Lang, float64(a.Children), 0), "Distance": number(l.Lang, a.DistanceKm, -1)})
}

// number formats v with the thousands separator and decimal mark of lang (1.583 and 0,8 in German); a
// negative decimals uses as few as needed.
func number(lang string, v float64, decimals int) string {
	p := message.NewPrinter(language.Make(lang))
	if decimals < 0 {
		return p.Sprint(v)
	}
	return p.Sprintf("%.*f", decimals, v)
}
