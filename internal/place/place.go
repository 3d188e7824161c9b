// Package place answers "where am I" from the catalogue's own data: a postcode resolves to the mean position of
// the known locations with that postcode, a place name to its Kommune (the area-weighted centroid of its
// Sozialräume), to a Sozialraum (its centroid) or to a city of the addresses. No external geocoder is needed,
// and nothing a family types leaves the server. The gazetteer is small (one entry per postcode, Kommune, Area
// and city) and built in memory from the store; Build it again to pick up new locations.
//
// Names are compared folded: lower case, umlauts as ae/oe/ue, ß as ss, punctuation as spaces, and generic
// words of official names ("Landeshauptstadt", "Hansestadt", ", Stadt") dropped, so "lueneburg" finds
// "Hansestadt Lüneburg". The folding is the search index's (internal/search/german), so a place and a search
// word are compared alike.
package place

import (
	"context"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/search/german"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// Kind says what a Match is.
type Kind string

const (
	Postcode Kind = "postcode"
	Kommune  Kind = "kommune"
	Area     Kind = "area"
	City     Kind = "city"
)

// kindRank orders matches of equal quality: the most specific first.
var kindRank = map[Kind]int{Postcode: 0, Area: 1, Kommune: 2, City: 3}

// Match is a resolved place.
type Match struct {
	Kind      Kind       `json:"kind"`
	Name      string     `json:"name"`
	Latitude  float64    `json:"latitude"`
	Longitude float64    `json:"longitude"`
	KommuneID uuid.UUID  `json:"kommune_id"`
	AreaID    *uuid.UUID `json:"area_id,omitempty"`
	weight    int        // locations behind the entry, to prefer the bigger of two equal names
}

// Gazetteer resolves places.
type Gazetteer struct {
	postcodes map[string]Match
	names     []named
}

type named struct {
	keys  []string // folded forms of the name
	match Match
}

// maxQuery bounds what Resolve reads; no German place name is longer.
const maxQuery = 100

// Build reads the gazetteer of the Kommunen visible in scope from the store.
func Build(ctx context.Context, s *store.Store, scope tenant.Scope) (*Gazetteer, error) {
	kommunen, err := s.ListKommunen(ctx, scope)
	if err != nil {
		return nil, err
	}
	centroids, err := s.PostcodeCentroids(ctx, scope)
	if err != nil {
		return nil, err
	}
	g := &Gazetteer{postcodes: map[string]Match{}}
	g.addPostcodes(centroids)
	for _, k := range kommunen {
		areas, err := s.ListAreas(ctx, scope, k.ID)
		if err != nil {
			return nil, err
		}
		g.addKommune(k.Kommune, areas, centroids)
	}
	return g, nil
}

// addPostcodes adds one entry per postcode and one per city, each the location-weighted mean position.
func (g *Gazetteer) addPostcodes(cs []store.PostcodeCentroid) {
	type acc struct {
		lat, lon float64
		n        int
		kommune  uuid.UUID
		name     string
	}
	byCode, byCity := map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, key, name string, c store.PostcodeCentroid) {
		a := m[key]
		if a == nil {
			a = &acc{kommune: c.KommuneID, name: name}
			m[key] = a
		}
		a.lat += c.Latitude * float64(c.Locations)
		a.lon += c.Longitude * float64(c.Locations)
		a.n += c.Locations
	}
	for _, c := range cs {
		add(byCode, c.PostalCode, c.PostalCode+" "+c.City, c)
		add(byCity, fold(c.City)+"|"+c.KommuneID.String(), c.City, c)
	}
	for code, a := range byCode {
		g.postcodes[code] = Match{Kind: Postcode, Name: a.name, Latitude: a.lat / float64(a.n),
			Longitude: a.lon / float64(a.n), KommuneID: a.kommune, weight: a.n}
	}
	for _, a := range byCity {
		g.addName(a.name, Match{Kind: City, Name: a.name, Latitude: a.lat / float64(a.n),
			Longitude: a.lon / float64(a.n), KommuneID: a.kommune, weight: a.n})
	}
}

