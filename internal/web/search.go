package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chart"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// offerLangParam is the page's name of the offer-language filter: ?lang= already picks the UI language.
const offerLangParam = "sprache"

// searchRoutes registers the public search and the coordinators' view of the search log.
func (s *server) searchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /angebote", s.allowTiles(s.page(s.searchPage)))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/suchanfragen", s.page(s.searchLogPage))
}

// searchPageData is the Familienwegweiser: the form with its values and messages, the facets as checkbox
// groups with counts, and one page of results with a map.
type searchPageData struct {
	base
	Values    map[string]string
	Errors    map[string]string
	F         map[string]fieldView // the text inputs by name
	Summary   []string
	Groups    []searchGroup // phase, field, target group, offer language
	More      []searchGroup // access, delivery: under "Weitere Filter"
	Radii     []option
	Weekdays  []option
	OpenMore  bool // a filter under "Weitere Filter" is set, so the details element starts open
	Invalid   bool
	Total     int
	Count     string
	Near      string
	Results   []searchResult
	Pager     pager
	Map       *resultMap
	ResetHref string
}

// searchGroup is a facet as a group of checkboxes, each with the number of results that have it.
type searchGroup struct {
	Name, Legend, Error string
	Items               []searchItem
}

type searchItem struct {
	Value, Label string
	Count        int
	Checked      bool
}

// searchResult is one line of the results.
type searchResult struct {
	N               int
	Href, Name, Org string
	Distance        string
	OpenToday       bool
	Cost            string
	MinAge, MaxAge  *int
	Places          []string
	Confirmed       *time.Time
}

// searchPage answers /angebote: bad input re-renders the form with the message beside its field (400).
func (s *server) searchPage(r *http.Request, lang string) (string, any, error) {
	if s.search == nil {
		return "", nil, errs.E(errs.Unavailable, "error.unavailable")
	}
	l := s.i18n.For(lang)
	raw := r.URL.Query()
	d := searchPageData{base: s.newBase(r, lang, l.T("search.title")), Values: map[string]string{}, Errors: map[string]string{},
		ResetHref: "/angebote"}
	d.Crumbs = s.trail(lang, crumb{Name: l.T("search.title")})
	for _, k := range []string{search.ParamText, search.ParamPlace, search.ParamRadius, search.ParamAge, search.ParamBirthDate,
		search.ParamWeekday, search.ParamFree, search.ParamOpenNow} {
		d.Values[k] = truncateRunes(raw.Get(k), 300)
	}
	now := time.Now()
	p, err := search.ParseParams(raw, s.store.Taxonomies(), s.places,
		search.ParseOptions{LangParam: offerLangParam, Now: now, Zone: s.berlin})
	var res search.Result
	if err == nil {
		p.Query.Facets = search.FacetsWithoutPlaces() // the form lists no places (fillForm)
		res, err = s.search.Search(p.Query)
	}
	if err != nil {
		if !errs.Is(err, errs.Invalid) {
			return "", nil, err
		}
		d.Invalid = true
		for _, f := range errs.As(err).Fields {
			msg := l.FieldMessage(f)
			if _, seen := d.Errors[f.Field]; !seen {
				d.Errors[f.Field] = msg
				d.Summary = append(d.Summary, msg)
			}
		}
		s.fillForm(&d, l, lang, raw, search.Result{})
		return "search", withStatus{status: http.StatusBadRequest, data: d}, nil
	}
	if p.Query.Page <= 1 { // turning pages is the same search, counted once
		s.searchLog.Record(r.Context(), searchlog.Entry(searchlog.Web, p, res.Total, now))
	}
	s.fillForm(&d, l, lang, raw, res)
	d.Total = res.Total
	switch res.Total {
	case 0:
		d.Count = l.T("search.count.zero")
	case 1:
		d.Count = l.T("search.count.one")
	default:
		d.Count = l.T("search.count.other", map[string]any{"N": res.Total})
	}
	if p.Place != nil {
		d.Near = l.T("search.count.near", map[string]any{"Place": p.Place.Name})
	}
	perPage := p.Query.PerPage
	if perPage == 0 {
		perPage = search.DefaultPerPage
	}
	page := max(p.Query.Page, 1)
	pages := max(1, (res.Total+perPage-1)/perPage)
	if page > pages {
		return "", nil, errs.E(errs.NotFound, "error.not_found")
	}
	d.Pager = searchPager(r, page, pages, res.Total)
	found := s.search.Details(res.Hits, now)
	first := (page-1)*perPage + 1
	for i, f := range found {
		o := f.Doc.Offer
		sr := searchResult{N: first + i, Href: "/angebote/" + o.ID.String(), Name: o.Name, Org: f.Doc.OrganizationName,
			OpenToday: f.OpenToday, Cost: o.Cost, MinAge: o.MinimumAgeMonths, MaxAge: o.MaximumAgeMonths,
			Confirmed: o.LastConfirmedAt}
		if f.DistanceKm >= 0 {
			sr.Distance = l.T("search.distance", map[string]any{"Km": formatKm(lang, f.DistanceKm)})
		}
		seen := map[string]bool{}
		for _, loc := range f.Doc.Locations {
			if pl := loc.PostalCode + " " + loc.City; !seen[pl] {
				seen[pl] = true
				sr.Places = append(sr.Places, pl)
			}
		}
		d.Results = append(d.Results, sr)
	}
	d.Map = newResultMap(found, first, p, l)
	if d.Map != nil && s.tileOrigin != "" {
		d.Map.Live = s.liveMap()
	}
	return "search", d, nil
}

