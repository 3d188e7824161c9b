package search

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/place"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// The URL parameters of a search, shared by the page /angebote and GET /api/v1/offers, so a search is one
// bookmarkable URL and both doors give the same results. List parameters may repeat (phase=a&phase=b, as
// checkboxes send them) or hold comma-separated values; empty values are ignored, as forms send them.
//
//	q                   free text
//	ort                 a postcode or place name, resolved from the catalogue's own data (sets the point)
//	lat, lon            the point itself (decimal degrees); both or neither
//	radius_km           only offers within this distance of the point
//	age_months          the child's age in months, or
//	birth_date          the child's birth date (YYYY-MM-DD or DD.MM.YYYY); the age is counted from it
//	phase, field, target, transition, access, delivery, organization_kind   codes of the taxonomies
//	lang                the offer's language (ISO 639-1); on the page "sprache", since ?lang= picks the UI language
//	kommune, area       ids
//	free                1/true/on/ja: free of charge only
//	open_now            1/true/on/ja: open now
//	weekday             1 (Monday) … 7 (Sunday)
//	page, per_page      paging, 1-based
const (
	ParamText      = "q"
	ParamPlace     = "ort"
	ParamLat       = "lat"
	ParamLon       = "lon"
	ParamRadius    = "radius_km"
	ParamAge       = "age_months"
	ParamBirthDate = "birth_date"
	ParamFree      = "free"
	ParamOpenNow   = "open_now"
	ParamWeekday   = "weekday"
	ParamPage      = "page"
	ParamPerPage   = "per_page"
)

// Params are a parsed search: the query and the place it was asked from, if any.
type Params struct {
	Query Query
	// Place is the resolved ort parameter; nil without one. The search log keeps its Kommune or Sozialraum,
	// never the text.
	Place *place.Match
}

// ParseOptions say how to read the parameters.
type ParseOptions struct {
	// LangParam names the offer-language parameter: "lang" in the API, "sprache" on the page.
	LangParam string
	// Now is the time for the age from a birth date and for "open now"; zero is time.Now.
	Now time.Time
	// Zone is the time zone of birth dates; nil is UTC.
	Zone *time.Location
}

// Places resolves a postcode or place name (place.Gazetteer, or PlaceCache).
type Places interface {
	Resolve(query string) ([]place.Match, error)
}

// maxRawParam bounds what is read of any one parameter before it is checked, so a 10 KB value costs nothing.
const maxRawParam = 4 * MaxTextRunes

// ParseParams reads a search from URL parameters and validates it against tax. Every bad parameter is a
// field error (errs.Invalid) named by its parameter and worded in search.*.json; nothing here answers 500.
// places may be nil when no ort is expected; an ort then is an error.
func ParseParams(v url.Values, tax *taxonomy.Set, places Places, opt ParseOptions) (Params, error) {
	if opt.LangParam == "" {
		opt.LangParam = "lang"
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Zone == nil {
		opt.Zone = time.UTC
	}
	p := Params{Query: Query{Now: opt.Now}}
	q := &p.Query
	var ve errs.Validation
	get := func(name string) string { return strings.TrimSpace(v.Get(name)) }

	q.Text = strings.TrimSpace(v.Get(ParamText))
	if len(q.Text) > maxRawParam {
		q.Text = q.Text[:maxRawParam] // still too long for Validate, which names the limit
	}
	q.Phases = list(v, "phase")
	q.Fields = list(v, "field")
	q.TargetGroups = list(v, "target")
	q.Transitions = list(v, "transition")
	q.Languages = list(v, opt.LangParam)
	q.Access = list(v, "access")
	q.Delivery = list(v, "delivery")
	q.OrganizationKinds = list(v, "organization_kind")
	q.KommuneIDs = ids(v, "kommune", &ve)
	q.AreaIDs = ids(v, "area", &ve)
	q.Free = flag(get(ParamFree), ParamFree, &ve)
	q.OpenNow = flag(get(ParamOpenNow), ParamOpenNow, &ve)
	q.Weekday = integer(get(ParamWeekday), ParamWeekday, "search.weekday", nil, &ve)
	q.Page = integer(get(ParamPage), ParamPage, "search.page", map[string]any{"Max": MaxPage}, &ve)
	q.PerPage = integer(get(ParamPerPage), ParamPerPage, "search.per_page", map[string]any{"Max": MaxPerPage}, &ve)
	if s := get(ParamRadius); s != "" {
		q.RadiusKm = number(s, ParamRadius, "search.radius", map[string]any{"Max": MaxRadiusKm}, &ve)
	}
	age(get(ParamAge), get(ParamBirthDate), opt, q, &ve)

	lat, lon := get(ParamLat), get(ParamLon)
	switch {
	case lat != "" || lon != "":
		if lat == "" || lon == "" {
			ve.Add(ParamLat, "search.point_incomplete", nil)
			break
		}
		q.Lat = number(lat, ParamLat, "search.latitude", nil, &ve)
		q.Lon = number(lon, ParamLon, "search.longitude", nil, &ve)
		q.HasPoint = true
	case get(ParamPlace) != "":
		m, err := resolve(get(ParamPlace), places, &ve)
		if err != nil {
			return p, err
		}
		p.Place = m
		if p.Place != nil {
			q.Lat, q.Lon, q.HasPoint = p.Place.Latitude, p.Place.Longitude, true
		}
	}
	if q.RadiusKm > 0 && !q.HasPoint && get(ParamPlace) != "" {
		q.RadiusKm = 0 // the place was not found: that is the message, not the radius
	}
	ve.Merge("", q.Validate(tax))
	if err := ve.Err(); err != nil {
		return p, renameField(err, "lang", opt.LangParam)
	}
	return p, nil
}

// list reads a repeated or comma-separated parameter.
func list(v url.Values, name string) []string {
	var out []string
	for _, raw := range v[name] {
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, truncate(s, maxRawParam))
			}
		}
	}
	return out
}

