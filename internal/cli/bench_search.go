package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/kette-org/kette/internal/config"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/searchbench"
)

// benchCmd is `kette bench search`: the search benchmark over the offers already in --db (see searchbench).
func benchCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "search" {
		fmt.Fprintln(env.Stderr, "Aufruf: kette bench search --db DB [--postgres DSN] [--json] [--queries N] [--http-duration 10s]")
		return errUsage
	}
	cfg := config.Defaults()
	fs := flag.NewFlagSet("kette bench search", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	if err := cfg.Flags(fs, env.Getenv, "db", "log"); err != nil {
		fmt.Fprintln(env.Stderr, "Fehler:", err)
		return errUsage
	}
	var opts searchbench.Options
	fs.StringVar(&opts.Postgres, "postgres", "", "PostgreSQL-Datenbank für den Vergleich (postgres://…); die Angebote werden dorthin kopiert")
	asJSON := fs.Bool("json", false, "zum Schluss ein JSON-Objekt mit allen Werten auf stdout ausgeben")
	fs.IntVar(&opts.Queries, "queries", 2000, "Suchen im Prozess")
	fs.DurationVar(&opts.HTTPDuration, "http-duration", 0, "Dauer der HTTP-Last (Standard 10s)")
	fs.IntVar(&opts.HTTPWorkers, "http-workers", 16, "gleichzeitige HTTP-Verbindungen")
	cpuProfile := fs.String("cpuprofile", "", "CPU-Profil (pprof) in diese Datei schreiben")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "Unerwartetes Argument %q.\n", fs.Arg(0))
		return errUsage
	}
	log := newLogger(cfg, env.Stderr)
	s, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	// The benchmark reads the database as it is; an outdated schema is said, not silently migrated.
	st, err := s.Status(ctx)
	if err != nil {
		return err
	}
	if !st.UpToDate() {
		return &errs.Error{Code: errs.Unavailable, Message: "error.schema_outdated",
			Err: fmt.Errorf("schema %d of %d: run kette migrate --db first", st.Current, st.Target)}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return &errs.Error{Code: errs.Invalid, Message: "error.file_unreadable", Err: err}
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return errs.Wrap(err, "cpu profile")
		}
		defer pprof.StopCPUProfile()
	}
	opts.Source, opts.Progress, opts.Log = s, env.Stderr, log
	rep, err := searchbench.Run(ctx, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := searchbench.Print(env.Stderr, rep); err != nil {
			return err
		}
		enc := json.NewEncoder(env.Stdout)
		return enc.Encode(rep)
	}
	return searchbench.Print(env.Stdout, rep)
}
