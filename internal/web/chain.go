package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kette-org/kette/internal/api"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/chart"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/report"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// chainRoutes registers the chain pages: a Kommune's matrix, gaps and map with their downloads, and the Land
// view comparing its Kommunen. Indicator views are not here yet.
func (s *server) chainRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/kette", s.page(s.chainPage))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/kette/matrix.csv", s.chainFile(s.matrixCSV))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/kette/luecken.csv", s.chainFile(s.gapsCSV))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/kette/luecken.xlsx", s.chainFile(reportFile(xlsxType, "luecken", ".xlsx", report.XLSX)))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/kette/luecken.pdf", s.chainFile(reportFile("application/pdf", "luecken", ".pdf", report.Lueckenbericht)))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/kette/sozialraumprofil.pdf", s.chainFile(reportFile("application/pdf", "sozialraumprofil", ".pdf", report.Sozialraumprofil)))
	mux.HandleFunc("GET /verwaltung/laender/{code}/kette", s.page(s.landChainPage))
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// The query parameters of the chain page.
const (
	dateParam = "datum"
	mapParam  = "karte" // "luecken" (default) or "abdeckung"
)

// chainAnalysis reads the analysis of the Kommune {ags} as of ?datum= with the settings of the query for the
// signed-in user: anonymous is unauthenticated (the page wrapper sends to the login), a Kommune outside the
// user's scope not found, bad settings invalid.
func (s *server) chainAnalysis(r *http.Request) (report.Analysis, error) {
	set, _, err := s.chainSettings(r)
	if err != nil {
		return report.Analysis{}, err
	}
	return s.chainAnalysisWith(r, set)
}

// chainSettings reads the settings of the analysis from the query (chain.ParseSettings) with the catalogue of
// indicators the need index may use.
func (s *server) chainSettings(r *http.Request) (chain.Settings, []indicator.Indicator, error) {
	cat, err := s.store.ListIndicators(r.Context())
	if err != nil {
		return chain.Settings{}, nil, err
	}
	set, err := chain.ParseSettings(r.URL.Query(), cat)
	set.Privacy = s.privacy
	return set, cat, err
}

func (s *server) chainAnalysisWith(r *http.Request, set chain.Settings) (report.Analysis, error) {
	p, err := signedIn(r)
	if err != nil {
		return report.Analysis{}, err
	}
	ags, err := pathAGS(r)
	if err != nil {
		return report.Analysis{}, err
	}
	date, err := api.Datum(r, time.Now().In(s.berlin))
	if err != nil {
		return report.Analysis{}, err
	}
	return report.LoadWith(r.Context(), s.store, p.Scope(), ags, date, set)
}

type chainPage struct {
	base
	Kommune    region.Kommune
	Date       string
	DateValue  string // what the date field shows: the ?datum= given, empty for today
	Query      string // ?datum=… for the download links, empty for today
	Summary    string
	Phases     []chainOption
	Phase      string
	Heatmap    heatView
	Trans      heatView
	MapKind    string
	Fields     []chainOption
	Field      string
	MapTitle   string
	Map        svgMap
	MapRows    []mapRow
	Legend     []legendItem
	Ranking    template.HTML
	Gaps       []gapItem
	MoreGaps   int
	PhaseGaps  []gapItem
	PhaseLabel string // the gaps of the chosen phase, so a phase's own gaps are seen at their top
	Anchors    []string
	Settings   settingsView
	Need       needView
	Derived    derivedView
}

// settingsView is the settings part of the chain page's GET form, with the messages of bad values.
type settingsView struct {
	Distance, MinCoverage fieldView
	Weights               []fieldView
	Invalid               bool
	Summary               []string
	ResetHref             string
}

// needView shows the need index beside the result: the formula, the indicators and the values per Area.
type needView struct {
	Formula, ZScore, Mapping string
	None                     bool
	Indicators               []needIndicatorRow
	Cols                     []string
	Areas                    []needAreaRow
}

type needIndicatorRow struct {
	Name, Weight, Share, Period, Mean, SD string
}

type needAreaRow struct {
	Key, Name     string
	Values        []string // per indicator: the value and its z-score
	Index, Weight string
}

// derivedView is the derived indicator as a table: Areas × phases.
type derivedView struct {
	Cols []string
	Rows []heatRow
}

type chainOption struct {
	Code, Label string
	Selected    bool
}

