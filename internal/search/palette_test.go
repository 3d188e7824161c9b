package search

import (
	"slices"
	"testing"
)

// Cells point at palette entries by index, so an entry keeps its index when the masks grow a word.
func TestWideningKeepsEveryMaskAtItsEntry(t *testing.T) {
	p := newMaskPalette(1)
	masks := [][]uint64{{1}, {1 << 63}, {0xf0f0}, {3}}
	var at []uint32
	for _, m := range masks {
		at = append(at, p.add(m))
	}
	if again := p.add([]uint64{0xf0f0}); again != at[2] {
		t.Fatalf("a known mask got entry %d, want %d", again, at[2])
	}
	p.widen()
	for i, m := range masks {
		if got := p.mask(int(at[i])); !slices.Equal(got, []uint64{m[0], 0}) {
			t.Errorf("entry %d after widening: %x, want %x 0", at[i], got, m[0])
		}
		if again := p.add([]uint64{m[0], 0}); again != at[i] {
			t.Errorf("mask %x after widening found at %d, want %d", m[0], again, at[i])
		}
	}
	if n := p.add([]uint64{1, 1}); int(n) != len(masks)+1 {
		t.Errorf("a mask with the new word got entry %d, want %d", n, len(masks)+1)
	}
}

// A document's place list has its Kommune first, or -1; the same list is one entry.
func TestPlaceListsAreKeptOnce(t *testing.T) {
	p := newPlacePalette()
	a := p.add([]int32{4, 7, 9})
	b := p.add([]int32{-1, 7})
	if p.add([]int32{4, 7, 9}) != a || p.add([]int32{-1, 7}) != b || a == b || a == 0 {
		t.Fatalf("entries %d and %d", a, b)
	}
	if !slices.Equal(p.list(int(a)), []int32{4, 7, 9}) || !slices.Equal(p.list(int(b)), []int32{-1, 7}) ||
		!slices.Equal(p.list(0), []int32{-1}) {
		t.Errorf("lists %v %v %v", p.list(0), p.list(int(a)), p.list(int(b)))
	}
}
