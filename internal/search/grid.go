package search

import "math"

// grid holds the documents' locations for radius searches, by cells of 1/gridStep degree (about 3.5 km
// north–south, 2.2 km east–west in Germany). It replaced an R-tree (github.com/tidwall/rtree): a radius of
// 25 km holds some 35,000 locations at a million offers, and walking the tree's nodes and calling back per
// location took two thirds of such a search. Here the locations of a cell lie side by side in two arrays, a
// search reads them in runs, and the grid holds no pointer but its map, so the garbage collector has next to
// nothing to trace. It is written here because no library keeps points this way with cheap updates.
//
// A cell's locations are a span of pts and items with room to grow; a cell that outgrows its room moves to
// the end of the arrays with twice the room, and the room it leaves is counted in stale until compact.
type grid struct {
	cells map[uint32]uint32 // cell key (see cellKey) → index in spans
	spans []gridSpan
	pts   [][2]float64 // (lat, lon)
	items []uint32     // geoItem of each location
	stale int          // locations' room left behind by moved cells
}

type gridSpan struct{ off, n, room uint32 }

const gridStep = 32

func newGrid() grid { return grid{cells: map[uint32]uint32{}} }

// cellRow and cellCol are a coordinate's row and column of cells, from the south pole and the antimeridian.
func cellRow(lat float64) uint32 { return uint32(min(max((lat+90)*gridStep, 0), 180*gridStep)) }
func cellCol(lon float64) uint32 { return uint32(min(max((lon+180)*gridStep, 0), 360*gridStep)) }

func cellKey(row, col uint32) uint32 { return row<<16 | col }

// insert adds a location of item.
func (g *grid) insert(lat, lon float64, item uint32) {
	key := cellKey(cellRow(lat), cellCol(lon))
	i, ok := g.cells[key]
	if !ok {
		i = uint32(len(g.spans))
		g.cells[key] = i
		g.spans = append(g.spans, g.grow(gridSpan{}, 4))
	}
	s := &g.spans[i]
	if s.n == s.room {
		*s = g.grow(*s, 2*s.room)
	}
	g.pts[s.off+s.n], g.items[s.off+s.n] = [2]float64{lat, lon}, item
	s.n++
}

// grow moves span s to the end of the arrays with room for n locations.
func (g *grid) grow(s gridSpan, n uint32) gridSpan {
	off := uint32(len(g.pts))
	g.pts = append(g.pts, make([][2]float64, n)...)
	g.items = append(g.items, make([]uint32, n)...)
	copy(g.pts[off:], g.pts[s.off:s.off+s.n])
	copy(g.items[off:], g.items[s.off:s.off+s.n])
	g.stale += int(s.room)
	return gridSpan{off, s.n, n}
}

// remove takes a location of item out; the last one of its cell takes its place.
func (g *grid) remove(lat, lon float64, item uint32) {
	i, ok := g.cells[cellKey(cellRow(lat), cellCol(lon))]
	if !ok {
		return
	}
	s := &g.spans[i]
	for j := s.off; j < s.off+s.n; j++ {
		if g.items[j] == item && g.pts[j] == [2]float64{lat, lon} {
			last := s.off + s.n - 1
			g.pts[j], g.items[j] = g.pts[last], g.items[last]
			s.n--
			return
		}
	}
}

// search calls fn with the locations of every cell that meets the box, a cell at a time.
func (g *grid) search(minLat, minLon, maxLat, maxLon float64, fn func(pts [][2]float64, items []uint32)) {
	r0, r1, c0, c1 := cellRow(minLat), cellRow(maxLat), cellCol(minLon), cellCol(maxLon)
	each := func(i uint32) {
		if s := g.spans[i]; s.n > 0 {
			fn(g.pts[s.off:s.off+s.n], g.items[s.off:s.off+s.n])
		}
	}
	// A box of more cells than there are occupied ones (a radius of hundreds of km) goes over those.
	if uint64(r1-r0+1)*uint64(c1-c0+1) > uint64(len(g.cells)) {
		for key, i := range g.cells {
			if r, c := key>>16, key&0xffff; r >= r0 && r <= r1 && c >= c0 && c <= c1 {
				each(i)
			}
		}
		return
	}
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			if i, ok := g.cells[cellKey(r, c)]; ok {
				each(i)
			}
		}
	}
}

// compact moves the cells together, each with room for what it holds and a little more, and gives back the
// room moved cells left behind.
func (g *grid) compact() {
	pts := make([][2]float64, 0, len(g.pts)-g.stale)
	items := make([]uint32, 0, len(g.items)-g.stale)
	for i := range g.spans {
		s := &g.spans[i]
		room := max(s.n+s.n/4, 4)
		off := uint32(len(pts))
		pts = append(append(pts, g.pts[s.off:s.off+s.n]...), make([][2]float64, room-s.n)...)
		items = append(append(items, g.items[s.off:s.off+s.n]...), make([]uint32, room-s.n)...)
		*s = gridSpan{off, s.n, room}
	}
	g.pts, g.items, g.stale = pts, items, 0
}

// boxAround is the box that holds the circle of km around (lat, lon): a degree of latitude is 111.195 km,
// and a degree of longitude is shortest at the box's poleward edge.
func boxAround(lat, lon, km float64) (minLat, minLon, maxLat, maxLon float64) {
	dLat := km / 111.19
	poleward := math.Min(math.Abs(lat)+dLat, 89.9)
	dLon := km / (111.19 * math.Max(math.Cos(poleward*math.Pi/180), 0.001))
	return lat - dLat, lon - dLon, lat + dLat, lon + dLon
}
