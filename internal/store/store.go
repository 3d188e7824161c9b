// Package store is Kette's one storage: embedded SQLite (modernc.org/sqlite, no cgo) by default and PostgreSQL
// (pgx) for production, behind the same methods with the same behaviour. Dialect differences stay in this
// package: the DDL of the migrations, placeholders (queries are written with ? and rebound for PostgreSQL),
// and the SQLite connection setup (WAL, foreign keys, busy timeout, one writer connection beside the readers).
// Every method takes the acting tenant.Scope; reads outside it return errs.NotFound.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/taxonomy"
)

// Dialect names the database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the database of Kette.
type Store struct {
	dialect Dialect
	read    *sql.DB // queries; for PostgreSQL the same pool as write
	write   *sql.DB // SQLite allows one writer: a pool of one connection avoids SQLITE_BUSY between our own writers
	tax     *taxonomy.Set
	now     func() time.Time
	log     *slog.Logger
}

// Options tune a Store; the zero value is fine.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock, replaceable in tests
}

// Open connects to dsn: "sqlite:path/to/file.db" or "postgres://…" (also "postgresql://…"). It does not
// migrate; call Migrate or check Pending.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s := &Store{now: opts.Now, log: opts.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		err = s.openSQLite(strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		err = s.openPostgres(dsn)
	default:
		return nil, &errs.Error{Code: errs.Invalid, Message: "error.db_dsn", Err: fmt.Errorf("unknown database %q", redact(dsn))}
	}
	if err != nil {
		return nil, err
	}
	if err := s.read.PingContext(ctx); err != nil {
		s.Close()
		return nil, &errs.Error{Code: errs.Unavailable, Message: "error.unavailable", Err: fmt.Errorf("connect %s: %w", redact(dsn), err)}
	}
	tax, err := taxonomy.Builtin()
	if err != nil {
		s.Close()
		return nil, errs.Wrap(err, "taxonomy")
	}
	s.tax = tax
	return s, nil
}

func (s *Store) openSQLite(path string) error {
	if path == "" {
		return &errs.Error{Code: errs.Invalid, Message: "error.db_dsn", Err: errors.New("empty sqlite path")}
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return errs.Wrap(err, "create database directory")
		}
	}
	common := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	// The writer opens first so that it creates the file and switches it to WAL before readers come.
	write, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&"+common+"&_txlock=immediate")
	if err != nil {
		return errs.Wrap(err, "open sqlite")
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.Ping(); err != nil {
		write.Close()
		return &errs.Error{Code: errs.Unavailable, Message: "error.unavailable", Err: err}
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return errs.Wrap(err, "open sqlite")
	}
	read.SetMaxOpenConns(8)
	s.dialect, s.read, s.write = SQLite, read, write
	return nil
}

func (s *Store) openPostgres(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return errs.Wrap(err, "open postgres")
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s.dialect, s.read, s.write = Postgres, db, db
	return nil
}

// Close releases the connections.
func (s *Store) Close() error {
	err := s.read.Close()
	if s.write != s.read {
		err = errors.Join(err, s.write.Close())
	}
	return err
}

// Dialect tells which database is behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// Taxonomies returns the vocabulary the store validates against.
func (s *Store) Taxonomies() *taxonomy.Set { return s.tax }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return &errs.Error{Code: errs.Unavailable, Message: "error.unavailable", Err: err}
	}
	return nil
}

// q rebinds a query written with ? placeholders for the dialect.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n, inString := 0, false
	for _, r := range query {
		switch {
		case r == '\'':
			inString = !inString
			b.WriteRune(r)
		case r == '?' && !inString:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// inTx runs fn in a write transaction and commits when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return errs.Wrap(err, "begin")
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return errs.Wrap(err, "commit")
	}
	return nil
}

// redact hides a password in a DSN for logs and errors.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// notFound is the error of every read that finds nothing in scope.
func notFound(entity string) error {
	return &errs.Error{Code: errs.NotFound, Message: "error.not_found_" + entity}
}

// isUniqueViolation recognises a unique-constraint error of either database.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
