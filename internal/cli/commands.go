package cli

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/config"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/freshness"
	"github.com/kette-org/kette/internal/generate"
	"github.com/kette-org/kette/internal/housekeeping"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/mail"
	"github.com/kette-org/kette/internal/oidc"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/web"
)

func serve(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(env, "serve", args, "db", "addr", "demo", "migrate", "log", "oidc", "mail", "freshness", "site", "map", "privacy")
	if err != nil {
		return err
	}
	tiles := web.Tiles{URL: cfg.TileURL, Attribution: cfg.TileAttribution, AttributionURL: cfg.TileAttributionURL}
	if _, err := tiles.Origin(); err != nil { // a wrong --tile-url is said before anything starts
		fmt.Fprintln(env.Stderr, "Fehler:", err)
		return errUsage
	}
	if cfg.MinCell < 1 { // 0 would show every small count; said before anything starts
		fmt.Fprintln(env.Stderr, "Fehler: --min-cell muss mindestens 1 sein.")
		return errUsage
	}
	log := newLogger(cfg, env.Stderr)
	s, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Status(ctx)
	if err != nil {
		return err
	}
	// A fresh database is migrated on --demo too, so that `make run` works on a new machine in one step.
	fresh := st.Current == 0
	if !st.UpToDate() {
		if !cfg.Migrate && !(cfg.Demo && fresh) {
			return &errs.Error{Code: errs.Unavailable, Message: "error.schema_outdated",
				Err: fmt.Errorf("schema %d of %d, taxonomies %d of %d", st.Current, st.Target, st.TaxonomyCurrent, st.TaxonomyTarget)}
		}
		applied, err := s.Migrate(ctx)
		if err != nil {
			return err
		}
		log.Info("migrated", "applied", applied)
	}
	if cfg.Demo {
		empty, err := s.IsEmpty(ctx)
		if err != nil {
			return err
		}
		if empty {
			start := time.Now()
			if err := demo.Load(ctx, s, log); err != nil {
				return err
			}
			log.Info("demo data loaded", "duration", time.Since(start).Round(time.Millisecond))
		}
		accounts, err := demo.Accounts(ctx, s, auth.DefaultParams())
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Demo-Konten (Passwort für alle: %s), Anmeldung unter /anmelden:\n", demo.Password)
		for _, a := range accounts {
			fmt.Fprintf(env.Stdout, "  %-34s %-22s %s\n", a.Email, a.Role, a.Where)
		}
	}
	bundle, err := i18n.New()
	if err != nil {
		return errs.Wrap(err, "i18n")
	}
	idx, err := startSearch(ctx, s, log)
	if err != nil {
		return err
	}
	snap, err := startChain(ctx, s, log)
	if err != nil {
		return err
	}
	searches := searchlog.New(s, log)
	go searches.Run(ctx)
	sso, err := singleSignOn(cfg)
	if err != nil {
		return err
	}
	mails, freshCfg, err := mailAndFreshness(cfg, bundle, log)
	if err != nil {
		return err
	}
	h, err := server.Handler(server.Deps{Store: s, I18n: bundle, Log: log, Version: env.Version, Search: idx, Chain: snap, SearchLog: searches,
		OIDC: sso, Mail: mails, Freshness: freshCfg,
		Tiles: tiles, Privacy: indicator.Privacy{MinCell: cfg.MinCell}})
	if err != nil {
		return errs.Wrap(err, "handler")
	}
	freshJob := &freshness.Job{Store: s, Mail: mails, Config: freshCfg, Log: log}
	go housekeeping.Loop(ctx, log, time.Now, append(housekeeping.AccountJobs(s), searchlog.Job(s),
		housekeeping.Job{Name: "freshness", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			_, err := freshJob.Run(ctx, now)
			return err
		}})...)
	log.Info("kette starting", "version", env.Version, "database", string(s.Dialect()), "addr", cfg.Addr)
	return server.Serve(ctx, cfg.Addr, h, cfg.ShutdownTimeout, log, env.Ready)
}

// singleSignOn builds the OpenID Connect client when an issuer is configured; a random cookie key does for a
// single instance when none is set.
func singleSignOn(cfg config.Config) (*oidc.Client, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, errs.Wrap(err, "oidc cookie key")
	}
	c, on, err := oidc.FromSettings(cfg, key)
	if err != nil || !on {
		return nil, err
	}
	return oidc.New(c)
}

// mailAndFreshness builds the e-mail templates (SMTP when configured; otherwise a sender that refuses, so
// reminders are tried again once mail works and links of invitations are shown on the page) and the freshness
// rules.
func mailAndFreshness(cfg config.Config, bundle *i18n.Bundle, log *slog.Logger) (*mail.Templates, freshness.Config, error) {
	fc := freshness.DefaultConfig()
	fc.RemindAfterMonths, fc.HideAfterMonths, fc.BaseURL = cfg.RemindAfterMonths, cfg.HideAfterMonths, cfg.PublicURL
	if err := fc.Validate(); err != nil {
		return nil, fc, err
	}
	mc := mail.Config{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUser, Password: cfg.SMTPPassword,
		From: cfg.SMTPFrom, TLS: mail.TLSMode(cfg.SMTPTLS)}
	if !mc.Enabled() {
		log.Warn("no SMTP server configured (--smtp-host): invitation and reset links are shown or logged, freshness reminders wait")
		return &mail.Templates{Sender: noMail{}, I18n: bundle}, fc, nil
	}
	snd, err := mail.NewSMTP(mc, nil)
	if err != nil {
		return nil, fc, err
	}
	return &mail.Templates{Sender: snd, I18n: bundle}, fc, nil
}

