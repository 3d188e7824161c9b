package housekeeping_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kette-org/kette/internal/housekeeping"
)

func TestEveryJobRunsAtStartAndAFailureDoesNotStopTheOthers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var failing, fine atomic.Int32
	done := make(chan struct{})
	go func() {
		housekeeping.Loop(ctx, slog.New(slog.DiscardHandler), time.Now,
			housekeeping.Job{Name: "failing", Every: time.Hour, Run: func(context.Context, time.Time) error {
				failing.Add(1)
				return errors.New("kaputt")
			}},
			housekeeping.Job{Name: "fine", Every: time.Hour, Run: func(context.Context, time.Time) error {
				fine.Add(1)
				cancel()
				return nil
			}})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not stop when its context ended")
	}
	if failing.Load() != 1 || fine.Load() != 1 {
		t.Fatalf("runs: failing %d, fine %d; want one each", failing.Load(), fine.Load())
	}
}
