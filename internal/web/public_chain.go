package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/chart"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/portal"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/report"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// publicChainRoutes registers the views of the Präventionskette a Kommune publishes on its portal, and the
// administration's choice of them.
func (s *server) publicChainRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /portal/{ags}/praeventionskette", s.page(s.publicChain))
	mux.HandleFunc("GET /praeventionskette", s.page(s.publicChain)) // on a portal's own host
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/portal/kette", s.page(s.saveChainViews))
}

// publicChainPath tells the paths of the published chain views: like the administration they exist in the
// complete languages only (the gap sentences and the indicator names are German and English).
func publicChainPath(path string) bool {
	return path == "/praeventionskette" || strings.HasPrefix(path, "/portal/") && strings.HasSuffix(path, "/praeventionskette")
}

// publicChainPage shows the chosen views of the analysis for today with the default settings.
type publicChainPage struct {
	base
	Kommune region.Kommune
	Date    string
	Action  string // the page's own address, for the phase choice
	Show    map[string]bool
	MinCell int

	Phases     []chainOption
	PhaseLabel string
	Heatmap    heatView
	Trans      heatView

	Gaps     []gapItem
	MoreGaps int
	Anchors  []string

	GapMap    svgMap
	GapRows   []mapRow
	GapLegend []legendItem
	Ranking   template.HTML

	Need       needView
	NeedRows   []publicNeedIndicator
	NeedMap    indicatorSVG
	NeedLegend []legendItem
	NeedValues []mapRow

	Derived derivedView
}

// publicNeedIndicator is one indicator of the Bedarfsindex with its reading.
type publicNeedIndicator struct {
	Name, Weight, Share, Polarity, Period string
}

// publicChain is the page of the published views. A Kommune that published none, or a path of another
// Kommune's portal than the host's, is not found; so is a view not chosen (the page leaves it out).
func (s *server) publicChain(r *http.Request, lang string) (string, any, error) {
	if r.PathValue("ags") != "" {
		if _, err := pathAGS(r); err != nil {
			return "", nil, err
		}
	}
	v, k, _, ok := s.currentPortal(r)
	if !ok {
		return "", nil, errs.E(errs.NotFound, "error.not_found")
	}
	views, err := s.store.ChainViews(r.Context(), tenant.Public(), k.ID)
	if err != nil {
		return "", nil, err
	}
	if len(views) == 0 {
		return "", nil, errs.E(errs.NotFound, "error.not_found")
	}
	// The Kommune chose to publish these aggregates, so they are computed in its own scope (the need index
	// reads indicator values the public scope may not), with the default settings and the server's minimum
	// cell size, exactly as its coordinators see them; the page shows only the chosen views of the result.
	set := chain.DefaultSettings()
	set.Privacy = s.privacy
	a, err := report.LoadWith(r.Context(), s.store, tenant.Kommune(k.ID), k.AGS, catalog.DateOf(time.Now().In(s.berlin)), set)
	if err != nil {
		return "", nil, err
	}
	l := s.i18n.For(lang)
	m := a.Matrix
	d := publicChainPage{base: s.newBase(r, lang, l.T("publicchain.title", map[string]any{"Kommune": k.Name})), Kommune: k,
		Date: formatDate(l, m.Date, s.berlin), Action: v.Prefix + "/praeventionskette", Show: map[string]bool{}, MinCell: s.privacy.Min()}
	home := v.Prefix
	if home == "" {
		home = "/"
	}
	d.Crumbs = s.trail(lang, crumb{Name: v.Title, Href: home}, crumb{Name: d.Title})
	for _, view := range views {
		d.Show[view] = true
	}
	f := numberFormat(lang)

	if d.Show[portal.ViewMatrix] {
		phases := a.Phases()
		var pv errs.Validation
		phase := pick(&pv, "lebensphase", r.URL.Query().Get(phaseParam), phases)
		if err := pv.Err(); err != nil {
			return "", nil, err
		}
		d.Phases = chainOptions(a.Tax, taxonomy.Phase, phases, phase, lang)
		d.PhaseLabel = a.Tax.Label(taxonomy.Phase, phase, lang)
		d.Heatmap, d.Trans = chainHeatmaps(a, phase, l, lang, f)
	}

	if d.Show[portal.ViewGaps] {
		for i, g := range m.Gaps {
			if i == gapListLength {
				break
			}
			item := gapItem{Rank: g.Rank, Sentence: g.Sentence(l, a.Tax)}
			// Of the search log only the count is shown, and a small one not at all: a single search in a small
			// Sozialraum could point at a family.
			if u := g.Searches; u != nil && u.Total >= s.privacy.Min() {
				item.Searches = l.T("publicchain.gaps.searches", map[string]any{"Count": u.Total, "Total": number(lang, float64(u.Total), 0)})
			}
			d.Gaps = append(d.Gaps, item)
		}
		d.MoreGaps = max(len(m.Gaps)-gapListLength, 0)
		for _, an := range m.MissingAnchors {
			d.Anchors = append(d.Anchors, an.Sentence(l))
		}
	}

	if d.Show[portal.ViewGapMap] {
		per := a.GapsPerArea()
		values := map[string]float64{}
		bar := chart.Bar{Title: l.T("chainview.ranking.areas"), Format: f}
		for _, ar := range a.Areas {
			values[ar.Key] = float64(per[ar.Key])
			bar.Items = append(bar.Items, chart.BarItem{Label: clipLabel(ar.Name), Value: float64(per[ar.Key])})
		}
		d.GapMap, d.GapRows, d.GapLegend = choropleth(a.Areas, values, f)
		slices.SortStableFunc(bar.Items, func(x, y chart.BarItem) int { return int(y.Value - x.Value) })
		d.Ranking = bar.SVG()
	}

	if d.Show[portal.ViewNeed] {
		d.Need = needTable(l, lang, m.Need)
		d.NeedRows, d.NeedMap, d.NeedLegend, d.NeedValues = publicNeed(l, lang, a, s.privacy.Min())
	}

	if d.Show[portal.ViewCoverage] {
		d.Derived = derivedTable(a, lang)
	}
	return "public_chain", d, nil
}

