package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// termLists maps the taxonomies an offer is tagged with to its fields.
func termLists(o *catalog.Offer) map[string]*[]string {
	return map[string]*[]string{
		taxonomy.Phase: &o.Phases, taxonomy.Field: &o.Fields, taxonomy.TargetGroup: &o.TargetGroups,
		taxonomy.Transition: &o.Transitions, taxonomy.Language: &o.Languages,
	}
}

// CreateOffer validates and stores an offer of an organization in scope.
func (s *Store) CreateOffer(ctx context.Context, scope tenant.Scope, actor audit.Actor, o *catalog.Offer) error {
	if err := publishDirectly(scope); err != nil {
		return err
	}
	if err := s.checkOffer(ctx, scope, o); err != nil {
		return err
	}
	if o.ID == uuid.Nil {
		o.ID = uuid.New()
	}
	o.CreatedAt = s.now().UTC()
	o.UpdatedAt = o.CreatedAt
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertOffer(ctx, tx, o); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, &o.KommuneID, audit.Create, "offer", o.ID.String(), nil, o)
	})
}

// UpdateOffer replaces an offer in scope; the audit log keeps the version before and after.
func (s *Store) UpdateOffer(ctx context.Context, scope tenant.Scope, actor audit.Actor, o *catalog.Offer) error {
	before, err := s.GetOffer(ctx, scope, o.ID)
	if err != nil {
		return err
	}
	if err := publishDirectly(scope); err != nil {
		return err
	}
	if err := s.checkOffer(ctx, scope, o); err != nil {
		return err
	}
	if o.KommuneID != before.KommuneID {
		var v errs.Validation
		v.Add("organization_id", "validation.other_kommune", nil)
		return v.Err()
	}
	o.CreatedAt = before.CreatedAt
	o.UpdatedAt = s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.deleteOfferRows(ctx, tx, o.ID); err != nil {
			return err
		}
		if err := s.insertOffer(ctx, tx, o); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, &o.KommuneID, audit.Update, "offer", o.ID.String(), before, o)
	})
}

// deleteOfferRows removes an offer with its terms and locations, to insert its next version.
func (s *Store) deleteOfferRows(ctx context.Context, tx *sql.Tx, id uuid.UUID) error {
	for _, stmt := range []string{`DELETE FROM offer_terms WHERE offer_id = ?`, `DELETE FROM offer_locations WHERE offer_id = ?`,
		`DELETE FROM offer_service_areas WHERE offer_id = ?`, `DELETE FROM offers WHERE id = ?`} {
		if _, err := tx.ExecContext(ctx, s.q(stmt), id); err != nil {
			return errs.Wrap(err, "replace offer")
		}
	}
	return nil
}

