package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
)

// SearchDoc is one public offer with what the search index needs beside the offer itself.
type SearchDoc struct {
	Offer            catalog.Offer
	OrganizationName string
	OrganizationKind string
	LandCode         string // the Land of the offer's Kommune, for public holidays
	Locations        []SearchLocation
}

// SearchLocation is a location of an offer as the search index needs it.
type SearchLocation struct {
	ID           uuid.UUID
	Latitude     float64
	Longitude    float64
	PostalCode   string
	City         string
	AreaID       *uuid.UUID
	OpeningHours []catalog.Weekly
}

// SearchSelection narrows StreamSearchDocs to the offers touched by a change; the zero value selects every
// public offer. The lists are ORed: an offer is selected when it, its organization, one of its locations or
// its Kommune is listed.
type SearchSelection struct {
	OfferIDs, OrganizationIDs, LocationIDs, KommuneIDs []uuid.UUID
}

func (sel SearchSelection) empty() bool {
	return len(sel.OfferIDs)+len(sel.OrganizationIDs)+len(sel.LocationIDs)+len(sel.KommuneIDs) == 0
}

// maxSelection bounds the ids of one selection so that one IN list stays below both databases' parameter limits.
const maxSelection = 5000

// StreamSearchDocs reads the public offers (status active, in every Kommune) of sel in id order, batch at a
// time, and calls fn with each batch. Keyset paging on the id keeps one batch in memory at a time, so an
// index of a million offers never holds its source twice; fn must not keep the slice.
func (s *Store) StreamSearchDocs(ctx context.Context, sel SearchSelection, batch int, fn func([]SearchDoc) error) error {
	if batch <= 0 {
		batch = 1000
	}
	if len(sel.OfferIDs)+len(sel.OrganizationIDs)+len(sel.LocationIDs)+len(sel.KommuneIDs) > maxSelection {
		sel = SearchSelection{} // a change this large is cheaper to read in full than to list
	}
	where, args := s.selectionWhere(sel)
	after := ""
	for {
		docs, err := s.searchBatch(ctx, where, args, after, batch)
		if err != nil || len(docs) == 0 {
			return err
		}
		if err := fn(docs); err != nil {
			return err
		}
		if len(docs) < batch {
			return nil
		}
		after = docs[len(docs)-1].Offer.ID.String()
	}
}

// selectionWhere is the condition of a selection on offers aliased o, with the public scope: active offers
// not hidden for being unconfirmed too long (freshness.go).
func (s *Store) selectionWhere(sel SearchSelection) (string, []any) {
	where := "o.status = 'active' AND " + notHidden
	if sel.empty() {
		return where, nil
	}
	var ors []string
	var args []any
	in := func(cond string, ids []uuid.UUID) {
		if len(ids) == 0 {
			return
		}
		ors = append(ors, strings.Replace(cond, "(?)", "("+placeholders(len(ids))+")", 1))
		for _, id := range ids {
			args = append(args, id)
		}
	}
	in("o.id IN (?)", sel.OfferIDs)
	in("o.organization_id IN (?)", sel.OrganizationIDs)
	in("o.kommune_id IN (?)", sel.KommuneIDs)
	in("o.id IN (SELECT offer_id FROM offer_locations WHERE location_id IN (?))", sel.LocationIDs)
	return where + " AND (" + strings.Join(ors, " OR ") + ")", args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// searchBatch reads up to n offers after the id after (all when empty) with their organizations, terms and
// locations: three queries per batch, whatever its size.
func (s *Store) searchBatch(ctx context.Context, where string, args []any, after string, n int) ([]SearchDoc, error) {
	if after != "" {
		where += " AND o.id > ?"
		args = append(args, after)
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+prefixed("o.", offerCols)+`, g.name, g.kind, k.land_code
		FROM offers o JOIN organizations g ON g.id = o.organization_id JOIN kommunen k ON k.id = o.kommune_id
		WHERE `+where+` ORDER BY o.id LIMIT ?`), append(args, n)...)
	if err != nil {
		return nil, errs.Wrap(err, "search docs")
	}
	defer rows.Close()
	var docs []SearchDoc
	for rows.Next() {
		d, err := scanSearchDoc(rows)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "search docs")
	}
	if len(docs) == 0 {
		return nil, nil
	}
	byID := make(map[uuid.UUID]*SearchDoc, len(docs))
	ids := make([]any, len(docs))
	for i := range docs {
		byID[docs[i].Offer.ID] = &docs[i]
		ids[i] = docs[i].Offer.ID
	}
	if err := s.searchTerms(ctx, byID, ids); err != nil {
		return nil, err
	}
	return docs, s.searchLocations(ctx, byID, ids)
}

