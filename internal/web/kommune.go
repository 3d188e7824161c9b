package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chart"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
)

// The query parameters of the offer filters.
const (
	phaseParam = "lebensphase"
	fieldParam = "handlungsfeld"
)

type kommunePage struct {
	base
	Kommune region.Kommune
	Map     svgMap
	Areas   []areaRow
	Total   areaRow
	Orgs    []catalog.Organization
	Offers  offerList
	Phases  []filterLink
	Fields  []filterLink
	Phase   string
	Field   string
	Charts  []termChart
}

// termChart is a bar chart of offers per term of one taxonomy, with the same numbers as a table.
type termChart struct {
	ID, Title string
	SVG       template.HTML
	Rows      []termCount
}

type termCount struct {
	Label string
	Count int
}

// areaRow is a line of the Sozialräume table.
type areaRow struct {
	Href, Key, Name string
	Children        []int
	Total, Offers   int
}

// offerList is a page of offers with its navigation.
type offerList struct {
	Items []catalog.OfferSummary
	Pager pager
}

// filterLink is one choice of a filter.
type filterLink struct {
	Code, Href string
	Current    bool
}

// kommune is the page of a Kommune: its Sozialräume as a map and a table, its organizations and its offers.
func (s *server) kommune(r *http.Request, lang string) (string, any, error) {
	ctx := r.Context()
	ags, err := pathAGS(r)
	if err != nil {
		return "", nil, err
	}
	k, err := s.store.GetKommuneByAGS(ctx, s.scope, ags)
	if err != nil {
		return "", nil, err
	}
	q := r.URL.Query()
	p := kommunePage{base: s.newBase(r, lang, k.Name), Kommune: k, Phase: q.Get(phaseParam), Field: q.Get(fieldParam)}
	p.Crumbs = s.trail(lang, crumb{Name: k.Name})
	tax := s.store.Taxonomies()
	var v errs.Validation
	if p.Phase != "" && !tax.Has(taxonomy.Phase, p.Phase) {
		v.Add("phase", "validation.unknown_code", map[string]any{"Value": p.Phase})
	}
	if p.Field != "" && !tax.Has(taxonomy.Field, p.Field) {
		v.Add("field", "validation.unknown_code", map[string]any{"Value": p.Field})
	}
	page, err := readPage(r)
	if err != nil {
		v.Merge("", err)
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	areas, err := s.store.ListAreas(ctx, s.scope, k.ID)
	if err != nil {
		return "", nil, err
	}
	counts, err := s.store.CountOffersByArea(ctx, s.scope, k.ID)
	if err != nil {
		return "", nil, err
	}
	p.Map, p.Areas, p.Total = s.kommuneMap(areas, counts)
	if p.Orgs, err = s.allOrganizations(r, k.ID); err != nil {
		return "", nil, err
	}
	p.Offers, err = s.offerPage(r, page, store.OfferFilter{KommuneID: k.ID, Phase: p.Phase, Field: p.Field})
	if err != nil {
		return "", nil, err
	}
	if p.Charts, err = s.termCharts(r, lang, k.ID); err != nil {
		return "", nil, err
	}
	p.Phases = filterLinks(r, phaseParam, p.Phase, tax.Terms(taxonomy.Phase))
	p.Fields = filterLinks(r, fieldParam, p.Field, tax.Terms(taxonomy.Field))
	return "kommune", p, nil
}

// termCharts counts the Kommune's offers per Lebensphase and per Handlungsfeld, in taxonomy order, so gaps
// in the chain show as short or missing bars.
func (s *server) termCharts(r *http.Request, lang string, kommuneID uuid.UUID) ([]termChart, error) {
	l := s.i18n.For(lang)
	printer := message.NewPrinter(language.Make(lang))
	format := func(v float64) string { return printer.Sprintf("%d", int(v)) }
	var out []termChart
	for _, tx := range []string{taxonomy.Phase, taxonomy.Field} {
		counts, err := s.store.CountOffersByTerm(r.Context(), s.scope, kommuneID, tx)
		if err != nil {
			return nil, err
		}
		c := termChart{ID: "chart-" + tx, Title: l.T("kommune.chart." + tx)}
		bar := chart.Bar{Title: c.Title, Desc: l.T("kommune.chart_desc"), Format: format}
		for _, t := range s.store.Taxonomies().Terms(tx) {
			label := s.store.Taxonomies().Label(tx, t.Code, lang)
			item := chart.BarItem{Label: label, Value: float64(counts[t.Code])}
			if counts[t.Code] == 0 {
				item.Class = "gap"
			}
			bar.Items = append(bar.Items, item)
			c.Rows = append(c.Rows, termCount{Label: label, Count: counts[t.Code]})
		}
		c.SVG = bar.SVG()
		out = append(out, c)
	}
	return out, nil
}

// kommuneHref is the address of a Kommune's page.
func kommuneHref(k region.Kommune) string { return "/kommunen/" + k.AGS }

// kommuneMap draws the Areas, shaded by children per offer (quartiles within the Kommune; an Area with
// children and no offer is darkest), and lists them for the table.
func (s *server) kommuneMap(areas []region.Area, counts map[uuid.UUID]int) (svgMap, []areaRow, areaRow) {
	var rows []areaRow
	total := areaRow{Children: make([]int, len(region.AgeBands))}
	geoms := make([]orb.Geometry, len(areas))
	for i, a := range areas {
		geoms[i] = a.Geometry
		row := areaRow{Href: "/sozialraeume/" + a.ID.String(), Key: a.Key, Name: a.Name, Children: a.Children.Bands(),
			Total: a.Children.Total(), Offers: counts[a.ID]}
		for j, n := range row.Children {
			total.Children[j] += n
		}
		total.Total += row.Total
		total.Offers += row.Offers
		rows = append(rows, row)
	}
	m := svgMap{}
	b, ok := boundOf(geoms)
	if !ok {
		return m, rows, total
	}
	proj := newProjection(b, 1000, 24)
	m.ViewBox = proj.viewBox()
	shades := shadeByNeed(rows)
	for i, a := range areas {
		if a.Geometry == nil {
			continue
		}
		x, y := proj.label(a.Geometry)
		m.Areas = append(m.Areas, mapArea{Href: rows[i].Href, Name: a.Name, Key: a.Key, D: proj.path(a.Geometry),
			X: coord(x), Y: coord(y), Shade: shades[i]})
	}
	return m, rows, total
}

// shadeByNeed ranks Areas by children per offer into four classes 0…3.
func shadeByNeed(rows []areaRow) []int {
	ratio := make([]float64, len(rows))
	order := make([]int, len(rows))
	for i, r := range rows {
		order[i] = i
		switch {
		case r.Offers > 0:
			ratio[i] = float64(r.Total) / float64(r.Offers)
		case r.Total > 0:
			ratio[i] = math.Inf(1)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return ratio[order[a]] < ratio[order[b]] })
	out := make([]int, len(rows))
	for rank, i := range order {
		out[i] = rank * 4 / max(len(rows), 1)
	}
	return out
}

// allOrganizations lists every organization of a Kommune.
func (s *server) allOrganizations(r *http.Request, kommuneID uuid.UUID) ([]catalog.Organization, error) {
	var out []catalog.Organization
	for {
		page, total, err := s.store.ListOrganizations(r.Context(), s.scope,
			store.OrganizationFilter{KommuneID: kommuneID, Limit: 500, Offset: len(out)})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) == 0 || len(out) >= total {
			return out, nil
		}
	}
}

// offerPage reads one page of offers.
func (s *server) offerPage(r *http.Request, page int, f store.OfferFilter) (offerList, error) {
	f.Limit, f.Offset = s.pageSize, (page-1)*s.pageSize
	items, total, err := s.store.ListOffers(r.Context(), s.scope, f)
	if err != nil {
		return offerList{}, err
	}
	p, err := newPager(r, page, s.pageSize, total, "angebote")
	return offerList{Items: items, Pager: p}, err
}

// filterLinks are the choices of one filter; the first, with an empty code, removes it. The other filters and
// the language stay, the page number goes.
func filterLinks(r *http.Request, param, current string, terms []taxonomy.Term) []filterLink {
	link := func(code string) string {
		q := r.URL.Query()
		q.Del(pageParam)
		q.Del("lang")
		if code == "" {
			q.Del(param)
		} else {
			q.Set(param, code)
		}
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode(), Fragment: "angebote"}
		return u.String()
	}
	out := []filterLink{{Href: link(""), Current: current == ""}}
	for _, t := range terms {
		out = append(out, filterLink{Code: t.Code, Href: link(t.Code), Current: t.Code == current})
	}
	return out
}