// publicNeed lists the indicators of the Bedarfsindex with weight, share and reading, and draws the index per
// Sozialraum as a choropleth with its values as a table.
func publicNeed(l *i18n.Localizer, lang string, a report.Analysis, minCell int) ([]publicNeedIndicator, indicatorSVG, []legendItem, []mapRow) {
	n := a.Matrix.Need
	if n == nil || len(n.Indicators) == 0 {
		return nil, indicatorSVG{}, nil, nil
	}
	var rows []publicNeedIndicator
	for _, ind := range n.Indicators {
		polarity := l.T("indicatorview.polarity.higher_is_worse")
		if ind.HigherIsBetter {
			polarity = l.T("indicatorview.polarity.higher_is_better")
		}
		period := ind.Period
		if period == "" {
			period = l.T("chainview.need.no_period")
		}
		rows = append(rows, publicNeedIndicator{Name: ind.Name, Weight: number(lang, ind.Weight, 1), Share: number(lang, ind.Share*100, 0) + " %",
			Polarity: polarity, Period: period})
	}
	shown := map[string]shownValue{}
	var values []mapRow
	byID := map[string]chain.AreaNeed{}
	for _, an := range n.Areas {
		byID[an.AreaID.String()] = an
	}
	for _, ar := range a.Areas {
		an := byID[ar.ID.String()]
		sv := shownValue{Value: an.Index, Has: an.HasIndex}
		shown[ar.ID.String()] = sv
		text := l.T("chainview.need.no_value")
		if an.HasIndex {
			text = number(lang, an.Index, 2)
		}
		values = append(values, mapRow{Key: ar.Key, Name: ar.Name, Value: text})
	}
	format := func(v float64) string { return number(lang, v, 2) }
	svg, legend := indicatorMap(a.Areas, shown, format, "", l, minCell)
	return rows, svg, legend, values
}

// chainViewChoices are the checkboxes of the published views on the portal settings page.
func (s *server) chainViewChoices(l *i18n.Localizer, chosen []string) []checkItem {
	var out []checkItem
	for _, v := range portal.ChainViews {
		out = append(out, checkItem{Name: "views", Value: v, Label: l.T("publicchain.view." + v), Checked: slices.Contains(chosen, v)})
	}
	return out
}

// saveChainViews stores the published views; only the Kommune's coordination (or its Land) may.
func (s *server) saveChainViews(r *http.Request, lang string) (string, any, error) {
	p, d, _, err := s.portalSettingsForm(r, lang)
	if err != nil {
		return "", nil, err
	}
	if err := r.ParseForm(); err != nil {
		return "", nil, errs.E(errs.BadRequest, "error.bad_request")
	}
	chosen := r.PostForm["views"]
	if err := s.store.SaveChainViews(r.Context(), p.Scope(), actorOf(p), d.Kommune.ID, chosen); err != nil {
		d.ChainViews = s.chainViewChoices(s.i18n.For(lang), chosen)
		data, err := s.refuse(&d.form, lang, err)
		if ws, ok := data.(withStatus); ok {
			d.form = ws.data.(form)
			return "admin_portal", withStatus{status: ws.status, data: d}, nil
		}
		return "", nil, err
	}
	q := url.Values{"kette-gespeichert": {""}}
	return "", seeOther("/verwaltung/kommunen/" + d.Kommune.AGS + "/portal?" + q.Encode() + "#kette"), nil
}
