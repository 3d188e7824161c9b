package cli_test

import (
	"strings"
	"sync"
)

// syncBuffer collects log lines from a reader goroutine for the test to read.
type syncBuffer struct {
	mu    sync.Mutex
	lines []string
	done  chan struct{} // closed when the reader reached EOF
}

func (b *syncBuffer) WriteLine(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, s)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}
