package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/config"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/tenant"
)

// previewRows is how many rows of the preview the terminal shows.
const previewRows = 10

// importCmd runs `kette import indicators FILE [--kommune AGS] [--dry-run] [--db …]`: it reads the file,
// shows what would change and imports it in one transaction, or with --dry-run only shows. Any problem in the
// file is listed in German by line and column on stderr, and nothing is changed.
func importCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "indicators" {
		fmt.Fprintln(env.Stderr, "Aufruf: kette import indicators DATEI [--kommune AGS] [--dry-run] [--db …]")
		return errUsage
	}
	cfg := config.Defaults()
	fs := flag.NewFlagSet("kette import indicators", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	if err := cfg.Flags(fs, env.Getenv, "db", "log", "privacy"); err != nil {
		fmt.Fprintln(env.Stderr, "Fehler:", err)
		return errUsage
	}
	var kommune string
	var dryRun bool
	fs.StringVar(&kommune, "kommune", "", "AGS der Kommune, deren Sozialräume die Datei nennt; ohne: die Datei nennt Kommunen (AGS, ARS, Kreisschlüssel)")
	fs.BoolVar(&dryRun, "dry-run", false, "nur die Vorschau zeigen, nichts ändern")
	// The file may stand before, between or after the flags.
	var files []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintln(env.Stderr, "Bitte genau eine Datei angeben: kette import indicators DATEI [--kommune AGS] [--dry-run]")
		return errUsage
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return &errs.Error{Code: errs.Invalid, Message: "error.file_unreadable", Err: err}
	}
	s, err := openStore(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Status(ctx)
	if err != nil {
		return err
	}
	if !st.UpToDate() {
		return &errs.Error{Code: errs.Unavailable, Message: "error.schema_outdated",
			Err: fmt.Errorf("schema %d of %d", st.Current, st.Target)}
	}
	cat, err := s.ListIndicators(ctx)
	if err != nil {
		return err
	}
	f, probs := indicator.Parse(filepath.Base(files[0]), data, cat)
	if len(probs) > 0 {
		return indicator.Preview{Problems: probs}.Err()
	}
	scope := tenant.System()
	p, err := s.PreviewIndicatorImport(ctx, scope, kommune, f)
	if err != nil {
		return err
	}
	if err := p.Err(); err != nil {
		return err
	}
	printPreview(env.Stdout, p, cat, indicator.Privacy{MinCell: cfg.MinCell})
	if dryRun {
		fmt.Fprintln(env.Stdout, "Probelauf (--dry-run): nichts wurde geändert.")
		return nil
	}
	p, err = s.ApplyIndicatorImport(ctx, scope, audit.System("import"), kommune, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Eingelesen: %d neue und %d geänderte Werte.\n", p.New, p.Changed)
	return nil
}

// printPreview writes the counts and the first rows; values go through the suppression like on every door.
func printPreview(w io.Writer, p indicator.Preview, cat []indicator.Indicator, privacy indicator.Privacy) {
	fmt.Fprintf(w, "Datei %s (%s, %s)\n", p.File, formatName(p.Format), p.Encoding)
	fmt.Fprintf(w, "Neu: %d · geändert: %d · unverändert: %d · fehlende Werte: %d", p.New, p.Changed, p.Unchanged, p.Missing)
	if p.Ignored > 0 {
		fmt.Fprintf(w, " · nicht im Indikatorenkatalog: %d", p.Ignored)
	}
	if p.Skipped > 0 {
		fmt.Fprintf(w, " · übersprungen (keine Kommune in Kette): %d", p.Skipped)
	}
	fmt.Fprintln(w)
	byCode := map[string]indicator.Indicator{}
	for _, ind := range cat {
		byCode[ind.Code] = ind
	}
	changes := map[indicator.Change]string{indicator.ChangeNew: "neu", indicator.ChangeChanged: "geändert", indicator.ChangeUnchanged: "unverändert"}
	show := func(ind indicator.Indicator, v indicator.Value) string {
		if x, ok := privacy.Disclose(ind, v); ok {
			s := indicator.FormatGerman(x, 2)
			if ind.Unit == "%" {
				s += " %"
			}
			return s
		}
		return fmt.Sprintf("gesperrt (< %d)", privacy.Min())
	}
	for i, r := range p.Rows {
		if i == previewRows {
			fmt.Fprintf(w, "  … und %d weitere Zeilen\n", len(p.Rows)-previewRows)
			break
		}
		ind := byCode[r.Indicator]
		line := fmt.Sprintf("  Zeile %d: %-11s %s · %s %s · %s: %s", r.Line, changes[r.Change], ind.ShortDE, r.RegionKey, r.RegionName,
			r.Period, show(ind, r.Value))
		if r.Change == indicator.ChangeChanged {
			line += " (bisher " + show(ind, *r.Old) + ")"
		}
		fmt.Fprintln(w, line)
	}
}

func formatName(f string) string {
	switch f {
	case indicator.FormatGENESIS:
		return "Regionaldatenbank/GENESIS-CSV"
	case indicator.FormatXLSX:
		return "Excel-Arbeitsmappe"
	}
	return "CSV"
}