// DeleteOffer removes an offer in scope; the audit log keeps it.
func (s *Store) DeleteOffer(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID) error {
	before, err := s.GetOffer(ctx, scope, id)
	if err != nil {
		return err
	}
	if err := publishDirectly(scope); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM offers WHERE id = ?`), id); err != nil {
			return errs.Wrap(err, "delete offer")
		}
		return s.record(ctx, tx, actor, &before.KommuneID, audit.Delete, "offer", id.String(), before, nil)
	})
}

// publishDirectly refuses direct changes of the public catalogue by provider editors and the public: their
// changes go through the Freigabe (SaveChange), so only approved content is public.
func publishDirectly(scope tenant.Scope) error {
	if scope.ReadOnly {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "workflow.error.needs_approval")
	}
	return nil
}

// checkOffer validates the offer and that its organization and locations are in scope and in one Kommune.
func (s *Store) checkOffer(ctx context.Context, scope tenant.Scope, o *catalog.Offer) error {
	if o.Schedule.Timezone == "" {
		o.Schedule.Timezone = catalog.DefaultTimezone
	}
	if err := o.Validate(s.tax); err != nil {
		return err
	}
	org, err := s.GetOrganization(ctx, scope, o.OrganizationID)
	if errs.Is(err, errs.NotFound) {
		var v errs.Validation
		v.Add("organization_id", "validation.unknown_organization", nil)
		return v.Err()
	}
	if err != nil {
		return err
	}
	if !scope.MayChange(org.ID) {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	if org.ArchivedAt != nil && o.Status == catalog.StatusActive {
		// An archived organization offers nothing any more; its offers stay inactive until it is restored.
		var v errs.Validation
		v.Add("organization_id", "validation.organization_archived", nil)
		return v.Err()
	}
	o.KommuneID = org.KommuneID
	for _, id := range o.LocationIDs {
		l, err := s.GetLocation(ctx, scope, id)
		if errs.Is(err, errs.NotFound) || (err == nil && l.KommuneID != o.KommuneID) {
			var v errs.Validation
			v.Add("location_ids", "validation.unknown_location", map[string]any{"Value": id.String()})
			return v.Err()
		}
		if err != nil {
			return err
		}
	}
	seen := map[uuid.UUID]bool{}
	for _, id := range o.ServiceAreaIDs {
		a, err := s.GetArea(ctx, scope, id)
		if errs.Is(err, errs.NotFound) || (err == nil && a.KommuneID != o.KommuneID) || seen[id] {
			var v errs.Validation
			v.Add("service_area_ids", "validation.unknown_area", map[string]any{"Value": id.String()})
			return v.Err()
		}
		if err != nil {
			return err
		}
		seen[id] = true
	}
	return nil
}

func (s *Store) insertOffer(ctx context.Context, tx *sql.Tx, o *catalog.Offer) error {
	sched, err := json.Marshal(o.Schedule)
	if err != nil {
		return errs.Wrap(err, "schedule")
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO offers (`+offerCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		offerArgs(o, string(sched))...); err != nil {
		return errs.Wrap(err, "insert offer")
	}
	for tax, list := range termLists(o) {
		for _, code := range *list {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO offer_terms (offer_id, taxonomy, code) VALUES (?, ?, ?)`), o.ID, tax, code); err != nil {
				return errs.Wrap(err, "insert offer term")
			}
		}
	}
	for _, id := range o.LocationIDs {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO offer_locations (offer_id, location_id) VALUES (?, ?)`), o.ID, id); err != nil {
			return errs.Wrap(err, "insert offer location")
		}
	}
	for _, id := range o.ServiceAreaIDs {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO offer_service_areas (offer_id, area_id) VALUES (?, ?)`), o.ID, id); err != nil {
			return errs.Wrap(err, "insert service area")
		}
	}
	return nil
}

const offerCols = `id, kommune_id, organization_id, name, description, status, minimum_age_months, maximum_age_months, cost,
	cost_description, access, delivery, application_process, schedule, email, url, phone, valid_from, valid_to,
	last_confirmed_at, created_at, updated_at, easy_summary`

func offerArgs(o *catalog.Offer, schedule string) []any {
	return []any{o.ID, o.KommuneID, o.OrganizationID, o.Name, o.Description, o.Status, o.MinimumAgeMonths, o.MaximumAgeMonths,
		o.Cost, o.CostDescription, o.Access, strings.Join(o.Delivery, ","), o.ApplicationProcess, schedule, o.Email, o.URL,
		o.Phone, dateArg(o.ValidFrom), dateArg(o.ValidTo), timeArg(o.LastConfirmedAt), o.CreatedAt, o.UpdatedAt, o.EasySummary}
}

func dateArg(d *catalog.Date) any {
	if d == nil {
		return nil
	}
	return d.Time()
}

func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// GetOffer returns an offer in scope with its terms and locations. The public sees active offers only.
func (s *Store) GetOffer(ctx context.Context, scope tenant.Scope, id uuid.UUID) (catalog.Offer, error) {
	where, args := s.offerScope(scope, "o.")
	var o catalog.Offer
	var sched, delivery string
	var minAge, maxAge sql.NullInt64
	var from, to, confirmed sql.NullTime
	err := s.read.QueryRowContext(ctx, s.q(`SELECT `+prefixed("o.", offerCols)+` FROM offers o WHERE o.id = ? AND `+where),
		append([]any{id}, args...)...).Scan(&o.ID, &o.KommuneID, &o.OrganizationID, &o.Name, &o.Description, &o.Status,
		&minAge, &maxAge, &o.Cost, &o.CostDescription, &o.Access, &delivery, &o.ApplicationProcess, &sched, &o.Email,
		&o.URL, &o.Phone, &from, &to, &confirmed, &o.CreatedAt, &o.UpdatedAt, &o.EasySummary)
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("offer")
	}
	if err != nil {
		return o, errs.Wrap(err, "get offer")
	}
	o.MinimumAgeMonths, o.MaximumAgeMonths = intPtr(minAge), intPtr(maxAge)
	o.ValidFrom, o.ValidTo, o.LastConfirmedAt = datePtr(from), datePtr(to), utcPtr(confirmed)
	o.Delivery = splitList(delivery)
	if err := json.Unmarshal([]byte(sched), &o.Schedule); err != nil {
		return o, errs.Wrap(err, "schedule of offer "+o.ID.String())
	}
	if err := s.loadOfferTerms(ctx, &o); err != nil {
		return o, err
	}
	if err := s.loadOfferLocations(ctx, &o); err != nil {
		return o, err
	}
	return o, s.loadServiceAreas(ctx, &o)
}

func (s *Store) loadServiceAreas(ctx context.Context, o *catalog.Offer) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT sa.area_id FROM offer_service_areas sa JOIN areas a ON a.id = sa.area_id
		WHERE sa.offer_id = ? ORDER BY a.key, a.id`), o.ID)
	if err != nil {
		return errs.Wrap(err, "service areas")
	}
	defer rows.Close()
	o.ServiceAreaIDs = nil
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return errs.Wrap(err, "scan service area")
		}
		o.ServiceAreaIDs = append(o.ServiceAreaIDs, id)
	}
	return errs.Wrap(rows.Err(), "service areas")
}

