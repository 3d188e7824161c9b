package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/chart"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// indicatorRoutes registers the social-monitoring pages of a Kommune: the list of its indicators with their
// latest values, one page per indicator with map, ranking and time series (each with its numbers as a table
// and a CSV download), and the upload of new values (indicator_import.go).
func (s *server) indicatorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/indikatoren", s.page(s.indicatorList))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/indikatoren/{code}", s.page(s.indicatorDetail))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/indikatoren/{code}/sozialraeume.csv", s.indicatorCSV(areasCSV))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/indikatoren/{code}/zeitreihe.csv", s.indicatorCSV(seriesCSV))
	s.indicatorImportRoutes(mux)
}

// The query parameters of an indicator page.
const (
	periodParam = "zeitraum"   // the period of map and ranking
	areaParam   = "sozialraum" // Areas shown in the time series (repeatable, by key)
)

// shownValue is a value as a door may show it: its number, or suppressed as a small count, or missing.
type shownValue struct {
	Value      float64
	Has        bool // a value exists for the region and period
	Suppressed bool // it exists but describes fewer people than the minimum cell size
}

// show passes a stored value through the privacy rule.
func (s *server) show(ind indicator.Indicator, v indicator.Value) shownValue {
	x, ok := s.privacy.Disclose(ind, v)
	return shownValue{Value: x, Has: true, Suppressed: !ok}
}

// indicatorFormat writes the numbers of an indicator in the page's language: rates with one decimal, counts
// as whole numbers.
func indicatorFormat(lang string, ind indicator.Indicator) chart.Format {
	p := message.NewPrinter(language.Make(lang))
	return func(v float64) string {
		if ind.Kind == indicator.KindCount || v == math.Trunc(v) {
			return p.Sprintf("%.0f", v)
		}
		return p.Sprintf("%.1f", v)
	}
}

// text is a shown value as the tables write it: the number with its unit, "–" when suppressed, "k. A." when
// there is none.
func (v shownValue) text(l *i18n.Localizer, f chart.Format, ind indicator.Indicator) string {
	switch {
	case !v.Has:
		return l.T("indicatorview.none")
	case v.Suppressed:
		return "–"
	}
	return f(v.Value) + unitSuffix(ind)
}

func unitSuffix(ind indicator.Indicator) string {
	if ind.Unit == "%" {
		return " %"
	}
	return ""
}

// indicatorLabel is the indicator's name in the page's language.
func indicatorLabel(ind indicator.Indicator, lang string) string {
	if lang != "de" && ind.NameEN != "" {
		return ind.NameEN
	}
	return ind.NameDE
}

// kommuneIndicators reads what every indicator page needs: the signed-in user, the Kommune of the path in
// their scope (another tenant's is not found), the catalogue and the Kommune's Sozialräume.
func (s *server) kommuneIndicators(r *http.Request) (auth.Principal, region.Kommune, []region.Area, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return p, k, nil, err
	}
	areas, err := s.store.ListAreas(r.Context(), p.Scope(), k.ID)
	return p, k, areas, err
}

// indicatorListPage lists the catalogue with the latest value of the Kommune and the spread over its Areas.
type indicatorListPage struct {
	base
	Kommune   region.Kommune
	Rows      []indicatorListRow
	MinCell   int
	MayImport bool
	Notice    string
}

type indicatorListRow struct {
	Code, Name, Href string
	Period           string // the latest period with a value
	Kommune          string // the Kommune's value in that period
	Areas            string // "12 von 13"
	Range            string // lowest – highest shown value of the Areas
	Suppressed       bool
	Source           string
}