func scanSearchDoc(rows *sql.Rows) (SearchDoc, error) {
	var d SearchDoc
	o := &d.Offer
	var sched, delivery string
	var minAge, maxAge sql.NullInt64
	var from, to, confirmed sql.NullTime
	if err := rows.Scan(&o.ID, &o.KommuneID, &o.OrganizationID, &o.Name, &o.Description, &o.Status, &minAge, &maxAge,
		&o.Cost, &o.CostDescription, &o.Access, &delivery, &o.ApplicationProcess, &sched, &o.Email, &o.URL, &o.Phone,
		&from, &to, &confirmed, &o.CreatedAt, &o.UpdatedAt, &d.OrganizationName, &d.OrganizationKind, &d.LandCode); err != nil {
		return d, errs.Wrap(err, "scan search doc")
	}
	o.MinimumAgeMonths, o.MaximumAgeMonths = intPtr(minAge), intPtr(maxAge)
	o.ValidFrom, o.ValidTo, o.LastConfirmedAt = datePtr(from), datePtr(to), utcPtr(confirmed)
	o.Delivery = splitList(delivery)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	for _, l := range termLists(o) {
		*l = []string{}
	}
	o.LocationIDs = []uuid.UUID{}
	if err := json.Unmarshal([]byte(sched), &o.Schedule); err != nil {
		return d, errs.Wrap(err, "schedule of offer "+o.ID.String())
	}
	return d, nil
}

func (s *Store) searchTerms(ctx context.Context, byID map[uuid.UUID]*SearchDoc, ids []any) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT t.offer_id, t.taxonomy, t.code FROM offer_terms t
		JOIN taxonomy_terms m ON m.taxonomy = t.taxonomy AND m.code = t.code
		WHERE t.offer_id IN (`+placeholders(len(ids))+`) ORDER BY t.offer_id, t.taxonomy, m.sort`), ids...)
	if err != nil {
		return errs.Wrap(err, "search doc terms")
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var tax, code string
		if err := rows.Scan(&id, &tax, &code); err != nil {
			return errs.Wrap(err, "scan search doc term")
		}
		if l, ok := termLists(&byID[id].Offer)[tax]; ok {
			*l = append(*l, code)
		}
	}
	return errs.Wrap(rows.Err(), "search doc terms")
}

func (s *Store) searchLocations(ctx context.Context, byID map[uuid.UUID]*SearchDoc, ids []any) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT ol.offer_id, l.id, l.latitude, l.longitude, l.postal_code, l.city,
		l.area_id, l.opening_hours FROM offer_locations ol JOIN locations l ON l.id = ol.location_id
		WHERE ol.offer_id IN (`+placeholders(len(ids))+`) ORDER BY ol.offer_id, l.name, l.id`), ids...)
	if err != nil {
		return errs.Wrap(err, "search doc locations")
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var l SearchLocation
		var area uuid.NullUUID
		var hours string
		if err := rows.Scan(&id, &l.ID, &l.Latitude, &l.Longitude, &l.PostalCode, &l.City, &area, &hours); err != nil {
			return errs.Wrap(err, "scan search doc location")
		}
		if area.Valid {
			l.AreaID = &area.UUID
		}
		if err := json.Unmarshal([]byte(hours), &l.OpeningHours); err != nil {
			return errs.Wrap(err, "opening hours of location "+l.ID.String())
		}
		d := byID[id]
		d.Locations = append(d.Locations, l)
		d.Offer.LocationIDs = append(d.Offer.LocationIDs, l.ID)
	}
	return errs.Wrap(rows.Err(), "search doc locations")
}

// LastAuditID is the id of the newest audit entry, 0 when the log is empty. An index built after reading it
// has seen every change up to it.
func (s *Store) LastAuditID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT MAX(id) FROM audit_log`).Scan(&id)
	return id.Int64, errs.Wrap(err, "last audit id")
}

// AuditChange is the part of an audit entry a change-log reader needs: no before/after, which can be large.
type AuditChange struct {
	ID        int64
	At        time.Time
	KommuneID *uuid.UUID
	Action    audit.Action
	Entity    string
	EntityID  string
}

// AuditChanges returns up to limit audit entries with an id above after or in also (ids a reader saw missing
// and checks again), in id order. It is the change log of the search index of every instance: the entries are
// written in the transaction of their change, so a change is visible here exactly when it is committed.
func (s *Store) AuditChanges(ctx context.Context, after int64, also []int64, limit int) ([]AuditChange, error) {
	if limit <= 0 {
		limit = 1000
	}
	where, args := "id > ?", []any{after}
	if len(also) > 0 {
		where += " OR id IN (" + placeholders(len(also)) + ")"
		for _, id := range also {
			args = append(args, id)
		}
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, at, kommune_id, action, entity, entity_id FROM audit_log
		WHERE `+where+` ORDER BY id LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, errs.Wrap(err, "audit changes")
	}
	defer rows.Close()
	var out []AuditChange
	for rows.Next() {
		var c AuditChange
		var kid uuid.NullUUID
		if err := rows.Scan(&c.ID, &c.At, &kid, &c.Action, &c.Entity, &c.EntityID); err != nil {
			return nil, errs.Wrap(err, "scan audit change")
		}
		c.At = c.At.UTC()
		if kid.Valid {
			c.KommuneID = &kid.UUID
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "audit changes")
}
