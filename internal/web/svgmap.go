package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// projection maps WGS84 lon/lat onto SVG user units: equirectangular, longitudes scaled by the cosine of the
// mean latitude so that shapes keep their proportions at German latitudes, fitted with a margin into a box
// whose longer side is size, y growing downwards (north up).
type projection struct {
	minLon, maxLat float64
	kx, scale, pad float64
	width, height  float64
}

func newProjection(b orb.Bound, size, pad float64) projection {
	meanLat := (b.Min.Lat() + b.Max.Lat()) / 2
	kx := math.Cos(meanLat * math.Pi / 180)
	w, h := (b.Max.Lon()-b.Min.Lon())*kx, b.Max.Lat()-b.Min.Lat()
	extent := math.Max(w, h)
	if extent <= 0 {
		extent = 1
	}
	scale := (size - 2*pad) / extent
	return projection{minLon: b.Min.Lon(), maxLat: b.Max.Lat(), kx: kx, scale: scale, pad: pad,
		width: w*scale + 2*pad, height: h*scale + 2*pad}
}

// point projects one coordinate.
func (p projection) point(pt orb.Point) (x, y float64) {
	return p.pad + (pt.Lon()-p.minLon)*p.kx*p.scale, p.pad + (p.maxLat-pt.Lat())*p.scale
}

// viewBox is the SVG viewBox covering the projected bound with its margin.
func (p projection) viewBox() string {
	return "0 0 " + coord(p.width) + " " + coord(p.height)
}

// path draws a Polygon or MultiPolygon as SVG path data: one closed subpath per ring, so that holes cut out
// with fill-rule evenodd.
func (p projection) path(g orb.Geometry) string {
	var polys orb.MultiPolygon
	switch t := g.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		polys = t
	}
	var b strings.Builder
	for _, poly := range polys {
		for _, ring := range poly {
			for i, pt := range ring {
				if i == len(ring)-1 && len(ring) > 1 && pt.Equal(ring[0]) {
					break
				}
				if i == 0 {
					b.WriteString("M")
				} else {
					b.WriteString("L")
				}
				x, y := p.point(pt)
				b.WriteString(coord(x) + " " + coord(y))
			}
			b.WriteString("Z")
		}
	}
	return b.String()
}

// label is where an Area's name goes: its centroid.
func (p projection) label(g orb.Geometry) (x, y float64) {
	c, _ := planar.CentroidArea(g)
	return p.point(c)
}

// coord writes a user-unit number with one decimal, without a trailing ".0".
func coord(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

// svgMap is a drawn set of Areas.
type svgMap struct {
	ViewBox string
	Areas   []mapArea
}

type mapArea struct {
	Href, Name, Key, Title string
	D                      string
	X, Y                   string
	Shade                  int // 0 (lightest) … 3
}

// boundOf is the bound of several geometries.
func boundOf(gs []orb.Geometry) (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	for _, g := range gs {
		if g == nil {
			continue
		}
		if !ok {
			b, ok = g.Bound(), true
		} else {
			b = b.Union(g.Bound())
		}
	}
	return b, ok
}
