package search

import (
	"math"
	"runtime"
	"runtime/debug"
)

// BuildMemoryLimit paces the collector during a build (see PacedBuild): 1.4 GiB holds the index of a
// million offers (about 0.58 GiB of live heap) with room for the rows being read.
const BuildMemoryLimit = 1400 << 20

const buildGCPercent = 400

// PacedBuild runs build — the start-up build of the index — with the garbage collector paced by GOGC=400
// under a memory limit, then restores both settings. The heap grows from nothing to its final size during a
// build, so GOGC=100 collects at every doubling and traces the growing index again and again: at a million
// offers that was a fifth of the build's CPU time. GOGC=400 collects a fifth as often; the limit keeps a
// large build's peak below it (instead of at twice the live heap), and a small index stays small. If the
// index outgrows the limit the runtime still collects (then often); nothing fails. The settings are the process's:
// call it from the command that owns the process (kette serve, kette bench search), not from a library.
func PacedBuild(limit int64, build func() error) error {
	gc := debug.SetGCPercent(buildGCPercent)
	mem := debug.SetMemoryLimit(limit)
	defer func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(mem)
	}()
	return build()
}

// LimitServingMemory sets a soft memory limit for the process that serves the index, unless one is set already
// (GOMEMLIMIT): limit, or 1.6 times the live heap when the index needs more. With GOGC=100 alone the heap
// grows to twice the live index before the collector runs (at a million offers 1.3 GB), which a server under
// load reaches; the limit makes the collector run earlier instead. It stays at least 1.6 times the live heap,
// so a larger index is never collected in a loop. It collects once to learn the live heap and returns the
// limit in force. Like PacedBuild, it is for the command that owns the process.
func LimitServingMemory(limit int64) int64 {
	if cur := debug.SetMemoryLimit(-1); cur != math.MaxInt64 {
		return cur
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	l := max(limit, int64(ms.HeapAlloc)*8/5)
	debug.SetMemoryLimit(l)
	return l
}
