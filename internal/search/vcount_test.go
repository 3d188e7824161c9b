package search

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// The vertical counter must count every bit position exactly as testing each bit of each row does, for row
// numbers that are and are not multiples of sixteen and counts that need many planes.
func TestVCounterCountsEveryBitPosition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 15, 16, 17, 255, 256, 5000, 70_000} {
		const w, stride = 2, 3
		rows := make([]uint64, 0, (n+15)&^15*stride)
		want := make([]int32, w*64)
		for range n {
			// Dense low bits, sparse high bits: some positions count up to n, others stay near zero.
			r := []uint64{rng.Uint64() | 0xff, rng.Uint64() & rng.Uint64() & rng.Uint64(), rng.Uint64()}
			rows = append(rows, r...)
			for j := range w {
				for m := r[j]; m != 0; m &= m - 1 {
					want[j*64+bits.TrailingZeros64(m)]++
				}
			}
		}
		rows = rows[:(n+15)&^15*stride] // zero rows as padding
		v := newVCounter(w)
		for start := 0; start < len(rows); start += 256 * stride {
			v.add(rows[start:min(start+256*stride, len(rows))], stride)
		}
		for b, c := range want {
			if got := v.count(b); got != c {
				t.Fatalf("%d rows: bit %d counted %d times, want %d", n, b, got, c)
			}
		}
	}
}
