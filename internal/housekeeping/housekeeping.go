// Package housekeeping runs the periodic jobs of a Kette instance – pruning expired sessions and old login
// attempts, and whatever other capabilities register (reminders, search-log folding). Every instance runs them;
// the jobs are idempotent deletes and updates, so two instances on one PostgreSQL do no harm.
package housekeeping

import (
	"context"
	"log/slog"
	"time"
)

// Job is one periodic task.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context, now time.Time) error
}

// Loop runs every job once at start and then at its interval until ctx ends. A failing job is logged and tried
// again at its next turn; it does not stop the others.
func Loop(ctx context.Context, log *slog.Logger, now func() time.Time, jobs ...Job) {
	next := make([]time.Time, len(jobs))
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		t := now()
		for i, j := range jobs {
			if t.Before(next[i]) {
				continue
			}
			next[i] = t.Add(j.Every)
			if err := j.Run(ctx, t); err != nil && ctx.Err() == nil {
				log.Error("housekeeping job failed", "job", j.Name, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Retention of account records: sessions are deleted 30 days after they expired, login attempts after 90 days
// (long enough to look into an attack, short enough to keep no needless addresses).
const (
	SessionRetention      = 30 * 24 * time.Hour
	LoginAttemptRetention = 90 * 24 * time.Hour
)

// Accounts are the pruning jobs of the account records.
type Accounts interface {
	PruneSessions(ctx context.Context, age time.Duration) error
	PruneLoginAttempts(ctx context.Context, age time.Duration) (int64, error)
}

// AccountJobs returns the jobs that prune s.
func AccountJobs(s Accounts) []Job {
	return []Job{
		{Name: "prune sessions", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error {
			return s.PruneSessions(ctx, SessionRetention)
		}},
		{Name: "prune login attempts", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error {
			_, err := s.PruneLoginAttempts(ctx, LoginAttemptRetention)
			return err
		}},
	}
}
