// Package planning is the planning cycle of a Präventionskette: Bestandsaufnahme → Bedarfsanalyse → Ziele →
// Maßnahmen → Monitoring, each step with a date, notes and attached reports, and the measures that close gaps
// (a measure names the gap – an Area with a phase and field, or a transition – and, once there is one, the offer
// that closes it). It is kept so that the next coordinator can pick up where the last one stopped.
package planning

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
)

// Step is one stage of the cycle.
type Step string

const (
	Inventory  Step = "bestandsaufnahme"
	NeedsAnal  Step = "bedarfsanalyse"
	Goals      Step = "ziele"
	Measures   Step = "massnahmen"
	Monitoring Step = "monitoring"
)

// Steps are the stages in their order.
func Steps() []Step { return []Step{Inventory, NeedsAnal, Goals, Measures, Monitoring} }

// Valid reports whether s is a stage.
func (s Step) Valid() bool {
	for _, x := range Steps() {
		if s == x {
			return true
		}
	}
	return false
}

// Cycle is one round of planning in a Kommune.
type Cycle struct {
	ID        uuid.UUID    `json:"id"`
	KommuneID uuid.UUID    `json:"kommune_id"`
	Title     string       `json:"title"`
	StartedOn catalog.Date `json:"started_on"`
	Steps     []StepRecord `json:"steps"`
	Measures  []Measure    `json:"measures"`
	Files     []Attachment `json:"attachments"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	Current   Step         `json:"current"` // the first step not done
}

// StepRecord is what was done in a step.
type StepRecord struct {
	Step   Step          `json:"step"`
	DoneOn *catalog.Date `json:"done_on,omitempty"`
	Notes  string        `json:"notes"`
}

// MeasureStatus is how far a measure is.
type MeasureStatus string

const (
	Planned    MeasureStatus = "planned"
	InProgress MeasureStatus = "in_progress"
	Done       MeasureStatus = "done"
	Dropped    MeasureStatus = "dropped"
)

// Statuses are the states of a measure in order.
func Statuses() []MeasureStatus { return []MeasureStatus{Planned, InProgress, Done, Dropped} }

// Measure closes a gap.
type Measure struct {
	ID         uuid.UUID     `json:"id"`
	CycleID    uuid.UUID     `json:"cycle_id"`
	KommuneID  uuid.UUID     `json:"kommune_id"`
	Title      string        `json:"title"`
	AreaID     uuid.UUID     `json:"area_id"`
	AreaName   string        `json:"area_name,omitempty"`
	Phase      string        `json:"phase,omitempty"`
	Field      string        `json:"field,omitempty"`
	Transition string        `json:"transition,omitempty"`
	OfferID    *uuid.UUID    `json:"offer_id,omitempty"`
	OfferName  string        `json:"offer_name,omitempty"`
	Status     MeasureStatus `json:"status"`
	DueOn      *catalog.Date `json:"due_on,omitempty"`
	Notes      string        `json:"notes"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

// Attachment is a report kept with a step (the Lückenbericht that went to the committee, a Beschluss).
type Attachment struct {
	ID          uuid.UUID `json:"id"`
	CycleID     uuid.UUID `json:"cycle_id"`
	KommuneID   uuid.UUID `json:"kommune_id"`
	Step        Step      `json:"step"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	Data        []byte    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Limits.
const (
	MaxTitle      = 200
	MaxNotes      = 20000
	MaxAttachment = 10 << 20
)

// AllowedTypes are the kinds of files a coordinator attaches: reports and office documents, never anything a
// browser would run.
var AllowedTypes = map[string]bool{"application/pdf": true, "application/zip": true, // XLSX/DOCX are zip files
	"text/plain; charset=utf-8": true, "text/csv": true, "image/png": true, "image/jpeg": true}

// Validate checks a cycle's own fields.
func (c Cycle) Validate() error {
	var v errs.Validation
	title(&v, "title", c.Title)
	if c.StartedOn == (catalog.Date{}) {
		v.Add("started_on", "validation.required", nil)
	}
	return v.Err()
}

// Validate checks a step record.
func (s StepRecord) Validate() error {
	var v errs.Validation
	if !s.Step.Valid() {
		v.Add("step", "validation.unknown_code", map[string]any{"Value": string(s.Step)})
	}
	if utf8.RuneCountInString(s.Notes) > MaxNotes {
		v.Add("notes", "validation.too_long", map[string]any{"Max": MaxNotes})
	}
	return v.Err()
}

// Validate checks a measure: it names one gap – a phase with a field, or a transition – in an Area.
func (m Measure) Validate() error {
	var v errs.Validation
	title(&v, "title", m.Title)
	if m.AreaID == uuid.Nil {
		v.Add("gap", "planning.validation.gap_required", nil)
	}
	cell := m.Phase != "" && m.Field != "" && m.Transition == ""
	transition := m.Transition != "" && m.Phase == "" && m.Field == ""
	if m.AreaID != uuid.Nil && !cell && !transition {
		v.Add("gap", "planning.validation.gap_required", nil)
	}
	ok := false
	for _, s := range Statuses() {
		ok = ok || m.Status == s
	}
	if !ok {
		v.Add("status", "validation.unknown_code", map[string]any{"Value": string(m.Status)})
	}
	if utf8.RuneCountInString(m.Notes) > MaxNotes {
		v.Add("notes", "validation.too_long", map[string]any{"Max": MaxNotes})
	}
	return v.Err()
}

func title(v *errs.Validation, field, t string) {
	if strings.TrimSpace(t) == "" {
		v.Add(field, "validation.required", nil)
	} else if utf8.RuneCountInString(t) > MaxTitle {
		v.Add(field, "validation.too_long", map[string]any{"Max": MaxTitle})
	}
}

// CurrentStep is the first step without a date, or Monitoring when all are done.
func CurrentStep(steps []StepRecord) Step {
	done := map[Step]bool{}
	for _, s := range steps {
		done[s.Step] = s.DoneOn != nil
	}
	for _, s := range Steps() {
		if !done[s] {
			return s
		}
	}
	return Monitoring
}