// heatView is a heatmap with its numbers as a table.
type heatView struct {
	SVG  template.HTML
	Cols []string
	Rows []heatRow
}

type heatRow struct {
	Label string
	Cells []string
}

type gapItem struct {
	Rank     int
	Sentence string
	Searches string // the unmet demand of the search log, when there is any
}

type mapRow struct {
	Key, Name, Value string
}

type legendItem struct {
	Shade int
	Text  string
}

// gapListLength is how many gaps the page lists; the downloads have all.
const gapListLength = 50

func (s *server) chainPage(r *http.Request, lang string) (string, any, error) {
	l := s.i18n.For(lang)
	set, cat, serr := s.chainSettings(r)
	var bad *errs.Error
	if serr != nil {
		if !errs.Is(serr, errs.Invalid) {
			return "", nil, serr
		}
		bad = errs.As(serr) // shown beside the fields; the analysis falls back to the defaults
		set = chain.DefaultSettings()
		set.Privacy = s.privacy
	}
	a, err := s.chainAnalysisWith(r, set)
	if err != nil {
		return "", nil, err
	}
	m := a.Matrix
	q := r.URL.Query()
	p := chainPage{base: s.newBase(r, lang, l.T("chainview.title", map[string]any{"Kommune": m.Kommune.Name})), Kommune: m.Kommune,
		Date: formatDate(l, m.Date, s.berlin), DateValue: q.Get(dateParam)}
	p.Crumbs = s.adminTrail(lang, m.Kommune, crumb{Name: p.Title})
	dl := url.Values{}
	if bad == nil {
		dl = set.Query(cat) // the downloads carry the settings of the page
	}
	if p.DateValue != "" {
		dl.Set(dateParam, m.Date.String())
	}
	if len(dl) > 0 {
		p.Query = "?" + dl.Encode()
	}
	p.Settings = settingsForm(l, q, set, cat, bad, "/verwaltung/kommunen/"+m.Kommune.AGS+"/kette")
	p.Need = needTable(l, lang, m.Need)
	p.Derived = derivedTable(a, lang)
	p.Summary = l.T("chainview.summary", map[string]any{"Areas": len(m.Anchors), "Gaps": len(m.Gaps), "Count": len(m.Gaps),
		"Missing": len(m.MissingAnchors)})
	phases, fields := a.Phases(), a.Fields()
	var v errs.Validation
	p.Phase = pick(&v, "lebensphase", q.Get(phaseParam), phases)
	p.Field = pick(&v, "handlungsfeld", q.Get(fieldParam), fields)
	p.MapKind = q.Get(mapParam)
	if p.MapKind != "" && p.MapKind != "luecken" && p.MapKind != "abdeckung" {
		v.Add(mapParam, "validation.unknown_code", map[string]any{"Value": p.MapKind})
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	p.Phases = chainOptions(a.Tax, taxonomy.Phase, phases, p.Phase, lang)
	p.Fields = chainOptions(a.Tax, taxonomy.Field, fields, p.Field, lang)
	f := numberFormat(lang)

	// The heatmap of the chosen phase: Areas × fields, the number of offers in each cell, "!" on a gap.
	phaseLabel := a.Tax.Label(taxonomy.Phase, p.Phase, lang)
	p.Heatmap, p.Trans = chainHeatmaps(a, p.Phase, l, lang, f)

	// The map: gaps per Area, or the coverage of the chosen phase and field.
	values := map[string]float64{}
	if p.MapKind == "abdeckung" {
		p.MapTitle = l.T("chainview.map.coverage", map[string]any{"Phase": phaseLabel, "Field": a.Tax.Label(taxonomy.Field, p.Field, lang)})
		for _, ar := range a.Areas {
			c, _ := m.Cell(ar.Key, p.Phase, p.Field)
			values[ar.Key] = c.Coverage
		}
	} else {
		p.MapKind = "luecken"
		p.MapTitle = l.T("chainview.map.gaps")
		for k, n := range a.GapsPerArea() {
			values[k] = float64(n)
		}
	}
	p.Map, p.MapRows, p.Legend = choropleth(a.Areas, values, f)

	// The ranking of Areas by their gaps.
	per := a.GapsPerArea()
	bar := chart.Bar{Title: l.T("chainview.ranking.areas"), Format: f}
	for _, ar := range a.Areas {
		bar.Items = append(bar.Items, chart.BarItem{Label: ar.Name, Value: float64(per[ar.Key])})
	}
	slices.SortStableFunc(bar.Items, func(x, y chart.BarItem) int { return int(y.Value - x.Value) })
	p.Ranking = bar.SVG()

	for i, g := range m.Gaps {
		item := gapItem{Rank: g.Rank, Sentence: g.Sentence(l, a.Tax)}
		if u := g.Searches; u != nil {
			item.Searches = l.T("chainview.gaps.searches", map[string]any{"Area": u.Area, "Kommune": u.Kommune, "Folded": u.Folded,
				"Total": u.Total})
		}
		if i < gapListLength {
			p.Gaps = append(p.Gaps, item)
		}
		if g.Phase == p.Phase && len(p.PhaseGaps) < gapListLength {
			p.PhaseGaps = append(p.PhaseGaps, item)
		}
	}
	p.MoreGaps = max(len(m.Gaps)-gapListLength, 0)
	p.PhaseLabel = phaseLabel
	for _, an := range m.MissingAnchors {
		p.Anchors = append(p.Anchors, an.Sentence(l))
	}
	if bad != nil {
		return "chain", withStatus{status: http.StatusBadRequest, data: p}, nil
	}
	return "chain", p, nil
}

// settingsForm fills the settings fields: the values sent (so a bad one can be corrected) or else those of the
// analysis, with the message of each bad one.
func settingsForm(l *i18n.Localizer, q url.Values, set chain.Settings, cat []indicator.Indicator, bad *errs.Error, reset string) settingsView {
	msgs := map[string]string{}
	v := settingsView{ResetHref: reset}
	if bad != nil {
		v.Invalid = true
		for _, f := range bad.Fields {
			if _, dup := msgs[f.Field]; !dup {
				msgs[f.Field] = l.T(f.Message, f.Data)
				v.Summary = append(v.Summary, l.FieldMessage(f))
			}
		}
	}
	value := func(name string, f float64) string {
		if raw, ok := q[name]; ok && bad != nil {
			return raw[0]
		}
		return indicator.FormatGerman(f, 3)
	}
	field := func(name, label, hint string, f float64) fieldView {
		return fieldView{Name: name, Label: l.T(label), Type: "text", Value: value(name, f), Error: msgs[name], Hint: hint}
	}
	v.Distance = field(chain.ParamDistance, "chainview.settings.distance", l.T("chainview.settings.distance_hint"), set.DistanceKm)
	v.MinCoverage = field(chain.ParamMinCoverage, "chainview.settings.min_coverage", l.T("chainview.settings.min_coverage_hint"), set.MinCoverage)
	for _, ind := range chain.NeedIndicators(cat) {
		name := chain.ParamWeight + ind.Code
		f := fieldView{Name: name, Label: ind.NameDE, Type: "text", Value: value(name, set.Weight(ind.Code)), Error: msgs[name]}
		if l.Lang != "de" && ind.NameEN != "" {
			f.Label = ind.NameEN
		}
		v.Weights = append(v.Weights, f)
	}
	return v
}

// needTable shows the need index: formula, indicators with their period, mean and deviation, and per Area
// the values, z-scores, index and weight.
func needTable(l *i18n.Localizer, lang string, n *chain.Need) needView {
	var v needView
	if n == nil || len(n.Indicators) == 0 {
		v.None = true
		return v
	}
	f := func(x float64, d int) string { return number(lang, x, d) }
	v.Formula, v.ZScore = n.Formula, l.T("chainview.need.zscore")
	v.Mapping = l.T("chainview.need.mapping", map[string]any{"Slope": f(n.Slope, 2), "Min": f(n.MinWeight, 1), "Max": f(n.MaxWeight, 1)})
	for _, ind := range n.Indicators {
		period := ind.Period
		if period == "" {
			period = l.T("chainview.need.no_period")
		}
		v.Indicators = append(v.Indicators, needIndicatorRow{Name: ind.Name, Weight: f(ind.Weight, 1), Share: f(ind.Share, 3),
			Period: period, Mean: f(ind.Mean, 2), SD: f(ind.SD, 2)})
		v.Cols = append(v.Cols, ind.Name)
	}
	for _, a := range n.Areas {
		row := needAreaRow{Key: a.AreaKey, Name: a.AreaName, Weight: f(a.Weight, 2), Index: l.T("chainview.need.no_value")}
		if a.HasIndex {
			row.Index = f(a.Index, 2)
		}
		for _, ind := range n.Indicators {
			cell := l.T("chainview.need.no_value")
			for _, c := range a.Components {
				if c.Indicator == ind.Code {
					cell = f(c.Value, 1) + " (z = " + f(c.Z, 2) + ")"
				}
			}
			row.Values = append(row.Values, cell)
		}
		v.Areas = append(v.Areas, row)
	}
	return v
}

// derivedTable lists offers per 1,000 children per Area and phase.
func derivedTable(a report.Analysis, lang string) derivedView {
	var v derivedView
	for _, ph := range a.Phases() {
		v.Cols = append(v.Cols, a.Tax.Label(taxonomy.Phase, ph, lang))
	}
	byArea := map[string][]string{}
	for _, d := range a.Matrix.Derived {
		byArea[d.AreaKey] = append(byArea[d.AreaKey], number(lang, d.Value, 1))
	}
	for _, ar := range a.Areas {
		v.Rows = append(v.Rows, heatRow{Label: ar.Key + " " + ar.Name, Cells: byArea[ar.Key]})
	}
	return v
}

// number formats v with the decimals given in the language's way.
func number(lang string, v float64, decimals int) string {
	return message.NewPrinter(language.Make(lang)).Sprintf("%.*f", decimals, v)
}

// pick checks a chosen code against the matrix's codes; empty picks the first.
func pick(v *errs.Validation, field, code string, codes []string) string {
	if code == "" {
		if len(codes) == 0 {
			return ""
		}
		return codes[0]
	}
	if !slices.Contains(codes, code) {
		v.Add(field, "validation.unknown_code", map[string]any{"Value": code})
	}
	return code
}

func chainOptions(tax *taxonomy.Set, kind string, codes []string, selected, lang string) []chainOption {
	var out []chainOption
	for _, c := range codes {
		out = append(out, chainOption{Code: c, Label: tax.Label(kind, c, lang), Selected: c == selected})
	}
	return out
}

func fieldLabels(tax *taxonomy.Set, codes []string, lang string) []string {
	var out []string
	for _, c := range codes {
		out = append(out, tax.Label(taxonomy.Field, c, lang))
	}
	return out
}

func numberFormat(lang string) chart.Format {
	p := message.NewPrinter(language.Make(lang))
	return func(v float64) string {
		if v == math.Trunc(v) {
			return p.Sprintf("%.0f", v)
		}
		return p.Sprintf("%.1f", v)
	}
}

// heat draws Areas × columns with the number of offers per cell; the colour follows the coverage (offers per
// 1,000 children), so a small Area with few offers is not darker than a large one; "!" marks a gap.
// chainHeatmaps draws the matrix of one phase (Areas × fields) and the transitions (Areas × transitions) as
// heatmaps: the chain page and the public chain view show the same two.
func chainHeatmaps(a report.Analysis, phase string, l *i18n.Localizer, lang string, f chart.Format) (phaseHeat, trans heatView) {
	m, fields := a.Matrix, a.Fields()
	label := a.Tax.Label(taxonomy.Phase, phase, lang)
	phaseHeat = heat(a, l.T("chainview.heatmap.heading")+": "+label, l.T("chainview.heatmap.desc", map[string]any{"Phase": label}),
		fieldLabels(a.Tax, fields, lang), func(key string) []chain.Cell {
			var out []chain.Cell
			for _, fd := range fields {
				c, _ := m.Cell(key, phase, fd)
				out = append(out, c)
			}
			return out
		}, f)
	codes := a.Transitions()
	var labels []string
	for _, t := range codes {
		labels = append(labels, a.Tax.Label(taxonomy.Transition, t, lang))
	}
	trans = heat(a, l.T("chainview.transitions.heading"), l.T("chainview.transitions.desc"), labels, func(key string) []chain.Cell {
		var out []chain.Cell
		for _, t := range codes {
			c, _ := m.Transition(key, t)
			out = append(out, c)
		}
		return out
	}, f)
	return phaseHeat, trans
}

func heat(a report.Analysis, title, desc string, cols []string, cells func(areaKey string) []chain.Cell, f chart.Format) heatView {
	h := chart.Heatmap{Title: title, Desc: desc, Cols: cols}
	var v heatView
	v.Cols = cols
	for _, ar := range a.Areas {
		h.Rows = append(h.Rows, ar.Key+" "+ar.Name)
		var row []chart.HeatCell
		tr := heatRow{Label: ar.Key + " " + ar.Name}
		for _, c := range cells(ar.Key) {
			hc := chart.HeatCell{Value: c.Coverage, Text: f(float64(c.Supply))}
			if c.Gap {
				hc.Mark = "!"
			}
			row = append(row, hc)
			tr.Cells = append(tr.Cells, hc.Text+hc.Mark)
		}
		h.Cells = append(h.Cells, row)
		v.Rows = append(v.Rows, tr)
	}
	v.SVG = h.SVG()
	return v
}

// choropleth draws the Areas in four shades by value (equal steps from 0 to the largest value) with the
// key written in each, and gives the legend and the values as table rows.
func choropleth(areas []region.Area, values map[string]float64, f chart.Format) (svgMap, []mapRow, []legendItem) {
	maxV := 0.0
	for _, v := range values {
		maxV = math.Max(maxV, v)
	}
	shade := func(v float64) int {
		if maxV <= 0 {
			return 0
		}
		return min(int(v/maxV*4), 3)
	}
	var rows []mapRow
	geoms := make([]orb.Geometry, len(areas))
	for i, ar := range areas {
		geoms[i] = ar.Geometry
		rows = append(rows, mapRow{Key: ar.Key, Name: ar.Name, Value: f(values[ar.Key])})
	}
	var legend []legendItem
	for i := range 4 {
		lo, hi := maxV*float64(i)/4, maxV*float64(i+1)/4
		legend = append(legend, legendItem{Shade: i, Text: f(round1(lo)) + " – " + f(round1(hi))})
	}
	m := svgMap{}
	b, ok := boundOf(geoms)
	if !ok {
		return m, rows, legend
	}
	proj := newProjection(b, 1000, 24)
	m.ViewBox = proj.viewBox()
	for _, ar := range areas {
		if ar.Geometry == nil {
			continue
		}
		x, y := proj.label(ar.Geometry)
		m.Areas = append(m.Areas, mapArea{Name: ar.Name, Key: ar.Key, Title: ar.Key + " " + ar.Name + ": " + f(values[ar.Key]),
			D: proj.path(ar.Geometry), X: coord(x), Y: coord(y), Shade: shade(values[ar.Key])})
	}
	return m, rows, legend
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// chainFile serves a download of the analysis; errors go to the error page like any page's.
func (s *server) chainFile(write func(w io.Writer, a report.Analysis, l *i18n.Localizer) (contentType, name, ext string, err error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := s.language(w, r)
		a, err := s.chainAnalysis(r)
		if err != nil {
			s.fail(w, r, lang, err)
			return
		}
		var b bytes.Buffer
		ct, name, ext, err := write(&b, a, s.i18n.For(lang))
		if err != nil {
			s.fail(w, r, lang, err)
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s%s"`, name, a.Matrix.Kommune.AGS, a.Matrix.Date, ext))
		_, _ = w.Write(b.Bytes())
	}
}

// reportFile adapts a report of package report to chainFile.
func reportFile(ct, name, ext string, f func(io.Writer, report.Analysis, *i18n.Localizer) error) func(io.Writer, report.Analysis, *i18n.Localizer) (string, string, string, error) {
	return func(w io.Writer, a report.Analysis, l *i18n.Localizer) (string, string, string, error) {
		return ct, name, ext, f(w, a, l)
	}
}

const csvType = "text/csv; charset=utf-8"

func (s *server) matrixCSV(w io.Writer, a report.Analysis, l *i18n.Localizer) (string, string, string, error) {
	header, rows := report.MatrixTable(a, l)
	return csvType, "matrix", ".csv", chart.WriteCSV(w, strs(header), strRows(rows))
}

func (s *server) gapsCSV(w io.Writer, a report.Analysis, l *i18n.Localizer) (string, string, string, error) {
	header := []string{l.T("chainview.col.rank"), l.T("chainview.col.area_key"), l.T("chainview.col.area"), l.T("chainview.col.phase"),
		l.T("chainview.col.field"), l.T("chainview.col.transition"), l.T("chainview.col.children"), l.T("chainview.col.supply"),
		l.T("chainview.col.coverage"), l.T("chainview.col.unmet"), l.T("chainview.col.sentence"), l.T("chainview.col.unmet_searches")}
	var rows [][]string
	for _, g := range a.GapRows(l) {
		searches := ""
		if g.UnmetSearches != nil {
			searches = strconv.Itoa(g.UnmetSearches.Total)
		}
		rows = append(rows, []string{strconv.Itoa(g.Rank), g.AreaKey, g.AreaName, g.Phase, g.Field, g.Transition, strconv.Itoa(g.Children),
			strconv.Itoa(g.Supply), chart.Plain(g.Coverage), chart.Plain(g.Unmet), g.Sentence, searches})
	}
	return csvType, "luecken", ".csv", chart.WriteCSV(w, header, rows)
}

func strs(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		switch x := x.(type) {
		case float64:
			out[i] = chart.Plain(x)
		default:
			out[i] = fmt.Sprint(x)
		}
	}
	return out
}

func strRows(rows [][]any) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = strs(r)
	}
	return out
}