func (s *server) indicatorList(r *http.Request, lang string) (string, any, error) {
	p, k, areas, err := s.kommuneIndicators(r)
	if err != nil {
		return "", nil, err
	}
	cat, err := s.store.ListIndicators(r.Context())
	if err != nil {
		return "", nil, err
	}
	values, err := s.store.ListIndicatorValues(r.Context(), p.Scope(), k.ID, store.IndicatorFilter{})
	if err != nil {
		return "", nil, err
	}
	l := s.i18n.For(lang)
	d := indicatorListPage{base: s.newBase(r, lang, l.T("indicatorview.list.title", map[string]any{"Kommune": k.Name})), Kommune: k,
		MinCell: s.privacy.Min(), MayImport: p.Scope().MayAdminister()}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: l.T("indicatorview.list.crumb")})
	if n := r.URL.Query().Get("importiert"); n != "" {
		count := atoiOr(n, 0)
		d.Notice = l.T("indicatorview.import.applied", map[string]any{"Count": count,
			"N": indicatorFormat(lang, indicator.Indicator{Kind: indicator.KindCount})(float64(count))})
	}
	byCode := map[string][]indicator.Value{}
	for _, v := range values {
		byCode[v.Indicator] = append(byCode[v.Indicator], v)
	}
	for _, ind := range cat {
		f := indicatorFormat(lang, ind)
		row := indicatorListRow{Code: ind.Code, Name: indicatorLabel(ind, lang), Href: "/verwaltung/kommunen/" + k.AGS + "/indikatoren/" + ind.Code,
			Source: ind.Source}
		latest := ""
		for _, v := range byCode[ind.Code] {
			latest = max(latest, v.Period)
		}
		if latest == "" {
			row.Period, row.Kommune = l.T("indicatorview.none"), l.T("indicatorview.none")
			d.Rows = append(d.Rows, row)
			continue
		}
		row.Period = latest
		own, withValue := shownValue{}, 0
		lo, hi, shown := math.Inf(1), math.Inf(-1), 0
		for _, v := range byCode[ind.Code] {
			if v.Period != latest {
				continue
			}
			sv := s.show(ind, v)
			row.Suppressed = row.Suppressed || sv.Suppressed
			if v.AreaID == nil {
				own = sv
				continue
			}
			withValue++
			if !sv.Suppressed {
				lo, hi, shown = math.Min(lo, sv.Value), math.Max(hi, sv.Value), shown+1
			}
		}
		row.Kommune = own.text(l, f, ind)
		row.Areas = l.T("indicatorview.list.areas_of", map[string]any{"Count": withValue, "Total": len(areas)})
		if !ind.HasLevel(indicator.LevelArea) {
			row.Areas = l.T("indicatorview.list.kommune_only")
		}
		if shown > 0 {
			row.Range = f(lo) + " – " + f(hi) + unitSuffix(ind)
		}
		d.Rows = append(d.Rows, row)
	}
	return "indicators", d, nil
}

// indicatorPage shows one indicator of a Kommune: a choropleth of the Areas for a period with its numbers
// beside it, the ranking of the Areas, and the time series of the Kommune and chosen Areas.
type indicatorPage struct {
	base
	Kommune     region.Kommune
	Indicator   indicator.Indicator
	Name        string
	Polarity    string
	Periods     []option
	Period      string
	AreaChoices []checkItem
	MinCell     int
	Suppressed  bool // some value on the page is hidden as a small count
	Own         string
	Map         indicatorSVG
	MapTitle    string
	Legend      []legendItem
	MapRows     []indicatorAreaRow
	Ranking     template.HTML
	RankRows    []indicatorAreaRow
	Line        template.HTML
	LineTitle   string
	SeriesCols  []string
	SeriesRows  []indicatorSeriesRow
	AreasCSV    string
	SeriesCSV   string
	Base        string
}

type indicatorAreaRow struct {
	Rank            int
	Key, Name, Text string
}

type indicatorSeriesRow struct {
	Name  string
	Cells []string
}

// seriesDefault is how many Areas the time series shows when none are chosen: the highest of the ranking.
const seriesDefault = 3

// indicatorView is the data shared by the page and its downloads.
type indicatorView struct {
	k       region.Kommune
	ind     indicator.Indicator
	areas   []region.Area
	periods []string
	// values by region (uuid.Nil for the Kommune, else the Area's id as string) and period
	byRegion map[string]map[string]indicator.Value
}

func (s *server) loadIndicatorView(r *http.Request) (indicatorView, error) {
	p, k, areas, err := s.kommuneIndicators(r)
	if err != nil {
		return indicatorView{}, err
	}
	ind, err := s.store.GetIndicator(r.Context(), r.PathValue("code"))
	if err != nil {
		return indicatorView{}, err
	}
	values, err := s.store.ListIndicatorValues(r.Context(), p.Scope(), k.ID, store.IndicatorFilter{Indicator: ind.Code})
	if err != nil {
		return indicatorView{}, err
	}
	v := indicatorView{k: k, ind: ind, areas: areas, byRegion: map[string]map[string]indicator.Value{}}
	for _, x := range values {
		key := ""
		if x.AreaID != nil {
			key = x.AreaID.String()
		}
		if v.byRegion[key] == nil {
			v.byRegion[key] = map[string]indicator.Value{}
		}
		v.byRegion[key][x.Period] = x
		if !slices.Contains(v.periods, x.Period) {
			v.periods = append(v.periods, x.Period)
		}
	}
	slices.Sort(v.periods)
	return v, nil
}

