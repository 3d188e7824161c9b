// Package generate builds the synthetic national data set (placeholder until implemented).
package generate

import (
	"context"
	"io"

	"github.com/kette-org/kette/internal/store"
)

// Options configure a run.
type Options struct {
	Offers    int
	Seed      uint64
	Districts io.Reader // nil: the shipped districts.csv
	Progress  io.Writer // nil: no progress bar
}

// Result tells what was written.
type Result struct {
	Kommunen, Areas, Organizations, Locations, Offers int
}

// Run writes the data set into a migrated database that holds no generated data yet.
func Run(ctx context.Context, s *store.Store, opts Options) (Result, error) { return Result{}, nil }
