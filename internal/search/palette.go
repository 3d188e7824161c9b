package search

import (
	"encoding/binary"
	"math/bits"
)

// Counting the facets of a hit reads one word of state.cells: which of the distinct combinations of values of
// the small dimensions (all but Kommune and Sozialraum) the document has, as an index into a palette of bit
// masks, and which of the distinct lists of its Kommune and Sozialräume, as an index into a second palette.
// Offers repeat few combinations (the generator's 969,717 offers have 6,804 masks), so a search counts its hits
// per palette entry, in arrays small enough to stay in the processor's cache, and adds each entry's count to
// its values once at the end. The cells of a million documents take 8 MB and mostly stay in the cache too;
// rows of 32 bytes per document (the masks and places themselves) took 32 MB, and reading one for a hit
// was a cache miss: 24 ns each in a gather of 52,000 random hits, against 4 ns from cells of 8 bytes.
//
// A palette only grows as documents bring new combinations; compaction drops the entries no document uses.

// maskPalette holds distinct bit masks of w words each (see state.bitOf); entry 0 is the empty mask.
type maskPalette struct {
	w     int
	words []uint64 // entry i is words[i*w : (i+1)*w]
	index map[string]uint32
	key   []byte // scratch for the keys of index
}

func newMaskPalette(w int) maskPalette {
	p := maskPalette{w: w, index: map[string]uint32{}}
	p.add(make([]uint64, w))
	return p
}

func (p *maskPalette) len() int { return len(p.words) / p.w }

func (p *maskPalette) mask(i int) []uint64 { return p.words[i*p.w : (i+1)*p.w] }

// add returns the entry of mask (w words), adding it if new.
func (p *maskPalette) add(mask []uint64) uint32 {
	p.key = p.key[:0]
	for _, m := range mask {
		p.key = binary.LittleEndian.AppendUint64(p.key, m)
	}
	if i, ok := p.index[string(p.key)]; ok {
		return i
	}
	i := uint32(p.len())
	p.words = append(p.words, mask...)
	p.index[string(p.key)] = i
	return i
}

// widen gives every mask one more word (zero): the values of the small dimensions ran out of bits.
func (p *maskPalette) widen() {
	old := *p
	*p = maskPalette{w: old.w + 1, index: map[string]uint32{}, key: old.key}
	mask := make([]uint64, p.w)
	for i := range old.len() {
		copy(mask, old.mask(i))
		p.add(mask)
	}
}

// placePalette holds distinct lists of place values (indexes in state.values): the Kommune first, or -1 for
// none, then the Sozialräume. Entry 0 is the empty list of a removed document.
type placePalette struct {
	ends  []uint32 // entry i is vals[ends[i-1]:ends[i]] (from 0 for entry 0)
	vals  []int32
	index map[string]uint32
	key   []byte
}

func newPlacePalette() placePalette {
	p := placePalette{index: map[string]uint32{}}
	p.add([]int32{-1})
	return p
}

func (p *placePalette) len() int { return len(p.ends) }

func (p *placePalette) list(i int) []int32 {
	var from uint32
	if i > 0 {
		from = p.ends[i-1]
	}
	return p.vals[from:p.ends[i]]
}

// add returns the entry of list, adding it if new.
func (p *placePalette) add(list []int32) uint32 {
	p.key = p.key[:0]
	for _, v := range list {
		p.key = binary.LittleEndian.AppendUint32(p.key, uint32(v))
	}
	if i, ok := p.index[string(p.key)]; ok {
		return i
	}
	i := uint32(p.len())
	p.vals = append(p.vals, list...)
	p.ends = append(p.ends, uint32(len(p.vals)))
	p.index[string(p.key)] = i
	return i
}

// setCell writes document id's cell from the values it has (in), giving new values of the small dimensions a
// bit and widening the masks by a word when the bits run out (rare: a new language or kind).
func (st *state) setCell(id uint32, in []int32) {
	for len(st.bitOf) < len(st.values) {
		st.bitOf = append(st.bitOf, -1)
	}
	places := append(st.placeScratch[:0], -1)
	for _, v := range in {
		switch st.values[v].dim {
		case DimKommune:
			places[0] = v
		case DimArea:
			places = append(places, v)
		default:
			if st.bitOf[v] >= 0 {
				continue
			}
			if len(st.valueOf) == st.masks.w*64 {
				st.masks.widen()
			}
			st.bitOf[v] = int32(len(st.valueOf))
			st.valueOf = append(st.valueOf, v)
		}
	}
	mask := st.maskScratch[:0]
	for range st.masks.w {
		mask = append(mask, 0)
	}
	for _, v := range in {
		if b := st.bitOf[v]; b >= 0 {
			mask[b/64] |= 1 << (b % 64)
		}
	}
	st.maskScratch, st.placeScratch = mask, places
	for len(st.cells) <= int(id) {
		st.cells = append(st.cells, 0)
	}
	st.cells[id] = uint64(st.masks.add(mask)) | uint64(st.places.add(places))<<32
}

// tally counts the cells of ids: per mask in masks, per place list in places (both at least as long as
// their palettes).
func (st *state) tally(ids []uint32, masks, places []int32) {
	cells := st.cells
	for _, id := range ids {
		c := cells[id]
		masks[uint32(c)]++
		places[c>>32]++
	}
}

// addMasks adds to counts (by value index) the counts per mask entry, times sign.
func (st *state) addMasks(perMask, counts []int32, sign int32) {
	for i, n := range perMask {
		if n == 0 {
			continue
		}
		for j, m := range st.masks.mask(i) {
			for ; m != 0; m &= m - 1 {
				counts[st.valueOf[j*64+bits.TrailingZeros64(m)]] += sign * n
			}
		}
	}
}

// addPlaces adds to counts the counts per place list, times sign: the Kommunen, and the Sozialräume with
// areas.
func (st *state) addPlaces(perList, counts []int32, sign int32, areas bool) {
	for i, n := range perList {
		if n == 0 {
			continue
		}
		l := st.places.list(i)
		if l[0] >= 0 {
			counts[l[0]] += sign * n
		}
		if areas {
			for _, v := range l[1:] {
				counts[v] += sign * n
			}
		}
	}
}

// compactPalettes drops the palette entries no document uses any more and renumbers the cells.
func (st *state) compactPalettes() {
	masks, places := newMaskPalette(st.masks.w), newPlacePalette()
	maskOf, placeOf := map[uint32]uint32{0: 0}, map[uint32]uint32{0: 0}
	for id, c := range st.cells {
		m, ok := maskOf[uint32(c)]
		if !ok {
			m = masks.add(st.masks.mask(int(uint32(c))))
			maskOf[uint32(c)] = m
		}
		p, ok := placeOf[uint32(c>>32)]
		if !ok {
			p = places.add(st.places.list(int(c >> 32)))
			placeOf[uint32(c>>32)] = p
		}
		st.cells[id] = uint64(m) | uint64(p)<<32
	}
	st.masks, st.places = masks, places
}

// paletteBytes is the room of the palettes, for tests.
func (st *state) paletteBytes() int {
	return len(st.masks.words)*8 + len(st.places.vals)*4 + len(st.places.ends)*4
}