func (s *Store) loadOfferTerms(ctx context.Context, o *catalog.Offer) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT t.taxonomy, t.code FROM offer_terms t
		JOIN taxonomy_terms m ON m.taxonomy = t.taxonomy AND m.code = t.code WHERE t.offer_id = ? ORDER BY t.taxonomy, m.sort`), o.ID)
	if err != nil {
		return errs.Wrap(err, "offer terms")
	}
	defer rows.Close()
	lists := termLists(o)
	for _, l := range lists {
		*l = []string{}
	}
	for rows.Next() {
		var tax, code string
		if err := rows.Scan(&tax, &code); err != nil {
			return errs.Wrap(err, "scan offer term")
		}
		if l, ok := lists[tax]; ok {
			*l = append(*l, code)
		}
	}
	return errs.Wrap(rows.Err(), "offer terms")
}

func (s *Store) loadOfferLocations(ctx context.Context, o *catalog.Offer) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT ol.location_id FROM offer_locations ol JOIN locations l ON l.id = ol.location_id
		WHERE ol.offer_id = ? ORDER BY l.name, l.id`), o.ID)
	if err != nil {
		return errs.Wrap(err, "offer locations")
	}
	defer rows.Close()
	o.LocationIDs = []uuid.UUID{}
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return errs.Wrap(err, "scan offer location")
		}
		o.LocationIDs = append(o.LocationIDs, id)
	}
	return errs.Wrap(rows.Err(), "offer locations")
}

// offerScope is the tenant condition on offers; the public sees only active offers.
func (s *Store) offerScope(scope tenant.Scope, prefix string) (string, []any) {
	where, args := s.scopeWhere(scope, prefix+"kommune_id")
	if scope.PublishedOnly() {
		where += " AND " + prefix + "status = 'active'"
	}
	return where, args
}

// OfferFilter narrows ListOffers. Zero fields do not filter.
type OfferFilter struct {
	KommuneID      uuid.UUID
	AreaID         uuid.UUID
	OrganizationID uuid.UUID
	Phase          string
	Field          string
	Limit          int
	Offset         int
}

// ListOffers lists offers in scope, ordered by name, with the total count.
func (s *Store) ListOffers(ctx context.Context, scope tenant.Scope, f OfferFilter) ([]catalog.OfferSummary, int, error) {
	where, args := s.offerScope(scope, "o.")
	add := func(cond string, v any) {
		where += " AND " + cond
		args = append(args, v)
	}
	if f.KommuneID != uuid.Nil {
		add("o.kommune_id = ?", f.KommuneID)
	}
	if f.OrganizationID != uuid.Nil {
		add("o.organization_id = ?", f.OrganizationID)
	}
	if f.AreaID != uuid.Nil {
		add("o.id IN (SELECT ol.offer_id FROM offer_locations ol JOIN locations l ON l.id = ol.location_id WHERE l.area_id = ?)", f.AreaID)
	}
	if f.Phase != "" {
		add("o.id IN (SELECT offer_id FROM offer_terms WHERE taxonomy = 'phase' AND code = ?)", f.Phase)
	}
	if f.Field != "" {
		add("o.id IN (SELECT offer_id FROM offer_terms WHERE taxonomy = 'field' AND code = ?)", f.Field)
	}
	var total int
	if err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM offers o WHERE `+where), args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count offers")
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT o.id, o.kommune_id, o.organization_id, g.name, o.name, o.status, o.cost,
		o.minimum_age_months, o.maximum_age_months, o.last_confirmed_at
		FROM offers o JOIN organizations g ON g.id = o.organization_id WHERE `+where+` ORDER BY o.name, o.id LIMIT ? OFFSET ?`),
		append(args, limit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list offers")
	}
	defer rows.Close()
	var out []catalog.OfferSummary
	for rows.Next() {
		var o catalog.OfferSummary
		var minAge, maxAge sql.NullInt64
		var confirmed sql.NullTime
		if err := rows.Scan(&o.ID, &o.KommuneID, &o.OrganizationID, &o.OrganizationName, &o.Name, &o.Status, &o.Cost,
			&minAge, &maxAge, &confirmed); err != nil {
			return nil, 0, errs.Wrap(err, "scan offer")
		}
		o.MinimumAgeMonths, o.MaximumAgeMonths, o.LastConfirmedAt = intPtr(minAge), intPtr(maxAge), utcPtr(confirmed)
		out = append(out, o)
	}
	return out, total, errs.Wrap(rows.Err(), "list offers")
}

func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func datePtr(t sql.NullTime) *catalog.Date {
	if !t.Valid {
		return nil
	}
	d := catalog.DateOf(t.Time.UTC())
	return &d
}

func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