// noMail is the sender without an SMTP server: every mail fails, so nothing is recorded as sent.
type noMail struct{}

func (noMail) Send(context.Context, mail.Message) error {
	return errs.E(errs.Unavailable, "error.no_mail_server")
}

// startSearch builds the search index from the store and keeps it fresh from the change log every second,
// so an edit is searchable within two seconds on every instance.
func startSearch(ctx context.Context, s *store.Store, log *slog.Logger) (*search.Index, error) {
	start := time.Now()
	idx := search.New(search.Options{Logger: log})
	// The process is ours: the build runs with the collector paced by a memory limit (see search.PacedBuild).
	if err := search.PacedBuild(search.BuildMemoryLimit, func() error { return idx.Build(ctx, s) }); err != nil {
		return nil, errs.Wrap(err, "search index")
	}
	limit := search.LimitServingMemory(search.BuildMemoryLimit)
	log.Info("search index built", "offers", idx.Len(), "duration", time.Since(start).Round(time.Millisecond),
		"memory_limit_mib", limit>>20)
	go idx.Run(ctx, time.Second)
	return idx, nil
}

// startChain builds the chain snapshot (the offers as the gap analysis of many Kommunen needs them) and keeps
// it fresh from the change log every second, like the search index.
func startChain(ctx context.Context, s *store.Store, log *slog.Logger) (*chain.Snapshot, error) {
	start := time.Now()
	snap := chain.NewSnapshot(chain.SnapshotOptions{Logger: log})
	if err := snap.Build(ctx, s); err != nil {
		return nil, errs.Wrap(err, "chain snapshot")
	}
	log.Info("chain snapshot built", "offers", snap.Len(), "duration", time.Since(start).Round(time.Millisecond))
	go snap.Run(ctx, time.Second)
	return snap, nil
}

func migrate(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(env, "migrate", args, "db", "log")
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	st, err := s.Status(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(env.Stdout, "Schema ist aktuell (Version %d, Taxonomien Version %d).\n", st.Current, st.TaxonomyCurrent)
	} else {
		fmt.Fprintf(env.Stdout, "%d Migration(en) angewendet, Schema jetzt Version %d (Taxonomien Version %d).\n", len(applied), st.Current, st.TaxonomyCurrent)
	}
	return nil
}

// migrated opens the store and migrates it, for commands that write data.
func migrated(ctx context.Context, env Env, cfg config.Config) (*store.Store, error) {
	s, err := openStore(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func loadDemo(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(env, "demo", args, "db", "log")
	if err != nil {
		return err
	}
	s, err := migrated(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if err := demo.Load(ctx, s, newLogger(cfg, env.Stderr)); err != nil {
		return err
	}
	ks, err := s.ListKommunen(ctx, tenant.System())
	if err != nil {
		return err
	}
	offers := 0
	for _, k := range ks {
		offers += k.Offers
	}
	fmt.Fprintf(env.Stdout, "Demodaten geladen: %d Kommunen, %d Angebote (%s).\n", len(ks), offers, time.Since(start).Round(time.Millisecond))
	return nil
}

func generateData(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(env, "generate", args, "db", "offers", "seed", "districts", "progress", "log")
	if err != nil {
		return err
	}
	if cfg.Offers < 1 {
		return &errs.Error{Code: errs.Invalid, Message: "error.invalid",
			Fields: []errs.FieldError{{Field: "offers", Message: "validation.offers"}}}
	}
	opts := generate.Options{Offers: cfg.Offers, Seed: cfg.Seed}
	if cfg.DistrictsFile != "" {
		f, err := os.Open(cfg.DistrictsFile)
		if err != nil {
			return &errs.Error{Code: errs.Invalid, Message: "error.file_unreadable", Err: err}
		}
		defer f.Close()
		opts.Districts = f
	}
	if cfg.Progress && isTerminal(env.Stderr) {
		opts.Progress = env.Stderr
	} else if cfg.Progress {
		opts.Progress = io.Discard
	}
	s, err := migrated(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	res, err := generate.Run(ctx, s, opts)
	if err != nil {
		return err
	}
	d := time.Since(start)
	fmt.Fprintf(env.Stdout, "Erzeugt: %d Kommunen, %d Sozialräume, %d Einrichtungen, %d Standorte, %d Angebote in %s (%.0f Angebote/s).\n",
		res.Kommunen, res.Areas, res.Organizations, res.Locations, res.Offers, d.Round(time.Millisecond), float64(res.Offers)/d.Seconds())
	return nil
}
