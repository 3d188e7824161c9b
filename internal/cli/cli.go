// Package cli is the command line of the kette binary: serve, migrate, demo, generate, user add, token add
// and version. cmd/kette only hands it the arguments, the environment, stdin and the signal context.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/kette-org/kette/internal/config"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/store"
)

// Env is what a command gets from its surroundings.
type Env struct {
	Args    []string  // without the program name
	Stdin   io.Reader // where user add reads a password when none is given; a terminal is asked without echo
	Getenv  func(string) string
	Stdout  io.Writer
	Stderr  io.Writer
	Version string
	// Ready is called with the listen address once serve accepts connections (tests use it).
	Ready func(net.Addr)
}

const usage = `kette – Software für kommunale Präventionsketten

Aufruf: kette <Befehl> [Optionen]

Befehle:
  serve      Webserver starten (Seiten, JSON-API, /healthz, /readyz)
  migrate    Datenbankschema aktualisieren und Taxonomien einspielen
  demo       Demodaten (Niedersachsen, vier Kommunen) in eine leere Datenbank laden
  generate   synthetischen bundesweiten Datensatz erzeugen (--offers N --seed S)
  user add   Benutzerkonto anlegen (--email … --role … [--kommune AGS] [--land 03] [--organization ID …])
  import indicators DATEI  Indikatorwerte (CSV, GENESIS-CSV, XLSX) einlesen; nichts wird übernommen, wenn ein Fehler auftritt
  token add  API-Schlüssel für ein Benutzerkonto anlegen und einmal ausgeben (--email … [--name …])
  bench search  Suche messen: Index, Suchen im Prozess und über HTTP, Vergleich mit PostgreSQL
             (--db … [--postgres DSN] [--json] [--queries N] [--http-duration 10s])
  version    Version ausgeben

Optionen je Befehl: kette <Befehl> -h
`

// Run executes a command and returns the process exit code.
func Run(ctx context.Context, env Env) int {
	if len(env.Args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	cmd, args := env.Args[0], env.Args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, env, args)
	case "migrate":
		err = migrate(ctx, env, args)
	case "demo":
		err = loadDemo(ctx, env, args)
	case "generate":
		err = generateData(ctx, env, args)
	case "user":
		err = userAdd(ctx, env, args)
	case "token":
		err = tokenAdd(ctx, env, args)
	case "import":
		err = importCmd(ctx, env, args)
	case "bench":
		err = benchCmd(ctx, env, args)
	case "version", "--version", "-version":
		fmt.Fprintln(env.Stdout, "kette", env.Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(env.Stderr, "Unbekannter Befehl %q.\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintln(env.Stderr, "Fehler:", describe(err))
		return 1
	}
}

var errUsage = errors.New("usage")

// parse reads the flags of a subcommand into a fresh Config.
func parse(env Env, name string, args []string, which ...string) (config.Config, error) {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("kette "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	if err := cfg.Flags(fs, env.Getenv, which...); err != nil {
		fmt.Fprintln(env.Stderr, "Fehler:", err)
		return cfg, errUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "Unerwartetes Argument %q.\n", fs.Arg(0))
		return cfg, errUsage
	}
	return cfg, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(cfg.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, error) {
	return store.Open(ctx, cfg.DB, store.Options{Logger: log})
}

// describe gives the German text of an error for the terminal; internal causes are added since the operator
// at the terminal is the one who has to fix them.
func describe(err error) string {
	b, bErr := i18n.New()
	e := errs.As(err)
	if bErr != nil {
		return err.Error()
	}
	l := b.For(i18n.Default)
	msg := l.ErrorMessage(e)
	for _, f := range e.Fields {
		msg += "\n  " + l.FieldMessage(f)
	}
	if e.Err != nil {
		msg += "\n  (" + e.Err.Error() + ")"
	}
	return msg
}

// isTerminal reports whether w is a terminal, to decide about progress bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
