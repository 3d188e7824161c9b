package cli

import (
	"context"
	"fmt"
)

// importCmd runs `kette import indicators FILE`.
func importCmd(ctx context.Context, env Env, args []string) error {
	fmt.Fprintln(env.Stderr, "kette import indicators: noch nicht verfügbar")
	return errUsage
}
