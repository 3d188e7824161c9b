package search

// vcounter counts, for every bit position of rows of w words, how many rows have that bit set (a positional
// population count). Counting the facets of a hit is such a count over the bit masks of its small
// dimensions; testing each set bit costs a branch the processor mostly guesses wrong and an increment. Here
// the rows go sixteen at a time through a carry-save adder tree (Harley and Seal's population count, applied
// to every bit position at once), a handful of word operations per row; the sixteens are added to counters
// kept bit-sliced in planes. No library offers this for Go; it is a few lines.
type vcounter struct {
	w                         int
	ones, twos, fours, eights []uint64   // per word: the low bits of each position's count
	planes                    [][]uint64 // planes[k][j]: bit k of the count of sixteens of word j's positions
}

func newVCounter(w int) *vcounter {
	return &vcounter{w: w, ones: make([]uint64, w), twos: make([]uint64, w), fours: make([]uint64, w),
		eights: make([]uint64, w)}
}

// csa is a carry-save adder of three words: per bit position, the low and high bit of their sum.
func csa(a, b, c uint64) (high, low uint64) {
	u := a ^ b
	return (a & b) | (u & c), u ^ c
}

// add counts the first w words of every stride-word row in rows, whose number of rows is a multiple of 16
// (pad with zero rows, which count nothing).
func (v *vcounter) add(rows []uint64, stride int) {
	n := len(rows) / stride
	for j := range v.w {
		ones, twos, fours, eights := v.ones[j], v.twos[j], v.fours[j], v.eights[j]
		for i := 0; i+16 <= n; i += 16 {
			d := func(r int) uint64 { return rows[(i+r)*stride+j] }
			// Two halves of eight rows each, unrolled as in Harley and Seal's loop: a helper taking the
			// running words by pointer would keep them out of registers.
			var twosA, twosB, foursA, foursB, eightsA, eightsB, sixteens uint64
			twosA, ones = csa(ones, d(0), d(1))
			twosB, ones = csa(ones, d(2), d(3))
			foursA, twos = csa(twos, twosA, twosB)
			twosA, ones = csa(ones, d(4), d(5))
			twosB, ones = csa(ones, d(6), d(7))
			foursB, twos = csa(twos, twosA, twosB)
			eightsA, fours = csa(fours, foursA, foursB)
			twosA, ones = csa(ones, d(8), d(9))
			twosB, ones = csa(ones, d(10), d(11))
			foursA, twos = csa(twos, twosA, twosB)
			twosA, ones = csa(ones, d(12), d(13))
			twosB, ones = csa(ones, d(14), d(15))
			foursB, twos = csa(twos, twosA, twosB)
			eightsB, fours = csa(fours, foursA, foursB)
			sixteens, eights = csa(eights, eightsA, eightsB)
			v.carry(j, sixteens)
		}
		v.ones[j], v.twos[j], v.fours[j], v.eights[j] = ones, twos, fours, eights
	}
}

// carry adds one sixteen to the positions of word j set in c, rippling through the planes.
func (v *vcounter) carry(j int, c uint64) {
	for k := 0; c != 0; k++ {
		if k == len(v.planes) {
			v.planes = append(v.planes, make([]uint64, v.w))
		}
		p := &v.planes[k][j]
		c, *p = *p&c, *p^c
	}
}

// count is the number of rows counted with bit b set.
func (v *vcounter) count(b int) int32 {
	j, s := b/64, uint(b%64)
	n := int32(v.ones[j]>>s&1) + int32(v.twos[j]>>s&1)<<1 + int32(v.fours[j]>>s&1)<<2 + int32(v.eights[j]>>s&1)<<3
	for k, p := range v.planes {
		n += int32(p[j]>>s&1) << (k + 4)
	}
	return n
}
