// Package workflow is the Freigabe: how a change to the public catalogue is proposed, reviewed and published.
// New offers start as drafts; a provider editor's change to a published offer becomes a change request that a
// coordinator approves or returns with a comment; only approved content is public. A change request holds the
// whole proposed offer and the version it was based on, so the reviewer sees a side-by-side diff and an
// approval cannot silently overwrite a change made in the meantime.
package workflow

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
)

// State is where a change request stands.
type State string

const (
	Draft     State = "draft"     // being written, not yet sent for review
	Submitted State = "submitted" // waiting for the coordinator
	Returned  State = "returned"  // sent back with a comment; the author may edit and submit again
	Approved  State = "approved"  // published
	Withdrawn State = "withdrawn" // given up by its author
)

// Open reports whether the request can still change.
func (s State) Open() bool { return s == Draft || s == Submitted || s == Returned }

// Kind says whether a request creates an offer or changes a published one.
type Kind string

const (
	Create Kind = "create"
	Update Kind = "update"
)

// ChangeRequest is a proposed version of an offer.
type ChangeRequest struct {
	ID             uuid.UUID      `json:"id"`
	KommuneID      uuid.UUID      `json:"kommune_id"`
	OrganizationID uuid.UUID      `json:"organization_id"`
	OfferID        uuid.UUID      `json:"offer_id"`
	Kind           Kind           `json:"kind"`
	State          State          `json:"state"`
	Proposed       catalog.Offer  `json:"proposed"`
	Base           *catalog.Offer `json:"base,omitempty"` // the published version it changes (Update only)
	AuthorID       uuid.UUID      `json:"author_id"`
	AuthorName     string         `json:"author_name,omitempty"`
	Comment        string         `json:"comment,omitempty"` // the reviewer's reason for returning it
	DecidedBy      *uuid.UUID     `json:"decided_by,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	SubmittedAt    *time.Time     `json:"submitted_at,omitempty"`
	DecidedAt      *time.Time     `json:"decided_at,omitempty"`
}

// MaxComment caps the reviewer's comment.
const MaxComment = 4000

// Change is one field of a diff: the values before and after, as display strings or taxonomy codes.
type Change struct {
	Field    string   `json:"field"`
	Taxonomy string   `json:"taxonomy,omitempty"` // set when the values are codes of this taxonomy
	Before   []string `json:"before"`
	After    []string `json:"after"`
	Changed  bool     `json:"changed"`
}

// Diff compares the base version with the proposed one field by field, in the order of the editing form.
// A nil base (a new offer) shows every field as new.
func Diff(base *catalog.Offer, proposed catalog.Offer) []Change {
	var b catalog.Offer
	if base != nil {
		b = *base
	}
	rows := []Change{
		text("name", b.Name, proposed.Name),
		text("description", b.Description, proposed.Description),
		text("x_easy_language_summary", b.EasySummary, proposed.EasySummary),
		text("status", b.Status, proposed.Status),
		codes("phases", "phase", b.Phases, proposed.Phases),
		codes("fields", "field", b.Fields, proposed.Fields),
		codes("target_groups", "target_group", b.TargetGroups, proposed.TargetGroups),
		codes("transitions", "transition", b.Transitions, proposed.Transitions),
		codes("languages", "language", b.Languages, proposed.Languages),
		text("minimum_age_months", intText(b.MinimumAgeMonths), intText(proposed.MinimumAgeMonths)),
		text("maximum_age_months", intText(b.MaximumAgeMonths), intText(proposed.MaximumAgeMonths)),
		text("cost", b.Cost, proposed.Cost),
		text("cost_description", b.CostDescription, proposed.CostDescription),
		text("access", b.Access, proposed.Access),
		list("delivery", b.Delivery, proposed.Delivery),
		text("application_process", b.ApplicationProcess, proposed.ApplicationProcess),
		list("schedule", scheduleLines(b.Schedule), scheduleLines(proposed.Schedule)),
		text("email", b.Email, proposed.Email),
		text("url", b.URL, proposed.URL),
		text("phone", b.Phone, proposed.Phone),
		text("valid_from", dateText(b.ValidFrom), dateText(proposed.ValidFrom)),
		text("valid_to", dateText(b.ValidTo), dateText(proposed.ValidTo)),
		list("location_ids", uuids(b.LocationIDs), uuids(proposed.LocationIDs)),
		list("service_area_ids", uuids(b.ServiceAreaIDs), uuids(proposed.ServiceAreaIDs)),
	}
	return rows
}

// Changed reports whether the proposal differs from its base at all.
func Changed(d []Change) bool {
	return slices.ContainsFunc(d, func(c Change) bool { return c.Changed })
}

func text(field, before, after string) Change {
	c := Change{Field: field, Changed: before != after}
	if before != "" {
		c.Before = []string{before}
	}
	if after != "" {
		c.After = []string{after}
	}
	return c
}

func list(field string, before, after []string) Change {
	return Change{Field: field, Before: before, After: after, Changed: !sameSet(before, after)}
}

func codes(field, taxonomy string, before, after []string) Change {
	c := list(field, before, after)
	c.Taxonomy = taxonomy
	return c
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func intText(v *int) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(*v)
}

func dateText(d *catalog.Date) string {
	if d == nil {
		return ""
	}
	b, _ := json.Marshal(d)
	return strings.Trim(string(b), `"`)
}

func uuids(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// scheduleLines renders weekly hours as "1 09:00–12:00" lines (weekday number first, for the page to name).
func scheduleLines(s catalog.Schedule) []string {
	var out []string
	for _, w := range s.Weekly {
		out = append(out, fmt.Sprintf("%d %s–%s", w.Weekday, w.Opens, w.Closes))
	}
	if s.Notes != "" {
		out = append(out, s.Notes)
	}
	return out
}
