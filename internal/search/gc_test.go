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
