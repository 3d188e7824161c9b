// Package demo loads the deterministic demo data set (placeholder until implemented).
package demo

import (
	"context"
	"log/slog"

	"github.com/kette-org/kette/internal/store"
)

// Load writes the demo data into an empty, migrated database.
func Load(ctx context.Context, s *store.Store, log *slog.Logger) error { return nil }
