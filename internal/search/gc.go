package search

import (
	"runtime/debug"
)

// BuildMemoryLimit paces the collector during a build (see PacedBuild): 1.4 GiB holds the index of a
// million offers (about 0.85 GiB of live heap) with room for the rows being read.
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
