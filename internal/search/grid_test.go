package search

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// The grid finds every location in a box, also after removals, cells that outgrew their room and
// compacting, and for boxes of a few cells and of half the world alike.
func TestGridFindsEveryLocationInABox(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	g := newGrid()
	type loc struct {
		lat, lon float64
		item     uint32
	}
	var all []loc
	for i := range 20_000 {
		// Crowded around a few towns, as offers are, so cells overflow their room again and again.
		town := [][2]float64{{52.37, 9.73}, {48.14, 11.58}, {53.55, 9.99}, {-33.9, 18.4}}[i%4]
		l := loc{town[0] + r.NormFloat64()*0.3, town[1] + r.NormFloat64()*0.4, uint32(i / 2)}
		all = append(all, l)
		g.insert(l.lat, l.lon, l.item)
	}
	for i := 0; i < len(all); i += 3 {
		g.remove(all[i].lat, all[i].lon, all[i].item)
		all[i].item = ^uint32(0) // gone
	}
	check := func(when string) {
		for _, box := range [][4]float64{{52.3, 9.6, 52.45, 9.9}, {47, 5, 56, 16}, {-60, -170, 60, 170}, {52.37, 9.73, 52.37, 9.73}} {
			var got, want []loc
			g.search(box[0], box[1], box[2], box[3], func(pts [][2]float64, items []uint32) {
				for j, p := range pts {
					if p[0] >= box[0] && p[0] <= box[2] && p[1] >= box[1] && p[1] <= box[3] {
						got = append(got, loc{p[0], p[1], items[j]})
					}
				}
			})
			for _, l := range all {
				if l.item != ^uint32(0) && l.lat >= box[0] && l.lat <= box[2] && l.lon >= box[1] && l.lon <= box[3] {
					want = append(want, l)
				}
			}
			order := func(a, b loc) int {
				return cmp.Or(cmp.Compare(a.item, b.item), cmp.Compare(a.lat, b.lat), cmp.Compare(a.lon, b.lon))
			}
			slices.SortFunc(got, order)
			slices.SortFunc(want, order)
			if !slices.Equal(got, want) {
				t.Errorf("%s, box %v: found %d locations, want %d", when, box, len(got), len(want))
			}
		}
	}
	check("after removals")
	if g.stale == 0 {
		t.Error("no cell outgrew its room")
	}
	g.compact()
	if g.stale != 0 {
		t.Errorf("%d stale after compacting", g.stale)
	}
	check("after compacting")
	// Cells keep growing after compacting.
	for i := range 5000 {
		l := loc{52.37 + r.NormFloat64()*0.01, 9.73 + r.NormFloat64()*0.01, uint32(100_000 + i)}
		all = append(all, l)
		g.insert(l.lat, l.lon, l.item)
	}
	check("after more locations")
}
