package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/taxonomy"
)

//go:embed migrations
var migrations embed.FS

func (s *Store) provider() (*goose.Provider, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
		// Several instances may start at once; an advisory lock lets one migrate while the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, s.write, sub, opts...)
}

// SchemaStatus tells how the database's schema compares to this binary.
type SchemaStatus struct {
	Current, Target int64
	TaxonomyCurrent int
	TaxonomyTarget  int
}

// UpToDate reports whether migrations and taxonomy seed are current.
func (st SchemaStatus) UpToDate() bool {
	return st.Current == st.Target && st.TaxonomyCurrent == st.TaxonomyTarget
}

// Status reads the schema and taxonomy versions.
func (s *Store) Status(ctx context.Context) (SchemaStatus, error) {
	p, err := s.provider()
	if err != nil {
		return SchemaStatus{}, errs.Wrap(err, "migrations")
	}
	cur, target, err := p.GetVersions(ctx)
	if err != nil {
		return SchemaStatus{}, &errs.Error{Code: errs.Unavailable, Message: "error.unavailable", Err: err}
	}
	st := SchemaStatus{Current: cur, Target: target, TaxonomyTarget: s.tax.Version}
	if cur == target && target > 0 {
		var v sql.NullInt64
		if err := s.read.QueryRowContext(ctx, `SELECT MIN(version) FROM taxonomies`).Scan(&v); err != nil {
			return st, errs.Wrap(err, "taxonomy version")
		}
		st.TaxonomyCurrent = int(v.Int64)
	}
	return st, nil
}

// Migrate applies pending migrations and seeds the taxonomies; it returns the versions applied.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	p, err := s.provider()
	if err != nil {
		return nil, errs.Wrap(err, "migrations")
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, errs.Wrap(err, "migrate")
	}
	var applied []int64
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	if err := s.seedTaxonomies(ctx); err != nil {
		return applied, err
	}
	if err := s.seedIndicators(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

// seedTaxonomies writes the built-in vocabulary when the database holds an older version. Terms are upserted,
// never deleted: offers may still carry a retired code.
func (s *Store) seedTaxonomies(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range s.tax.Taxonomies {
			var version sql.NullInt64
			err := tx.QueryRowContext(ctx, s.q(`SELECT version FROM taxonomies WHERE code = ?`), t.Code).Scan(&version)
			if err != nil && err != sql.ErrNoRows {
				return errs.Wrap(err, "read taxonomy")
			}
			if version.Valid && int(version.Int64) >= t.Version {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO taxonomies (code, name_de, name_en, version) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name_de = excluded.name_de, name_en = excluded.name_en, version = excluded.version`),
				t.Code, t.NameDE, t.NameEN, t.Version); err != nil {
				return errs.Wrap(err, "seed taxonomy "+t.Code)
			}
			for _, term := range t.Terms {
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO taxonomy_terms (taxonomy, code, label_de, label_en, sort, min_age_months, max_age_months)
					VALUES (?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (taxonomy, code) DO UPDATE SET label_de = excluded.label_de, label_en = excluded.label_en,
					sort = excluded.sort, min_age_months = excluded.min_age_months, max_age_months = excluded.max_age_months`),
					term.Taxonomy, term.Code, term.LabelDE, term.LabelEN, term.Sort, term.MinAgeMonths, term.MaxAgeMonths); err != nil {
					return errs.Wrap(err, fmt.Sprintf("seed term %s/%s", term.Taxonomy, term.Code))
				}
			}
		}
		return nil
	})
}

// ListTaxonomies reads the vocabulary as stored, with versions.
func (s *Store) ListTaxonomies(ctx context.Context) ([]taxonomy.Taxonomy, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT t.code, t.name_de, t.name_en, t.version, m.code, m.label_de, m.label_en, m.sort,
		m.min_age_months, m.max_age_months
		FROM taxonomies t JOIN taxonomy_terms m ON m.taxonomy = t.code ORDER BY t.code, m.sort`)
	if err != nil {
		return nil, errs.Wrap(err, "list taxonomies")
	}
	defer rows.Close()
	var out []taxonomy.Taxonomy
	for rows.Next() {
		var t taxonomy.Taxonomy
		var term taxonomy.Term
		var minAge, maxAge sql.NullInt64
		if err := rows.Scan(&t.Code, &t.NameDE, &t.NameEN, &t.Version, &term.Code, &term.LabelDE, &term.LabelEN, &term.Sort, &minAge, &maxAge); err != nil {
			return nil, errs.Wrap(err, "scan taxonomy")
		}
		term.Taxonomy, term.MinAgeMonths, term.MaxAgeMonths = t.Code, intPtr(minAge), intPtr(maxAge)
		if len(out) == 0 || out[len(out)-1].Code != t.Code {
			out = append(out, t)
		}
		last := &out[len(out)-1]
		last.Terms = append(last.Terms, term)
	}
	return out, errs.Wrap(rows.Err(), "list taxonomies")
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}
