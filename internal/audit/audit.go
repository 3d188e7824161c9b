// Package audit describes the audit log: every create, update and delete records who did it, when, on what,
// and the object before and after. The store writes the entry in the same transaction as the change.
package audit

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Action is what happened.
type Action string

const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
)

// Actor is who acted: a user, or a system process such as the demo loader.
type Actor struct {
	Kind string // "user", "system", "token"
	ID   string
}

// System names a process acting without a user, e.g. System("demo").
func System(name string) Actor { return Actor{Kind: "system", ID: name} }

func (a Actor) String() string { return a.Kind + ":" + a.ID }

// Entry is one line of the audit log.
type Entry struct {
	ID        int64           `json:"id"`
	At        time.Time       `json:"at"`
	Actor     string          `json:"actor"`
	KommuneID *uuid.UUID      `json:"kommune_id,omitempty"`
	Action    Action          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  string          `json:"entity_id"`
	Before    json.RawMessage `json:"before,omitempty"`
	After     json.RawMessage `json:"after,omitempty"`
}

// Filter narrows a listing.
type Filter struct {
	Entity    string
	EntityID  string
	KommuneID uuid.UUID // zero: every Kommune of the scope
	Actor     string    // Actor.String(), e.g. "user:…"
	Action    Action
	Since     time.Time // zero: no lower bound
	Until     time.Time // exclusive; zero: no upper bound
	BeforeID  int64     // paging: only entries older than this id
	Limit     int
}