func ids(v url.Values, name string, ve *errs.Validation) []uuid.UUID {
	var out []uuid.UUID
	for _, s := range list(v, name) {
		id, err := uuid.Parse(s)
		if err != nil {
			ve.Add(name, "search.unknown_code", map[string]any{"Value": truncate(s, 40)})
			return nil
		}
		out = append(out, id)
	}
	return out
}

func flag(s, name string, ve *errs.Validation) bool {
	switch strings.ToLower(s) {
	case "", "0", "false", "off", "nein":
		return false
	case "1", "true", "on", "ja", "yes":
		return true
	}
	ve.Add(name, "search.flag", nil)
	return false
}

func integer(s, name, msg string, data map[string]any, ve *errs.Validation) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		ve.Add(name, msg, data)
		return 0
	}
	return n
}

// number reads a decimal number, with a decimal comma too ("2,5"), as Germans write it.
func number(s, name, msg string, data map[string]any, ve *errs.Validation) float64 {
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		ve.Add(name, msg, data)
		return 0
	}
	if f < 0 && name == ParamRadius {
		ve.Add(name, msg, data)
		return 0
	}
	return f
}

// age sets the child's age from age_months or birth_date (not both).
func age(months, birth string, opt ParseOptions, q *Query, ve *errs.Validation) {
	switch {
	case months != "" && birth != "":
		ve.Add(ParamAge, "search.age_twice", nil)
	case months != "":
		n, err := strconv.Atoi(months)
		if err != nil {
			ve.Add(ParamAge, "search.age_months", map[string]any{"Max": MaxAgeMonths})
			return
		}
		q.AgeMonths = &n // range checked by Validate
	case birth != "":
		d, ok := parseDate(birth, opt.Zone)
		now := opt.Now.In(opt.Zone)
		if !ok {
			ve.Add(ParamBirthDate, "search.birth_date", nil)
			return
		}
		if d.After(now) {
			ve.Add(ParamBirthDate, "search.birth_date_future", nil)
			return
		}
		n := MonthsBetween(d, now)
		if n > MaxAgeMonths {
			ve.Add(ParamBirthDate, "search.age_range", map[string]any{"Max": MaxAgeMonths})
			return
		}
		q.AgeMonths = &n
	}
}

func parseDate(s string, zone *time.Location) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "2.1.2006"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// MonthsBetween is the age in completed months of someone born at birth, at now: a child born on 31 January
// is one month old on 28 February only once the day is past, as people count.
func MonthsBetween(birth, now time.Time) int {
	n := (now.Year()-birth.Year())*12 + int(now.Month()) - int(birth.Month())
	if now.Day() < birth.Day() && now.Day() < daysIn(now) {
		n--
	}
	if n < 0 {
		return 0
	}
	return n
}

func daysIn(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, t.Location()).Day()
}

// resolve looks a place up; an unknown or malformed place is a field error, a failing gazetteer an error.
func resolve(s string, places Places, ve *errs.Validation) (*place.Match, error) {
	if places == nil {
		ve.Add(ParamPlace, "search.place_unknown", map[string]any{"Value": truncate(s, 40)})
		return nil, nil
	}
	matches, err := places.Resolve(s)
	if errs.Is(err, errs.Invalid) {
		ve.Merge("", err) // the gazetteer names the field "ort" itself
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(matches) == 0 {
		ve.Add(ParamPlace, "search.place_unknown", map[string]any{"Value": truncate(s, 40)})
		return nil, nil
	}
	return &matches[0], nil
}

// renameField gives a field error another parameter name (lang → sprache on the page).
func renameField(err error, from, to string) error {
	if from == to {
		return err
	}
	e := errs.As(err)
	var ve errs.Validation
	for _, f := range e.Fields {
		if f.Field == from {
			f.Field = to
		}
		ve.Add(f.Field, f.Message, f.Data)
	}
	return ve.Err()
}

// PlaceCache resolves places from a gazetteer of the public catalogue that it rebuilds when it is older than
// its lifetime, so new locations become findable without a restart and a search does not read the database.
type PlaceCache struct {
	store    *store.Store
	lifetime time.Duration
	mu       sync.Mutex
	g        *place.Gazetteer
	built    time.Time
}

// NewPlaceCache returns a cache over s; lifetime 0 is ten minutes.
func NewPlaceCache(s *store.Store, lifetime time.Duration) *PlaceCache {
	if lifetime == 0 {
		lifetime = 10 * time.Minute
	}
	return &PlaceCache{store: s, lifetime: lifetime}
}

// Resolve finds a place, building the gazetteer first when it is missing or old. A failing build keeps the
// old gazetteer, if any, and reports unavailable otherwise.
func (c *PlaceCache) Resolve(query string) ([]place.Match, error) {
	g, err := c.gazetteer()
	if err != nil {
		return nil, err
	}
	return g.Resolve(query)
}

func (c *PlaceCache) gazetteer() (*place.Gazetteer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.g != nil && time.Since(c.built) < c.lifetime {
		return c.g, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	g, err := place.Build(ctx, c.store, tenant.Public())
	if err != nil {
		if c.g != nil {
			return c.g, nil
		}
		return nil, &errs.Error{Code: errs.Unavailable, Message: "error.unavailable", Err: err}
	}
	c.g, c.built = g, time.Now()
	return g, nil
}

// Found is a hit with what a results list shows of it (see Index.Details).
type Found struct {
	Hit
	Doc       store.SearchDoc
	OpenToday bool // weekly hours or an event today, and today no public holiday of its Land
}
