package cli_test

import (
	"strings"
	"testing"
)

// kette serve takes the minimum cell size of indicator values as --min-cell (and KETTE_MIN_CELL); a size
// below 1, which would show every small count, is refused before anything starts.
func TestServeMinCell(t *testing.T) {
	if code, _, errOut := run(t, "serve", "--help"); !strings.Contains(errOut, "-min-cell") || !strings.Contains(errOut, "KETTE_MIN_CELL") {
		t.Errorf("serve --help (%d) does not name --min-cell:\n%s", code, errOut)
	}
	if code, _, errOut := run(t, "serve", "--min-cell", "0"); code != 2 || !strings.Contains(errOut, "--min-cell muss mindestens 1 sein") {
		t.Errorf("--min-cell 0: %d %q", code, errOut)
	}
}