// value is the shown value of a region ("" for the Kommune, else an Area id) in a period.
func (s *server) value(v indicatorView, region, period string) shownValue {
	x, ok := v.byRegion[region][period]
	if !ok {
		return shownValue{}
	}
	return s.show(v.ind, x)
}

// period is the period of map and ranking: the one asked for, or the latest with values of Areas, or the
// latest at all.
func (v indicatorView) period(r *http.Request) (string, error) {
	if q := r.URL.Query().Get(periodParam); q != "" {
		if !slices.Contains(v.periods, q) {
			var e errs.Validation
			e.Add(periodParam, "indicatorview.period.unknown", map[string]any{"Value": q})
			return "", e.Err()
		}
		return q, nil
	}
	latest := ""
	for key, byPeriod := range v.byRegion {
		if key == "" {
			continue
		}
		for p := range byPeriod {
			latest = max(latest, p)
		}
	}
	if latest == "" && len(v.periods) > 0 {
		latest = v.periods[len(v.periods)-1]
	}
	return latest, nil
}

// ranked are the Areas in a period, highest shown value first, then the suppressed and those without value.
func (s *server) ranked(v indicatorView, period string) []region.Area {
	out := slices.Clone(v.areas)
	weight := func(a region.Area) (int, float64) {
		sv := s.value(v, a.ID.String(), period)
		switch {
		case !sv.Has:
			return 2, 0
		case sv.Suppressed:
			return 1, 0
		}
		return 0, sv.Value
	}
	slices.SortStableFunc(out, func(a, b region.Area) int {
		ga, va := weight(a)
		gb, vb := weight(b)
		if ga != gb {
			return ga - gb
		}
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	return out
}

func (s *server) indicatorDetail(r *http.Request, lang string) (string, any, error) {
	v, err := s.loadIndicatorView(r)
	if err != nil {
		return "", nil, err
	}
	period, err := v.period(r)
	if err != nil {
		return "", nil, err
	}
	l := s.i18n.For(lang)
	ind, k := v.ind, v.k
	f := indicatorFormat(lang, ind)
	name := indicatorLabel(ind, lang)
	d := indicatorPage{base: s.newBase(r, lang, name+" – "+k.Name), Kommune: k, Indicator: ind, Name: name, Period: period,
		MinCell: s.privacy.Min(), Base: "/verwaltung/kommunen/" + k.AGS + "/indikatoren/" + ind.Code}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: l.T("indicatorview.list.crumb"), Href: "/verwaltung/kommunen/" + k.AGS + "/indikatoren"},
		crumb{Name: name})
	d.Polarity = l.T("indicatorview.polarity.higher_is_worse")
	if ind.Polarity == indicator.HigherIsBetter {
		d.Polarity = l.T("indicatorview.polarity.higher_is_better")
	}
	for i := len(v.periods) - 1; i >= 0; i-- {
		d.Periods = append(d.Periods, option{Value: v.periods[i], Label: v.periods[i], Selected: v.periods[i] == period})
	}
	own := s.value(v, "", period)
	d.Own, d.Suppressed = own.text(l, f, ind), own.Suppressed

	// Map and ranking of the Areas in the period.
	ranked := s.ranked(v, period)
	d.MapTitle = l.T("indicatorview.map.title", map[string]any{"Indicator": name, "Period": period})
	shown := map[string]shownValue{}
	bar := chart.Bar{Title: l.T("indicatorview.ranking.title", map[string]any{"Indicator": name, "Period": period}),
		Desc: l.T("indicatorview.ranking.desc"), Unit: unitSuffix(ind), Format: f}
	for i, a := range ranked {
		sv := s.value(v, a.ID.String(), period)
		shown[a.ID.String()] = sv
		d.Suppressed = d.Suppressed || sv.Suppressed
		row := indicatorAreaRow{Key: a.Key, Name: a.Name, Text: sv.text(l, f, ind)}
		if sv.Has && !sv.Suppressed {
			row.Rank = i + 1
			bar.Items = append(bar.Items, chart.BarItem{Label: clipLabel(a.Name), Value: sv.Value})
		}
		d.RankRows = append(d.RankRows, row)
	}
	if len(bar.Items) > 0 {
		d.Ranking = bar.SVG()
	}
	d.Map, d.Legend = indicatorMap(v.areas, shown, f, unitSuffix(ind), l, s.privacy.Min())
	for _, a := range v.areas {
		d.MapRows = append(d.MapRows, indicatorAreaRow{Key: a.Key, Name: a.Name, Text: shown[a.ID.String()].text(l, f, ind)})
	}

	// The time series: the Kommune and the chosen Areas (default: the highest of the ranking).
	chosen := r.URL.Query()[areaParam]
	var ev errs.Validation
	for _, key := range chosen {
		if !slices.ContainsFunc(v.areas, func(a region.Area) bool { return a.Key == key }) {
			ev.Add(areaParam, "indicatorview.area.unknown", map[string]any{"Value": key})
		}
	}
	if err := ev.Err(); err != nil {
		return "", nil, err
	}
	if len(chosen) == 0 {
		for _, a := range ranked {
			if len(chosen) < seriesDefault && shown[a.ID.String()].Has {
				chosen = append(chosen, a.Key)
			}
		}
	}
	for _, a := range v.areas {
		d.AreaChoices = append(d.AreaChoices, checkItem{Name: areaParam, Value: a.Key, Label: a.Key + " " + a.Name,
			Checked: slices.Contains(chosen, a.Key)})
	}
	d.SeriesCols = v.periods
	d.LineTitle = l.T("indicatorview.series.title", map[string]any{"Indicator": name})
	line := chart.Line{Title: d.LineTitle, Desc: l.T("indicatorview.series.desc"), X: v.periods, Format: f}
	addSeries := func(label, region string) {
		se := chart.Series{Name: label}
		row := indicatorSeriesRow{Name: label}
		for _, p := range v.periods {
			sv := s.value(v, region, p)
			d.Suppressed = d.Suppressed || sv.Suppressed
			row.Cells = append(row.Cells, sv.text(l, f, ind))
			if sv.Has && !sv.Suppressed {
				x := sv.Value
				se.Values = append(se.Values, &x)
			} else {
				se.Values = append(se.Values, nil)
			}
		}
		line.Series = append(line.Series, se)
		d.SeriesRows = append(d.SeriesRows, row)
	}
	addSeries(k.Name, "")
	for _, a := range v.areas {
		if slices.Contains(chosen, a.Key) {
			addSeries(a.Key+" "+a.Name, a.ID.String())
		}
	}
	if len(v.periods) > 0 {
		d.Line = line.SVG()
	}
	q := url.Values{}
	if period != "" {
		q.Set(periodParam, period)
	}
	d.AreasCSV = d.Base + "/sozialraeume.csv?" + q.Encode()
	d.SeriesCSV = d.Base + "/zeitreihe.csv"
	return "indicator", d, nil
}

