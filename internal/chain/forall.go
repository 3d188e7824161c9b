package chain

import (
	"context"
	"runtime"
	"sync"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// Source is what ForAll reads the Kommunen from: the store (*store.Store, which reads every table once per
// analysis) or the chain's in-memory Snapshot, which gives the same sources with the offers from memory.
type Source interface {
	Taxonomies() *taxonomy.Set
	ChainSourceAll(ctx context.Context, scope tenant.Scope, date catalog.Date, fn func(store.ChainSource) error) error
}

// ForAll analyses every Kommune in scope as of date — a Land, or the whole nation for the system scope — and
// hands the matrices to fn in the order of their AGS. The source is read once for all of them
// (ChainSourceAll) instead of once per Kommune, and the Kommunen are analysed on all cores while later
// ones are handed over. cfg.Need may weigh Areas of any Kommune (Area ids are unique). A bad config is
// invalid before anything is read; an error of fn stops the analysis.
func ForAll(ctx context.Context, s Source, scope tenant.Scope, date catalog.Date, cfg Config, fn func(Matrix) error) error {
	tax := s.Taxonomies()
	if err := cfg.Validate(tax); err != nil {
		return err
	}
	type job struct {
		src store.ChainSource
		out chan Matrix
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				j.out <- Analyse(Input{ChainSource: j.src, Taxonomy: tax}, cfg)
			}
		})
	}
	// The results are handed to fn in order by a second goroutine, so reading, analysing and fn overlap.
	pending := make(chan chan Matrix, 2*runtime.GOMAXPROCS(0))
	var fnErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for out := range pending {
			m := <-out
			if fnErr == nil {
				fnErr = fn(m)
			}
		}
	}()
	readErr := s.ChainSourceAll(ctx, scope, date, func(src store.ChainSource) error {
		out := make(chan Matrix, 1)
		pending <- out
		jobs <- job{src: src, out: out}
		return ctx.Err()
	})
	close(jobs)
	close(pending)
	<-done
	wg.Wait()
	if readErr != nil {
		return readErr
	}
	return fnErr
}
