package search

import (
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/search/german"
	"github.com/kette-org/kette/internal/taxonomy"
)

// Query is one search. Zero fields do not filter. Within one filter list the values are alternatives (phase
// 0–3 or 3–6); different filters must all hold.
type Query struct {
	Text              string
	Phases            []string // taxonomy phase codes
	Fields            []string
	TargetGroups      []string
	Transitions       []string
	Languages         []string // ISO 639-1
	Access            []string // catalog.Access*
	Delivery          []string // catalog.Delivery*
	OrganizationKinds []string
	KommuneIDs        []uuid.UUID
	AreaIDs           []uuid.UUID
	Free              bool // free of charge only
	AgeMonths         *int // the child's age: offers whose age range contains it (open ends match)
	Weekday           int  // 1 Monday … 7 Sunday: offers with weekly hours on that day
	OpenNow           bool // open at Now: weekly hours (not on a public holiday of the offer's Land) or an event
	Lat, Lon          float64
	HasPoint          bool    // Lat/Lon are set: distances are computed and ranking prefers near offers
	RadiusKm          float64 // with a point: only offers within this distance
	Page              int     // 1-based; 0 is 1
	PerPage           int     // 0 is DefaultPerPage
	Now               time.Time
	Explain           bool // fill Hit.Explain
	// Facets are the dimensions whose counts the search returns (see Dimensions); empty counts all. An
	// answer that shows no places leaves out DimKommune and DimArea, which saves counting them.
	Facets []string
}

// Limits of a query.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	MaxPage        = 1000
	MaxTextRunes   = 200
	MaxValues      = 50
	MaxAgeMonths   = 12 * 27
	MaxRadiusKm    = 1000
)

// Result is one page of hits with the total and the facet counts over all hits.
type Result struct {
	Total  int
	Hits   []Hit
	Facets map[string][]FacetCount
}

// Hit is one offer found.
type Hit struct {
	OfferID    uuid.UUID
	Score      float64
	DistanceKm float64 // -1 without a query point
	Explain    string  // why it ranks where it does, when Query.Explain is set
}

// FacetCount is how many hits have a value of a facet dimension.
type FacetCount struct {
	Value string
	Count int
}

// Validate checks a query and names every bad field with an i18n message id of locales/search.*.json. Field
// names are those of the search API's parameters.
func (q *Query) Validate(tax *taxonomy.Set) error {
	var v errs.Validation
	if utf8.RuneCountInString(q.Text) > MaxTextRunes {
		v.Add("q", "search.text_too_long", map[string]any{"Max": MaxTextRunes})
	}
	codes := func(field, taxo string, values []string, known func(string) bool) {
		if len(values) > MaxValues {
			v.Add(field, "search.too_many_values", map[string]any{"Max": MaxValues})
			return
		}
		for _, c := range values {
			if !known(c) {
				v.Add(field, "search.unknown_code", map[string]any{"Value": truncate(c, 40)})
				return
			}
		}
	}
	inTax := func(taxo string) func(string) bool {
		return func(c string) bool { return tax != nil && tax.Has(taxo, c) }
	}
	codes("phase", taxonomy.Phase, q.Phases, inTax(taxonomy.Phase))
	codes("field", taxonomy.Field, q.Fields, inTax(taxonomy.Field))
	codes("target", taxonomy.TargetGroup, q.TargetGroups, inTax(taxonomy.TargetGroup))
	codes("transition", taxonomy.Transition, q.Transitions, inTax(taxonomy.Transition))
	codes("lang", taxonomy.Language, q.Languages, inTax(taxonomy.Language))
	codes("organization_kind", taxonomy.OrganizationKind, q.OrganizationKinds, inTax(taxonomy.OrganizationKind))
	codes("access", "", q.Access, func(c string) bool { return slices.Contains(catalog.AccessKinds, c) })
	codes("delivery", "", q.Delivery, func(c string) bool { return slices.Contains(catalog.Deliveries, c) })
	if len(q.KommuneIDs) > MaxValues {
		v.Add("kommune", "search.too_many_values", map[string]any{"Max": MaxValues})
	}
	if len(q.AreaIDs) > MaxValues {
		v.Add("area", "search.too_many_values", map[string]any{"Max": MaxValues})
	}
	q.validateNumbers(&v)
	return v.Err()
}

func (q *Query) validateNumbers(v *errs.Validation) {
	if q.AgeMonths != nil && (*q.AgeMonths < 0 || *q.AgeMonths > MaxAgeMonths) {
		v.Add("age_months", "search.age_range", map[string]any{"Max": MaxAgeMonths})
	}
	if q.Weekday < 0 || q.Weekday > 7 {
		v.Add("weekday", "search.weekday", nil)
	}
	if q.HasPoint && (q.Lat < -90 || q.Lat > 90 || q.Lat != q.Lat) {
		v.Add("lat", "search.latitude", nil)
	}
	if q.HasPoint && (q.Lon < -180 || q.Lon > 180 || q.Lon != q.Lon) {
		v.Add("lon", "search.longitude", nil)
	}
	switch {
	case q.RadiusKm < 0 || q.RadiusKm > MaxRadiusKm || q.RadiusKm != q.RadiusKm:
		v.Add("radius_km", "search.radius", map[string]any{"Max": MaxRadiusKm})
	case q.RadiusKm > 0 && !q.HasPoint:
		v.Add("radius_km", "search.radius_needs_point", nil)
	}
	if q.Page < 0 || q.Page > MaxPage {
		v.Add("page", "search.page", map[string]any{"Max": MaxPage})
	}
	if q.PerPage < 0 || q.PerPage > MaxPerPage {
		v.Add("per_page", "search.per_page", map[string]any{"Max": MaxPerPage})
	}
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Terms lists, for every word of text, the indexed stems it matches (exactly, as the head of a compound or
// as a typo) the way Search looks them up; a word with no stems finds nothing. A benchmark uses it to ask
// another engine the same question.
func (x *Index) Terms(text string) [][]string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	words := analyzeQuery(x.st.vocab, text)
	out := make([][]string, len(words))
	for i, w := range words {
		out[i] = []string{}
		for _, m := range w.terms {
			out[i] = append(out[i], x.st.vocab.terms[m.term])
		}
	}
	return out
}

// Analyze is the text analysis of the index: the stems of the words of text, in order, as a document's
// title or body is indexed.
func Analyze(text string) []string {
	words := german.Words(text)
	for i, w := range words {
		words[i] = german.Stem(w)
	}
	return words
}