// clipLabel shortens a name to what the label column of a bar chart holds; the table beside has it in full.
func clipLabel(s string) string {
	const maxRunes = 24
	r := []rune(s)
	if len(r) <= maxRunes {
		return s
	}
	return string(r[:maxRunes-1]) + "…"
}

// indicatorMap draws the Areas in four shades of equal steps between the lowest and the highest shown value;
// Areas whose value is suppressed or missing are drawn blank ("shade-none") and are named as such in the
// legend, so that the map never hints at a hidden number.
func indicatorMap(areas []region.Area, shown map[string]shownValue, f chart.Format, unit string, l *i18n.Localizer, minCell int) (indicatorSVG, []legendItem) {
	lo, hi, some := math.Inf(1), math.Inf(-1), false
	for _, sv := range shown {
		if sv.Has && !sv.Suppressed {
			lo, hi, some = math.Min(lo, sv.Value), math.Max(hi, sv.Value), true
		}
	}
	shade := func(sv shownValue) string {
		if !sv.Has || sv.Suppressed {
			return "none"
		}
		if hi <= lo {
			return "1"
		}
		return strconv.Itoa(min(int((sv.Value-lo)/(hi-lo)*4), 3))
	}
	var legend []legendItem
	if some {
		for i := range 4 {
			a, b := lo+(hi-lo)*float64(i)/4, lo+(hi-lo)*float64(i+1)/4
			legend = append(legend, legendItem{Shade: i, Text: f(a) + unit + " – " + f(b) + unit})
			if hi <= lo {
				legend = []legendItem{{Shade: 1, Text: f(lo) + unit}}
				break
			}
		}
	}
	m := indicatorSVG{}
	geoms := make([]orb.Geometry, len(areas))
	for i, a := range areas {
		geoms[i] = a.Geometry
	}
	b, ok := boundOf(geoms)
	if !ok {
		return m, legend
	}
	proj := newProjection(b, 1000, 24)
	m.ViewBox = proj.viewBox()
	for _, a := range areas {
		if a.Geometry == nil {
			continue
		}
		sv := shown[a.ID.String()]
		x, y := proj.label(a.Geometry)
		val := l.T("indicatorview.none")
		switch {
		case sv.Suppressed:
			val = l.T("indicatorview.suppressed", map[string]any{"Min": minCell})
		case sv.Has:
			val = f(sv.Value) + unit
		}
		m.Areas = append(m.Areas, indicatorMapArea{Key: a.Key, Title: fmt.Sprintf("%s %s: %s", a.Key, a.Name, val),
			D: proj.path(a.Geometry), X: coord(x), Y: coord(y), Shade: shade(sv)})
	}
	return m, legend
}

