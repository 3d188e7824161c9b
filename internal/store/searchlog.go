package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// SearchLogEntry is one logged search, already stripped of personal data by package searchlog: the area, the
// filter codes ("dimension:value"), the query words and how many offers were found. The store does not
// sanitise; it only refuses what cannot be right (a word with a colon would pass for a filter).
type SearchLogEntry struct {
	ID        uuid.UUID
	At        time.Time
	Channel   string // "web" or "api"
	KommuneID *uuid.UUID
	AreaID    *uuid.UUID
	Words     []string
	Filters   []string
	Results   int
}

// TopicAll is the topic every search counts for, so totals come out of the same table as topics.
const TopicAll = "*"

// Topics are the topics an entry counts for: every search, each word, each filter.
func (e SearchLogEntry) Topics() []string {
	seen := map[string]bool{TopicAll: true}
	out := []string{TopicAll}
	for _, t := range append(append([]string{}, e.Words...), e.Filters...) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// RecordSearch writes one search to the log. Only the public and the system scope write it: the log is
// about the public search.
func (s *Store) RecordSearch(ctx context.Context, scope tenant.Scope, e SearchLogEntry) error {
	if scope.Kind != tenant.KindPublic && scope.Kind != tenant.KindSystem {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	for _, w := range e.Words {
		if strings.Contains(w, ":") {
			return errs.E(errs.Internal, "error.internal")
		}
	}
	if e.ID == uuid.Nil {
		e.ID = uuid.New()
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO search_log (id, searched_at, channel, kommune_id, area_id, words, filters, result_count)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), e.ID, e.At.UTC(), e.Channel, e.KommuneID, e.AreaID,
			strings.Join(e.Words, " "), strings.Join(e.Filters, " "), e.Results); err != nil {
			return errs.Wrap(err, "record search")
		}
		for _, t := range e.Topics() {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO search_log_topics (search_id, topic) VALUES (?, ?)`), e.ID, t); err != nil {
				return errs.Wrap(err, "record search topic")
			}
		}
		return nil
	})
}

// SearchLogEntries lists the raw logged searches since a time, newest first, at most limit: of one Kommune,
// or of every Kommune in scope with kommuneID uuid.Nil (the system scope also sees searches without an area).
func (s *Store) SearchLogEntries(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, since time.Time, limit int) ([]SearchLogEntry, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	if scope.Kind == tenant.KindPublic {
		return nil, errs.E(errs.NotFound, "error.not_found")
	}
	if kommuneID != uuid.Nil {
		if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
			return nil, err
		}
		where, args = "kommune_id = ?", []any{kommuneID}
	} else if scope.Kind == tenant.KindSystem {
		where = "1=1"
	}
	args = append(args, since.UTC(), limit)
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, searched_at, channel, kommune_id, area_id, words, filters, result_count
		FROM search_log WHERE `+where+` AND searched_at >= ? ORDER BY searched_at DESC, id LIMIT ?`), args...)
	if err != nil {
		return nil, errs.Wrap(err, "list search log")
	}
	defer rows.Close()
	var out []SearchLogEntry
	for rows.Next() {
		var e SearchLogEntry
		var kommune, area sql.Null[uuid.UUID]
		var words, filters string
		if err := rows.Scan(&e.ID, &e.At, &e.Channel, &kommune, &area, &words, &filters, &e.Results); err != nil {
			return nil, errs.Wrap(err, "scan search log")
		}
		e.At = e.At.UTC()
		if kommune.Valid {
			e.KommuneID = &kommune.V
		}
		if area.Valid {
			e.AreaID = &area.V
		}
		e.Words, e.Filters = strings.Fields(words), strings.Fields(filters)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "list search log")
}

// SearchTopic is how often a topic was searched for in a Kommune and how often such a search found nothing.
type SearchTopic struct {
	Topic       string
	Searches    int
	ZeroResults int
}