// addKommune adds the Kommune at the centroid of its Sozialräume (or of its locations when it has none) and
// each Sozialraum at its own centroid.
func (g *Gazetteer) addKommune(k region.Kommune, areas []region.Area, cs []store.PostcodeCentroid) {
	var all orb.Collection
	for _, a := range areas {
		if a.Geometry == nil {
			continue
		}
		all = append(all, a.Geometry)
		c, _ := planar.CentroidArea(a.Geometry)
		id := a.ID
		g.addName(a.Name, Match{Kind: Area, Name: a.Name, Latitude: c.Lat(), Longitude: c.Lon(), KommuneID: k.ID,
			AreaID: &id, weight: a.Children.Total()})
	}
	m := Match{Kind: Kommune, Name: k.Name, KommuneID: k.ID}
	if len(all) > 0 {
		c, _ := planar.CentroidArea(all)
		m.Latitude, m.Longitude = c.Lat(), c.Lon()
	} else if lat, lon, ok := meanOf(cs, k.ID); ok {
		m.Latitude, m.Longitude = lat, lon
	} else {
		return // nothing known about where it is
	}
	g.addName(k.Name, m)
}

func meanOf(cs []store.PostcodeCentroid, kommune uuid.UUID) (lat, lon float64, ok bool) {
	n := 0
	for _, c := range cs {
		if c.KommuneID == kommune {
			lat += c.Latitude * float64(c.Locations)
			lon += c.Longitude * float64(c.Locations)
			n += c.Locations
		}
	}
	if n == 0 {
		return 0, 0, false
	}
	return lat / float64(n), lon / float64(n), true
}

func (g *Gazetteer) addName(name string, m Match) {
	g.names = append(g.names, named{keys: nameKeys(name), match: m})
}

// Resolve finds the places a query names, best first: a five-digit postcode, or a name matched exactly, then
// by its beginning. An unknown place gives no matches and no error; a query that cannot be a place is invalid.
func (g *Gazetteer) Resolve(query string) ([]Match, error) {
	q := strings.TrimSpace(query)
	if err := validate(q); err != nil {
		return nil, err
	}
	if isDigits(q) {
		if m, ok := g.postcodes[q]; ok {
			return []Match{m}, nil
		}
		return nil, nil
	}
	return g.byName(fold(q)), nil
}

func validate(q string) error {
	var v errs.Validation
	switch {
	case q == "":
		v.Add("ort", "validation.place_empty", nil)
	case len(q) > maxQuery:
		v.Add("ort", "validation.place_too_long", map[string]any{"Max": maxQuery})
	case isDigits(q) && len(q) != 5:
		v.Add("ort", "validation.postcode", nil)
	}
	return v.Err()
}

// byName ranks exact key matches before prefix matches (at least three letters), then the more specific kind,
// then the bigger place.
func (g *Gazetteer) byName(q string) []Match {
	if q == "" {
		return nil
	}
	type hit struct {
		m       Match
		quality int
	}
	var hits []hit
	for _, n := range g.names {
		best := -1
		for _, k := range n.keys {
			switch {
			case k == q:
				best = max(best, 1)
			case len(q) >= 3 && strings.HasPrefix(k, q):
				best = max(best, 0)
			}
		}
		if best >= 0 {
			hits = append(hits, hit{n.match, best})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.quality != b.quality {
			return a.quality > b.quality
		}
		if kindRank[a.m.Kind] != kindRank[b.m.Kind] {
			return kindRank[a.m.Kind] < kindRank[b.m.Kind]
		}
		if a.m.weight != b.m.weight {
			return a.m.weight > b.m.weight
		}
		return a.m.Name < b.m.Name
	})
	out := make([]Match, len(hits))
	for i, h := range hits {
		out[i] = h.m
	}
	return out
}

// generic words of official place names that nobody types.
var generic = map[string]bool{"stadt": true, "landeshauptstadt": true, "hansestadt": true, "freie": true,
	"kreisfreie": true, "landkreis": true, "kreis": true, "region": true, "universitaetsstadt": true,
	"wissenschaftsstadt": true, "oldb": true}

// nameKeys are the folded forms a name is found by: all of it, and without the generic words.
func nameKeys(name string) []string {
	full := fold(name)
	var kept []string
	for _, w := range strings.Fields(full) {
		if !generic[w] {
			kept = append(kept, w)
		}
	}
	keys := []string{full}
	if short := strings.Join(kept, " "); short != "" && short != full {
		keys = append(keys, short)
	}
	return keys
}

// fold compares names the way the search index compares words (german.Fold), with single spaces.
func fold(s string) string { return strings.Join(strings.Fields(german.Fold(s)), " ") }

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
