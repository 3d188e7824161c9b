package search_test

import (
	"errors"
	"math"
	"runtime/debug"
	"testing"

	"github.com/kette-org/kette/internal/search"
)

// During a paced build the collector runs less often (GOGC=400) under a memory limit; afterwards both are as before, also
// when the build fails.
func TestPacedBuildPacesTheCollectorOnlyDuringTheBuild(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	fail := errors.New("broken")
	err := search.PacedBuild(1<<30, func() error {
		if pct := debug.SetGCPercent(400); pct != 400 {
			t.Errorf("GOGC during the build: %d, want 400", pct)
		}
		if limit := debug.SetMemoryLimit(-1); limit != 1<<30 {
			t.Errorf("memory limit during the build: %d, want 1 GiB", limit)
		}
		return fail
	})
	if !errors.Is(err, fail) {
		t.Fatalf("the build's error is lost: %v", err)
	}
	if pct := debug.SetGCPercent(100); pct != 100 {
		t.Errorf("GOGC after the build: %d, want 100 again", pct)
	}
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		t.Errorf("memory limit after the build: %d, want none", limit)
	}
}

// Serving keeps a soft memory limit: the given one for a small index, none changed when GOMEMLIMIT set one.
func TestLimitServingMemoryKeepsAnOperatorsLimit(t *testing.T) {
	defer debug.SetMemoryLimit(math.MaxInt64)
	debug.SetMemoryLimit(math.MaxInt64)
	if got := search.LimitServingMemory(3 << 30); got != 3<<30 {
		t.Errorf("limit for a small heap: %d, want 3 GiB", got)
	}
	if limit := debug.SetMemoryLimit(-1); limit != 3<<30 {
		t.Errorf("limit in force: %d, want 3 GiB", limit)
	}
	debug.SetMemoryLimit(5 << 30) // as GOMEMLIMIT=5GiB would
	if got := search.LimitServingMemory(3 << 30); got != 5<<30 {
		t.Errorf("with a limit set by the operator: %d, want it kept (5 GiB)", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	if got := search.LimitServingMemory(1 << 20); got <= 1<<20 || got == math.MaxInt64 {
		t.Errorf("limit below the live heap: %d, want 1.6 times the live heap", got)
	}
}
