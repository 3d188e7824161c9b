package region

import (
	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Locator finds the Area that contains a point. It checks bounding boxes first, then the polygons.
type Locator struct {
	areas []locatable
}

type locatable struct {
	id    uuid.UUID
	bound orb.Bound
	geom  orb.Geometry
}

// NewLocator prepares the areas of one Kommune for lookups.
func NewLocator(areas []Area) *Locator {
	l := &Locator{}
	for _, a := range areas {
		if a.Geometry == nil {
			continue
		}
		l.areas = append(l.areas, locatable{id: a.ID, bound: a.Geometry.Bound(), geom: a.Geometry})
	}
	return l
}

// Locate returns the id of the first Area containing (lat, lon); ok is false outside all Areas.
func (l *Locator) Locate(lat, lon float64) (uuid.UUID, bool) {
	pt := orb.Point{lon, lat}
	for _, a := range l.areas {
		if !a.bound.Contains(pt) {
			continue
		}
		switch g := a.geom.(type) {
		case orb.Polygon:
			if planar.PolygonContains(g, pt) {
				return a.id, true
			}
		case orb.MultiPolygon:
			if planar.MultiPolygonContains(g, pt) {
				return a.id, true
			}
		}
	}
	return uuid.Nil, false
}