// fillForm builds the checkbox groups with their facet counts and the selects, checked as the request says.
func (s *server) fillForm(d *searchPageData, l *i18n.Localizer, lang string, raw url.Values, res search.Result) {
	tax := s.store.Taxonomies()
	counts := func(dim string) map[string]int {
		m := map[string]int{}
		for _, c := range res.Facets[dim] {
			m[c.Value] = c.Count
		}
		return m
	}
	checked := func(name string) []string { return splitValues(raw[name]) }
	group := func(name, legendID, dim string, values []string, label func(string) string, onlyCounted bool) searchGroup {
		g := searchGroup{Name: name, Legend: l.T(legendID), Error: d.Errors[name]}
		if name == offerLangParam {
			g.Error = d.Errors[offerLangParam]
		}
		c, on := counts(dim), checked(name)
		for _, v := range values {
			item := searchItem{Value: v, Label: label(v), Count: c[v], Checked: slices.Contains(on, v)}
			if onlyCounted && item.Count == 0 && !item.Checked {
				continue
			}
			g.Items = append(g.Items, item)
		}
		return g
	}
	termLabel := func(taxo string) func(string) string {
		return func(code string) string { return tax.Label(taxo, code, lang) }
	}
	codes := func(taxo string) []string {
		var out []string
		for _, t := range tax.Terms(taxo) {
			out = append(out, t.Code)
		}
		return out
	}
	// Only the languages offers are held in are listed: the taxonomy knows every language of the world.
	var langs []string
	for _, c := range res.Facets[search.DimLanguage] {
		langs = append(langs, c.Value)
	}
	for _, c := range checked(offerLangParam) {
		if !slices.Contains(langs, c) && tax.Has(taxonomy.Language, c) {
			langs = append(langs, c)
		}
	}
	slices.SortFunc(langs, func(a, b string) int {
		switch { // German first, then by name
		case a == "de":
			return -1
		case b == "de":
			return 1
		}
		return strings.Compare(tax.Label(taxonomy.Language, a, lang), tax.Label(taxonomy.Language, b, lang))
	})
	d.Groups = []searchGroup{
		group("phase", "search.label.phase", search.DimPhase, codes(taxonomy.Phase), termLabel(taxonomy.Phase), false),
		group("field", "search.label.field", search.DimField, codes(taxonomy.Field), termLabel(taxonomy.Field), false),
		group("target", "search.label.target", search.DimTargetGroup, codes(taxonomy.TargetGroup), termLabel(taxonomy.TargetGroup), false),
		group(offerLangParam, "search.label.lang", search.DimLanguage, langs, termLabel(taxonomy.Language), false),
	}
	d.More = []searchGroup{
		group("access", "search.label.access", search.DimAccess, catalog.AccessKinds, func(v string) string { return l.T("access." + v) }, false),
		group("delivery", "search.label.delivery", search.DimDelivery, catalog.Deliveries, func(v string) string { return l.T("delivery." + v) }, false),
	}
	for _, g := range d.More {
		for _, it := range g.Items {
			d.OpenMore = d.OpenMore || it.Checked
		}
		d.OpenMore = d.OpenMore || g.Error != ""
	}
	d.OpenMore = d.OpenMore || d.Values[search.ParamWeekday] != "" || d.Errors[search.ParamWeekday] != "" ||
		d.Values[search.ParamBirthDate] != "" || d.Errors[search.ParamBirthDate] != ""
	d.F = map[string]fieldView{}
	for _, f := range []struct{ name, label, typ, hint string }{
		{search.ParamText, "search.label.q", "search", "search.hint.q"},
		{search.ParamPlace, "search.label.ort", "text", ""},
		{search.ParamAge, "search.label.age", "number", ""},
		{search.ParamBirthDate, "search.label.birth_date", "date", "search.hint.birth_date"},
	} {
		fv := fieldView{Name: f.name, Label: l.T(f.label), Type: f.typ, Value: d.Values[f.name], Error: d.Errors[f.name]}
		if f.hint != "" {
			fv.Hint = l.T(f.hint)
		}
		d.F[f.name] = fv
	}
	d.Radii = []option{{Value: "", Label: l.T("search.radius.any"), Selected: d.Values[search.ParamRadius] == ""}}
	for _, km := range []string{"1", "2", "5", "10", "20", "50"} {
		d.Radii = append(d.Radii, option{Value: km, Label: l.T("search.radius.km", map[string]any{"Km": km}),
			Selected: d.Values[search.ParamRadius] == km})
	}
	if v := d.Values[search.ParamRadius]; v != "" && !slices.ContainsFunc(d.Radii, func(o option) bool { return o.Value == v }) {
		// A radius typed into the address stays visible, so its message has something to refer to.
		d.Radii = append(d.Radii, option{Value: v, Label: v + " km", Selected: true})
	}
	d.Weekdays = []option{{Value: "", Label: l.T("search.weekday.any"), Selected: d.Values[search.ParamWeekday] == ""}}
	for i := 1; i <= 7; i++ {
		v := strconv.Itoa(i)
		d.Weekdays = append(d.Weekdays, option{Value: v, Label: l.T("weekday.long." + v), Selected: d.Values[search.ParamWeekday] == v})
	}
}

