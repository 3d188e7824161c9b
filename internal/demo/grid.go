package demo

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"
)

// Cell is one Sozialraum-sized quadrilateral of a jittered lattice. Neighbouring cells share their corner
// vertices, so the cells of one lattice tile the plane without overlapping.
type Cell struct {
	Col, Row int
	Polygon  orb.Polygon
	corners  [4]orb.Point // south-west, south-east, north-east, north-west
}

// Point returns the point at (u, v) ∈ (0,1)² of the cell by bilinear interpolation of its corners; since the
// jitter keeps every cell convex, the point lies inside the cell.
func (c Cell) Point(u, v float64) (lat, lon float64) {
	sw, se, ne, nw := c.corners[0], c.corners[1], c.corners[2], c.corners[3]
	x := (1-u)*(1-v)*sw[0] + u*(1-v)*se[0] + u*v*ne[0] + (1-u)*v*nw[0]
	y := (1-u)*(1-v)*sw[1] + u*(1-v)*se[1] + u*v*ne[1] + (1-u)*v*nw[1]
	return y, x
}

// Centre is the mean of the cell's corners.
func (c Cell) Centre() (lat, lon float64) { return c.Point(0.5, 0.5) }

// Lattice returns the n cells nearest to (lat, lon) of a lattice with cells of about cellKm × cellKm, ordered by
// their distance from the centre (the first cell contains the centre). Each shared vertex is moved by up to a
// fifth of the spacing on each axis: that keeps every cell convex (a reflex corner would need more than 0.3) and
// the cells of one lattice disjoint. The same r state gives the same lattice.
func Lattice(r *rand.Rand, lat, lon, cellKm float64, n int) []Cell {
	side := int(math.Ceil(math.Sqrt(float64(n)))) + 1
	if side%2 == 0 {
		side++ // odd, so a cell sits on the centre
	}
	dLat := cellKm / 111.32
	dLon := cellKm / (111.32 * math.Cos(lat*math.Pi/180))
	half := float64(side) / 2
	verts := make([][]orb.Point, side+1)
	for i := range verts {
		verts[i] = make([]orb.Point, side+1)
		for j := range verts[i] {
			jx, jy := 0.0, 0.0
			if i > 0 && i < side && j > 0 && j < side {
				jx, jy = (r.Float64()*2-1)*0.2, (r.Float64()*2-1)*0.2
			} else {
				r.Float64()
				r.Float64()
			}
			verts[i][j] = orb.Point{lon + (float64(i)-half+jx)*dLon, lat + (float64(j)-half+jy)*dLat}
		}
	}
	cells := make([]Cell, 0, side*side)
	for i := range side {
		for j := range side {
			c := Cell{Col: i, Row: j, corners: [4]orb.Point{verts[i][j], verts[i+1][j], verts[i+1][j+1], verts[i][j+1]}}
			c.Polygon = orb.Polygon{orb.Ring{c.corners[0], c.corners[1], c.corners[2], c.corners[3], c.corners[0]}}
			cells = append(cells, c)
		}
	}
	mid := float64(side-1) / 2
	dist := func(c Cell) float64 {
		dx, dy := float64(c.Col)-mid, float64(c.Row)-mid
		return dx*dx + dy*dy*1.01 + float64(c.Col)*1e-6 // stable tie-break
	}
	slices.SortStableFunc(cells, func(a, b Cell) int {
		switch da, db := dist(a), dist(b); {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	return cells[:n]
}
