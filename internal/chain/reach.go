package chain

import (
	"math"
	"slices"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// metresPerDegreeLat bounds the distance of a degree of latitude from below (it is 110.6–111.7 km on the
// ellipsoid; the haversine of orb/geo uses 111.3 km), so the quick test in near never rejects a site that
// the haversine would accept.
const metresPerDegreeLat = 110_000

// reach decides which Areas a location serves: the Area it lies in, and every Area whose centre lies within
// the distance. The centre is the polygon's centroid: the Areas hold no population grid, and for the compact
// Sozialräume of a city the centroid is a fair stand-in for the population centre.
type reach struct {
	ids     map[uuid.UUID]int // Area id → index
	centres []orb.Point       // nil geometry: no centre, only located-in counts
	hasGeom []bool
	metres  float64
}

func newReach(areas []region.Area, distanceKm float64) *reach {
	r := &reach{ids: make(map[uuid.UUID]int, len(areas)), centres: make([]orb.Point, len(areas)),
		hasGeom: make([]bool, len(areas)), metres: distanceKm * 1000}
	for i, a := range areas {
		r.ids[a.ID] = i
		if a.Geometry != nil {
			r.centres[i], _ = planar.CentroidArea(a.Geometry)
			r.hasGeom[i] = true
		}
	}
	return r
}

// inside returns the index of the Area a site lies in; ok is false outside every Area of the Kommune.
func (r *reach) inside(s store.ChainSite) (int, bool) {
	if s.AreaID == nil {
		return 0, false
	}
	i, ok := r.ids[*s.AreaID]
	return i, ok
}

// near reports whether a site lies within the distance of Area i's centre.
func (r *reach) near(s store.ChainSite, i int) bool {
	if !r.hasGeom[i] {
		return false
	}
	c := r.centres[i]
	if math.Abs(s.Latitude-c.Lat())*metresPerDegreeLat > r.metres {
		return false // cheap rejection before the haversine
	}
	return geo.DistanceHaversine(orb.Point{s.Longitude, s.Latitude}, c) <= r.metres
}

// serves marks in mark every Area an offer counts for. An offer counts in the Areas it names as service areas.
// Outreach offers (delivery "outreach": the family is visited at home or in the Kita) count only there when
// they name any, and in every Area of their Kommune when they name none. Other offers also count where their
// locations are in reach; online or phone offers without a location count nowhere else, as the chain is about
// help on site.
func (r *reach) serves(o store.ChainOffer, mark []bool) {
	clear(mark)
	for _, id := range o.ServiceAreas {
		if i, ok := r.ids[id]; ok {
			mark[i] = true
		}
	}
	if slices.Contains(o.Delivery, catalog.DeliveryOutreach) {
		if len(o.ServiceAreas) == 0 {
			for i := range mark {
				mark[i] = true
			}
		}
		return
	}
	for _, s := range o.Sites {
		if i, ok := r.inside(s); ok {
			mark[i] = true
		}
		for i := range mark {
			if !mark[i] && r.near(s, i) {
				mark[i] = true
			}
		}
	}
}