// landChainPage compares the Kommunen of a Land: for each the share of matrix fields and transition rows
// that are no gap, and the number of gaps. Only the Land's administrators (and the system) see it.
type landChainPage struct {
	base
	Land  region.Land
	Date  string
	Chart template.HTML
	Rows  []landRow
}

type landRow struct {
	Kommune region.Kommune
	Href    string
	Cells   int
	Gaps    int
	Share   string
}

func (s *server) landChainPage(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	code := r.PathValue("code")
	scope := p.Scope()
	if !(scope.Kind == tenant.KindSystem || scope.Kind == tenant.KindLand && scope.LandCode == code) {
		return "", nil, errs.E(errs.NotFound, "error.not_found")
	}
	lands, err := s.store.ListLands(r.Context())
	if err != nil {
		return "", nil, err
	}
	i := slices.IndexFunc(lands, func(l region.Land) bool { return l.Code == code })
	if i < 0 {
		return "", nil, errs.E(errs.NotFound, "error.not_found")
	}
	date, err := api.Datum(r, time.Now().In(s.berlin))
	if err != nil {
		return "", nil, err
	}
	l := s.i18n.For(lang)
	d := landChainPage{base: s.newBase(r, lang, l.T("chainview.land.title", map[string]any{"Land": lands[i].Name})), Land: lands[i],
		Date: formatDate(l, date, s.berlin)}
	d.Crumbs = s.trail(lang, crumb{Name: l.T("admin.title"), Href: "/verwaltung"}, crumb{Name: d.Title})
	// The Land's Kommunen in one read (chain.ForAll), each weighted by its default need index. The Land's
	// scope is the user's or narrower, so nothing outside it is read.
	land := tenant.Land(code)
	all, err := s.store.ListKommunen(r.Context(), land)
	if err != nil {
		return "", nil, err
	}
	need := map[uuid.UUID]float64{}
	for _, ks := range all {
		areas, err := s.store.AreasAt(r.Context(), land, ks.ID, date)
		if err != nil {
			return "", nil, err
		}
		n, err := chain.LoadNeed(r.Context(), s.store, land, ks.ID, areas, date, chain.DefaultNeedIndex(), s.privacy)
		if err != nil {
			return "", nil, err
		}
		maps.Copy(need, n.Weights())
	}
	f := numberFormat(lang)
	bar := chart.Bar{Title: l.T("chainview.land.chart"), Unit: " %", Format: f}
	err = chain.ForAll(r.Context(), s.chainSource(), land, date, chain.Config{Need: need}, func(m chain.Matrix) error {
		k := m.Kommune
		cells := len(m.Cells) + len(m.Transitions)
		share := 0.0
		if cells > 0 {
			share = round1(float64(cells-len(m.Gaps)) * 100 / float64(cells))
		}
		d.Rows = append(d.Rows, landRow{Kommune: k, Href: "/verwaltung/kommunen/" + k.AGS + "/kette", Cells: cells, Gaps: len(m.Gaps), Share: f(share)})
		bar.Items = append(bar.Items, chart.BarItem{Label: k.Name, Value: share})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	order := make([]int, len(d.Rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		if bar.Items[x].Value > bar.Items[y].Value {
			return -1
		}
		if bar.Items[x].Value < bar.Items[y].Value {
			return 1
		}
		return 0
	})
	rows, items := make([]landRow, len(order)), make([]chart.BarItem, len(order))
	for i, j := range order {
		rows[i], items[i] = d.Rows[j], bar.Items[j]
	}
	d.Rows, bar.Items = rows, items
	d.Chart = bar.SVG()
	return "chain_land", d, nil
}