// searchPager links the pages of results; the links keep every filter.
func searchPager(r *http.Request, page, pages, total int) pager {
	p := pager{Page: page, Pages: pages, Total: total}
	link := func(n int) string {
		q := r.URL.Query()
		q.Del("lang")
		if n == 1 {
			q.Del(search.ParamPage)
		} else {
			q.Set(search.ParamPage, strconv.Itoa(n))
		}
		return (&url.URL{Path: r.URL.Path, RawQuery: q.Encode(), Fragment: "ergebnisse"}).String()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	return p
}

// resultMap is the server-drawn map of one page of results: a numbered dot per offer location, the same
// numbers as the list, and the search point.
type resultMap struct {
	ViewBox, Title string
	Dots           []mapDot
	You            *mapDot
	// Live is set when Leaflet is built in: static/map.js then offers the interactive map of the same dots.
	Live *liveMap
}

type mapDot struct {
	X, Y       string
	Lat, Lon   string // for the interactive map
	N          int
	Href, Name string
}

// liveMap is what static/map.js needs to open the interactive map: our own copies of Leaflet, loaded only when
// the visitor asks for the map, and the tile server with its credit.
type liveMap struct {
	Script, JS, CSS                    string
	Tiles, Attribution, AttributionURL string
}

func (s *server) liveMap() *liveMap {
	return &liveMap{Script: s.static.url("map.js"), JS: s.static.url(leafletJS), CSS: s.static.url(leafletCSS),
		Tiles: s.tiles.URL, Attribution: s.tiles.Attribution, AttributionURL: s.tiles.AttributionURL}
}

// latLon writes a coordinate with five decimals (about a metre), as the map script reads it.
func latLon(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }

// newResultMap projects the results' locations; without any located result there is no map.
func newResultMap(found []search.Found, first int, p search.Params, l *i18n.Localizer) *resultMap {
	var b orb.Bound
	n := 0
	extend := func(lat, lon float64) {
		pt := orb.Point{lon, lat}
		if n == 0 {
			b = pt.Bound()
		} else {
			b = b.Extend(pt)
		}
		n++
	}
	for _, f := range found {
		for _, loc := range f.Doc.Locations {
			extend(loc.Latitude, loc.Longitude)
		}
	}
	if n == 0 {
		return nil
	}
	if p.Query.HasPoint {
		extend(p.Query.Lat, p.Query.Lon)
	}
	b = b.Pad(0.005) // a single point still gets a map around it
	proj := newProjection(b, 400, 16)
	m := &resultMap{ViewBox: proj.viewBox(), Title: l.T("search.map.heading")}
	for i, f := range found {
		for _, loc := range f.Doc.Locations {
			x, y := proj.point(orb.Point{loc.Longitude, loc.Latitude})
			m.Dots = append(m.Dots, mapDot{X: coord(x), Y: coord(y), N: first + i, Href: "/angebote/" + f.Doc.Offer.ID.String(),
				Name: f.Doc.Offer.Name, Lat: latLon(loc.Latitude), Lon: latLon(loc.Longitude)})
		}
	}
	if p.Query.HasPoint {
		x, y := proj.point(orb.Point{p.Query.Lon, p.Query.Lat})
		m.You = &mapDot{X: coord(x), Y: coord(y), Name: l.T("search.map.you"), Lat: latLon(p.Query.Lat), Lon: latLon(p.Query.Lon)}
	}
	return m
}

// formatKm writes a distance with one decimal in the language's notation (1,4 km in German).
func formatKm(lang string, km float64) string {
	s := strconv.FormatFloat(math.Round(km*10)/10, 'f', 1, 64)
	if lang == "de" || lang == "tr" || lang == "uk" || lang == "ru" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// searchLogDays is the period the coordinators' view of the search log covers.
const searchLogDays = 90

// searchLogTop bounds the topics shown.
const searchLogTop = 20

// searchLogData is the coordinators' view of what families searched in their Kommune.
type searchLogData struct {
	base
	Kommune    string
	Days       int
	Searches   int
	Zero       int
	Top, Zeros []topicRow
	TopChart   template.HTML
	ZeroChart  template.HTML
}

type topicRow struct {
	Label          string
	Searches, Zero int
}

// searchLogPage shows a Kommune's most searched topics and the searches that found nothing, as charts with
// their numbers as tables. Signed-in users of the Kommune or its Land only; anything else is not found.
func (s *server) searchLogPage(r *http.Request, lang string) (string, any, error) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		return "", nil, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	ags, err := pathAGS(r)
	if err != nil {
		return "", nil, err
	}
	scope := p.Scope()
	// Coordinators of the Kommune and the Land; a provider editor's scope (limited to organizations) is not
	// about the Kommune's demand.
	if scope.Limited() || scope.Kind != tenant.KindKommune && scope.Kind != tenant.KindLand && scope.Kind != tenant.KindSystem {
		return "", nil, errs.E(errs.NotFound, "error.not_found")
	}
	ctx := r.Context()
	k, err := s.store.GetKommuneByAGS(ctx, scope, ags)
	if err != nil {
		return "", nil, err
	}
	topics, err := s.store.SearchTopics(ctx, scope, k.ID, time.Now().AddDate(0, 0, -searchLogDays))
	if err != nil {
		return "", nil, err
	}
	l := s.i18n.For(lang)
	d := searchLogData{base: s.newBase(r, lang, l.T("searchlog.title", map[string]any{"Name": k.Name})), Kommune: k.Name,
		Days: searchLogDays}
	d.Crumbs = s.trail(lang, crumb{Name: k.Name, Href: kommuneHref(k)}, crumb{Name: l.T("searchlog.link")})
	for _, t := range topics {
		if t.Topic == store.TopicAll {
			d.Searches, d.Zero = t.Searches, t.ZeroResults
			continue
		}
		row := topicRow{Label: s.topicLabel(l, lang, t.Topic), Searches: t.Searches, Zero: t.ZeroResults}
		if len(d.Top) < searchLogTop {
			d.Top = append(d.Top, row)
		}
		if t.ZeroResults > 0 {
			d.Zeros = append(d.Zeros, row)
		}
	}
	slices.SortStableFunc(d.Zeros, func(a, b topicRow) int { return b.Zero - a.Zero })
	d.Zeros = d.Zeros[:min(len(d.Zeros), searchLogTop)]
	if len(d.Top) > 0 {
		bar := chart.Bar{Title: l.T("searchlog.chart.top"), Desc: l.T("searchlog.top.heading")}
		for _, t := range d.Top {
			bar.Items = append(bar.Items, chart.BarItem{Label: t.Label, Value: float64(t.Searches)})
		}
		d.TopChart = bar.SVG()
	}
	if len(d.Zeros) > 0 {
		bar := chart.Bar{Title: l.T("searchlog.chart.zero"), Desc: l.T("searchlog.zero.intro")}
		for _, t := range d.Zeros {
			bar.Items = append(bar.Items, chart.BarItem{Label: t.Label, Value: float64(t.Zero), Class: "gap"})
		}
		d.ZeroChart = bar.SVG()
	}
	return "searchlog", d, nil
}

// topicLabel names a logged topic for people: a search word, or a filter with its label ("Lebensphase: 0–3").
func (s *server) topicLabel(l *i18n.Localizer, lang, topic string) string {
	dim, value, isFilter := strings.Cut(topic, ":")
	if !isFilter {
		return l.T("searchlog.topic.word", map[string]any{"Word": topic})
	}
	tax := s.store.Taxonomies()
	var filter string
	switch dim {
	case "phase":
		filter, value = l.T("search.label.phase"), tax.Label(taxonomy.Phase, value, lang)
	case "field":
		filter, value = l.T("search.label.field"), tax.Label(taxonomy.Field, value, lang)
	case "target":
		filter, value = l.T("search.label.target"), tax.Label(taxonomy.TargetGroup, value, lang)
	case "transition":
		filter, value = l.T("search.label.transition"), tax.Label(taxonomy.Transition, value, lang)
	case "lang":
		filter, value = l.T("search.label.lang"), tax.Label(taxonomy.Language, value, lang)
	case "organization_kind":
		filter, value = l.T("search.label.organization_kind"), tax.Label(taxonomy.OrganizationKind, value, lang)
	case "access":
		filter, value = l.T("search.label.access"), l.T("access."+value)
	case "delivery":
		filter, value = l.T("search.label.delivery"), l.T("delivery."+value)
	case "free":
		return l.T("search.label.free")
	case "open_now":
		return l.T("search.label.open_now")
	case "weekday":
		filter, value = l.T("search.label.weekday"), l.T("weekday.long."+value)
	case "age_years":
		filter = l.T("searchlog.topic.age")
	case "radius_km":
		filter, value = l.T("search.label.radius"), l.T("search.radius.km", map[string]any{"Km": value})
	default:
		filter = dim
	}
	return l.T("searchlog.topic.filter", map[string]any{"Filter": filter, "Value": value})
}