// indicatorSVG is the choropleth of an indicator; unlike the chain's map it has a shade for "no value shown".
type indicatorSVG struct {
	ViewBox string
	Areas   []indicatorMapArea
}

type indicatorMapArea struct {
	Key, Title, D, X, Y string
	Shade               string // "0" (lightest) … "3", or "none"
}

// indicatorCSV serves a download of an indicator's numbers; errors go to the error page like any page's.
func (s *server) indicatorCSV(write func(s *server, v indicatorView, r *http.Request, l *i18n.Localizer) (name string, header []string, rows [][]string, err error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := s.language(w, r)
		v, err := s.loadIndicatorView(r)
		if err != nil {
			s.fail(w, r, lang, err)
			return
		}
		name, header, rows, err := write(s, v, r, s.i18n.For(lang))
		if err != nil {
			s.fail(w, r, lang, err)
			return
		}
		var b bytes.Buffer
		if err := chart.WriteCSV(&b, header, rows); err != nil {
			s.fail(w, r, lang, errs.Wrap(err, "indicator csv"))
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s.csv"`, v.ind.Code, v.k.AGS, name))
		_, _ = w.Write(b.Bytes())
	}
}

// csvCells are a shown value in a CSV row: the plain number, or nothing and the reason.
func csvCells(l *i18n.Localizer, sv shownValue, minCell int) (string, string) {
	switch {
	case !sv.Has:
		return "", l.T("indicatorview.none")
	case sv.Suppressed:
		return "", l.T("indicatorview.suppressed", map[string]any{"Min": minCell})
	}
	return chart.Plain(sv.Value), ""
}

// areasCSV has the numbers of map and ranking: the Areas in a period, ranked.
func areasCSV(s *server, v indicatorView, r *http.Request, l *i18n.Localizer) (string, []string, [][]string, error) {
	period, err := v.period(r)
	if err != nil {
		return "", nil, nil, err
	}
	header := []string{l.T("indicatorview.col.rank"), l.T("indicatorview.col.key"), l.T("indicatorview.col.area"),
		l.T("indicatorview.col.period"), l.T("indicatorview.col.value") + " (" + v.ind.Unit + ")", l.T("indicatorview.col.note")}
	var rows [][]string
	for i, a := range s.ranked(v, period) {
		sv := s.value(v, a.ID.String(), period)
		val, note := csvCells(l, sv, s.privacy.Min())
		rank := ""
		if val != "" {
			rank = strconv.Itoa(i + 1)
		}
		rows = append(rows, []string{rank, a.Key, a.Name, period, val, note})
	}
	return "sozialraeume-" + strings.ReplaceAll(period, "/", "-"), header, rows, nil
}

// seriesCSV has the numbers of the time series: every period of the Kommune and of every Area.
func seriesCSV(s *server, v indicatorView, _ *http.Request, l *i18n.Localizer) (string, []string, [][]string, error) {
	header := []string{l.T("indicatorview.col.key"), l.T("indicatorview.col.region"), l.T("indicatorview.col.period"),
		l.T("indicatorview.col.value") + " (" + v.ind.Unit + ")", l.T("indicatorview.col.note")}
	var rows [][]string
	add := func(key, name, region string) {
		for _, p := range v.periods {
			val, note := csvCells(l, s.value(v, region, p), s.privacy.Min())
			rows = append(rows, []string{key, name, p, val, note})
		}
	}
	add(v.k.AGS, v.k.Name, "")
	for _, a := range v.areas {
		add(a.Key, a.Name, a.ID.String())
	}
	return "zeitreihe", header, rows, nil
}
