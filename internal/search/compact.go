package search

import (
	"cmp"
	"slices"
	"unsafe"
)

// A document indexed again (an edit) or removed leaves its old spans in the state's shared arrays (see doc).
// A server runs for months and its offers are edited again and again, so that space is counted (state.stale)
// and, once it is a quarter of the arrays, the spans in use are moved together: in place, without a second
// copy of the arrays, under the write lock of the refresh that made it due. At a million offers (arrays of
// 250 MB, about 260 bytes per edit) that is after some 330,000 edits, and it holds searches up for about a
// third of a second.

// Compaction is due when the stale part is at least 1/compactShare of the arrays and at least compactFloor
// bytes: a small index is not compacted for a few edits.
const (
	compactShare = 4
	compactFloor = 1 << 20
)

// spanBytes is the room d's spans take in the shared arrays.
func spanBytes(d *doc) int {
	return int(d.name.n) + int(d.terms.n)*4 + int(d.in.n)*4 + int(d.points.n)*(16+4) +
		int(d.slots.n)*int(unsafe.Sizeof(slot{})) + int(d.events.n)*16
}

// arenaBytes is the room the shared arrays take in all.
func (st *state) arenaBytes() int {
	return len(st.names) + len(st.termArena)*4 + len(st.inArena)*4 + len(st.pointArena)*(16+4) +
		len(st.slotArena)*int(unsafe.Sizeof(slot{})) + len(st.eventArena)*16
}

func (st *state) compactDue() bool {
	stale := st.stale + st.geo.stale*gridBytes
	return stale >= compactFloor && stale*compactShare >= st.arenaBytes()+len(st.geo.pts)*gridBytes
}

// gridBytes is the room of a location in the grid.
const gridBytes = 16 + 4

// compact moves every document's spans to the front of their arrays, keeping their order there, and
// shortens the arrays, so that appends fill the freed room.
func (st *state) compact() {
	spans := make([]*span, 0, len(st.docs))
	each := func(part func(d *doc) *span) []*span {
		spans = spans[:0]
		for i := range st.docs {
			spans = append(spans, part(&st.docs[i]))
		}
		return spans
	}
	compactArena(&st.names, each(func(d *doc) *span { return &d.name }))
	compactArena(&st.termArena, each(func(d *doc) *span { return &d.terms }))
	compactArena(&st.inArena, each(func(d *doc) *span { return &d.in }))
	compactArena(&st.slotArena, each(func(d *doc) *span { return &d.slots }))
	compactArena(&st.eventArena, each(func(d *doc) *span { return &d.events }))
	// A document's points and places share one span.
	end := compactSpans(each(func(d *doc) *span { return &d.points }), func(dst, src, n uint32) {
		copy(st.pointArena[dst:dst+n], st.pointArena[src:src+n])
		copy(st.placeArena[dst:dst+n], st.placeArena[src:src+n])
	})
	st.pointArena, st.placeArena = st.pointArena[:end], st.placeArena[:end]
	st.stale = 0
	st.geo.compact()
	st.compactPalettes()
}

// compactArena moves the parts of *a that spans point at to its front and shortens it.
func compactArena[T any](a *[]T, spans []*span) {
	*a = (*a)[:compactSpans(spans, func(dst, src, n uint32) { copy((*a)[dst:dst+n], (*a)[src:src+n]) })]
}

// compactSpans moves the parts of one array that spans point at to its front, in their order in the array,
// and returns the length in use. move copies n elements from src down to dst (dst ≤ src; they may overlap).
func compactSpans(spans []*span, move func(dst, src, n uint32)) uint32 {
	slices.SortFunc(spans, func(a, b *span) int { return cmp.Compare(a.off, b.off) })
	var end uint32
	for _, s := range spans {
		if s.n > 0 && s.off != end {
			move(end, s.off, s.n)
		}
		s.off = end
		end += s.n
	}
	return end
}