// SearchTopics counts the searches of a Kommune since a day by topic, from the raw log and the folded daily
// counts together, most searched first. The topic TopicAll holds the totals. A Kommune outside scope is not
// found.
func (s *Store) SearchTopics(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, since time.Time) ([]SearchTopic, error) {
	if scope.Kind == tenant.KindPublic {
		return nil, errs.E(errs.NotFound, "error.not_found")
	}
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	since = since.UTC()
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT t.topic, COUNT(*), SUM(CASE WHEN l.result_count = 0 THEN 1 ELSE 0 END)
		FROM search_log_topics t JOIN search_log l ON l.id = t.search_id
		WHERE l.kommune_id = ? AND l.searched_at >= ? GROUP BY t.topic
		UNION ALL
		SELECT topic, SUM(searches), SUM(zero_results) FROM search_log_daily
		WHERE kommune_id = ? AND day >= ? GROUP BY topic`), kommuneID, since, kommuneID, since.Format(time.DateOnly))
	if err != nil {
		return nil, errs.Wrap(err, "count search topics")
	}
	defer rows.Close()
	sum := map[string]*SearchTopic{}
	for rows.Next() {
		var t SearchTopic
		if err := rows.Scan(&t.Topic, &t.Searches, &t.ZeroResults); err != nil {
			return nil, errs.Wrap(err, "scan search topics")
		}
		if a := sum[t.Topic]; a != nil {
			a.Searches += t.Searches
			a.ZeroResults += t.ZeroResults
		} else {
			sum[t.Topic] = &t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "count search topics")
	}
	out := make([]SearchTopic, 0, len(sum))
	for _, t := range sum {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Searches != out[j].Searches {
			return out[i].Searches > out[j].Searches
		}
		return out[i].Topic < out[j].Topic
	})
	return out, nil
}

// FoldSearchLog turns the raw searches before a time into daily counts per Kommune and topic and deletes them,
// in one transaction, so a search is counted exactly once. It returns how many raw searches it folded. Only
// the system scope (the housekeeping job) may fold.
func (s *Store) FoldSearchLog(ctx context.Context, scope tenant.Scope, before time.Time) (int, error) {
	if scope.Kind != tenant.KindSystem {
		return 0, errs.E(errs.Forbidden, "error.forbidden")
	}
	type key struct {
		day     string
		kommune uuid.UUID
		topic   string
	}
	var folded int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q(`SELECT l.id, l.searched_at, l.kommune_id, l.result_count, t.topic
			FROM search_log l JOIN search_log_topics t ON t.search_id = l.id WHERE l.searched_at < ?`), before.UTC())
		if err != nil {
			return errs.Wrap(err, "read search log")
		}
		counts := map[key]*SearchTopic{}
		ids := map[uuid.UUID]bool{}
		for rows.Next() {
			var id uuid.UUID
			var at time.Time
			var kommune sql.Null[uuid.UUID]
			var results int
			var topic string
			if err := rows.Scan(&id, &at, &kommune, &results, &topic); err != nil {
				rows.Close()
				return errs.Wrap(err, "scan search log")
			}
			ids[id] = true
			k := key{day: at.UTC().Format(time.DateOnly), kommune: kommune.V, topic: topic}
			c := counts[k]
			if c == nil {
				c = &SearchTopic{Topic: topic}
				counts[k] = c
			}
			c.Searches++
			if results == 0 {
				c.ZeroResults++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "read search log")
		}
		for k, c := range counts {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO search_log_daily (day, kommune_id, topic, searches, zero_results)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (kommune_id, day, topic) DO UPDATE SET
				searches = search_log_daily.searches + excluded.searches,
				zero_results = search_log_daily.zero_results + excluded.zero_results`),
				k.day, k.kommune, k.topic, c.Searches, c.ZeroResults); err != nil {
				return errs.Wrap(err, "fold search log")
			}
		}
		for id := range ids {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM search_log WHERE id = ?`), id); err != nil {
				return errs.Wrap(err, "delete folded searches")
			}
		}
		folded = len(ids)
		return nil
	})
	return folded, err
}
