// Package catalog is the Angebotsatlas: organizations (Träger, Einrichtungen), their locations (Standorte) and
// their offers (Angebote). Field names follow Open Referral HSDS 3.x (organization, location, service) wherever
// HSDS has the field; ages are in months because offers for babies are counted in months.
package catalog

import (
	"time"

	"github.com/google/uuid"
)

// Organization is a provider (HSDS organization).
type Organization struct {
	ID          uuid.UUID `json:"id"`
	KommuneID   uuid.UUID `json:"kommune_id"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"` // taxonomy organization_kind
	Description string    `json:"description"`
	Email       string    `json:"email,omitempty"`
	Website     string    `json:"website,omitempty"`
	Phone       string    `json:"phone,omitempty"`
	// ArchivedAt is set when the organization was archived (it stopped working); nil means active.
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// Location is a place where offers happen (HSDS location with its physical address).
type Location struct {
	ID                   uuid.UUID  `json:"id"`
	KommuneID            uuid.UUID  `json:"kommune_id"`
	OrganizationID       uuid.UUID  `json:"organization_id"`
	Name                 string     `json:"name"`
	Address1             string     `json:"address_1"`
	PostalCode           string     `json:"postal_code"`
	City                 string     `json:"city"`
	Latitude             float64    `json:"latitude"`
	Longitude            float64    `json:"longitude"`
	AreaID               *uuid.UUID `json:"area_id,omitempty"` // derived by point-in-polygon
	Accessibility        string     `json:"accessibility,omitempty"`
	WheelchairAccessible bool       `json:"wheelchair_accessible"`
	OpeningHours         []Weekly   `json:"opening_hours,omitempty"`
	CreatedAt            time.Time  `json:"created_at"`
	UpdatedAt            time.Time  `json:"updated_at"`
}

// Offer statuses (HSDS service.status).
const (
	StatusActive            = "active"
	StatusInactive          = "inactive"
	StatusDefunct           = "defunct"
	StatusTemporarilyClosed = "temporarily closed"
)

// Cost kinds.
const (
	CostFree    = "free"
	CostFee     = "fee"
	CostReduced = "reduced"
)

// Access kinds.
const (
	AccessOpen         = "open"
	AccessRegistration = "registration"
	AccessReferral     = "referral"
)

// Delivery kinds.
const (
	DeliveryOnSite   = "on_site"
	DeliveryOutreach = "outreach"
	DeliveryOnline   = "online"
	DeliveryPhone    = "phone"
)

// The closed code lists of an offer, in display order.
var (
	Statuses    = []string{StatusActive, StatusInactive, StatusTemporarilyClosed, StatusDefunct}
	CostKinds   = []string{CostFree, CostReduced, CostFee}
	AccessKinds = []string{AccessOpen, AccessRegistration, AccessReferral}
	Deliveries  = []string{DeliveryOnSite, DeliveryOutreach, DeliveryOnline, DeliveryPhone}
)

// Offer is an Angebot (HSDS service).
type Offer struct {
	ID                 uuid.UUID   `json:"id"`
	KommuneID          uuid.UUID   `json:"kommune_id"`
	OrganizationID     uuid.UUID   `json:"organization_id"`
	Name               string      `json:"name"`
	Description        string      `json:"description"`
	EasySummary        string      `json:"x_easy_language_summary,omitempty"` // Leichte Sprache; an HSDS extension (x_)
	Status             string      `json:"status"`
	Phases             []string    `json:"phases"`
	Fields             []string    `json:"fields"`
	TargetGroups       []string    `json:"target_groups"`
	Transitions        []string    `json:"transitions"`
	Languages          []string    `json:"languages"`
	MinimumAgeMonths   *int        `json:"minimum_age_months,omitempty"`
	MaximumAgeMonths   *int        `json:"maximum_age_months,omitempty"`
	Cost               string      `json:"cost"`
	CostDescription    string      `json:"cost_description,omitempty"`
	Access             string      `json:"access"`
	Delivery           []string    `json:"delivery"`
	ApplicationProcess string      `json:"application_process,omitempty"` // how to take part, what to bring
	Schedule           Schedule    `json:"schedule"`
	Email              string      `json:"email,omitempty"`
	URL                string      `json:"url,omitempty"`
	Phone              string      `json:"phone,omitempty"`
	ValidFrom          *Date       `json:"valid_from,omitempty"`
	ValidTo            *Date       `json:"valid_to,omitempty"`
	LastConfirmedAt    *time.Time  `json:"last_confirmed_at,omitempty"`
	LocationIDs        []uuid.UUID `json:"location_ids"`
	// ServiceAreaIDs are the Sozialräume the offer serves beyond its locations (HSDS service_area), e.g. the
	// districts an outreach offer visits; empty means: where its locations are (outreach: the whole Kommune).
	ServiceAreaIDs []uuid.UUID `json:"service_area_ids,omitempty"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
}

// OfferSummary is the row of an offer list.
type OfferSummary struct {
	ID               uuid.UUID  `json:"id"`
	KommuneID        uuid.UUID  `json:"kommune_id"`
	OrganizationID   uuid.UUID  `json:"organization_id"`
	OrganizationName string     `json:"organization_name"`
	Name             string     `json:"name"`
	Status           string     `json:"status"`
	Cost             string     `json:"cost"`
	MinimumAgeMonths *int       `json:"minimum_age_months,omitempty"`
	MaximumAgeMonths *int       `json:"maximum_age_months,omitempty"`
	LastConfirmedAt  *time.Time `json:"last_confirmed_at,omitempty"`
}

// Schedule is when an offer takes place: weekly hours and dated events, in an IANA time zone.
type Schedule struct {
	Timezone string   `json:"timezone"`
	Weekly   []Weekly `json:"weekly,omitempty"`
	Events   []Event  `json:"events,omitempty"`
	Notes    string   `json:"notes,omitempty"`
}

// Weekly is a recurring opening: weekday 1 (Monday) to 7 (Sunday), times as "15:04".
type Weekly struct {
	Weekday int    `json:"weekday"`
	Opens   string `json:"opens"`
	Closes  string `json:"closes"`
}

// Event is a dated occurrence, in local time of the schedule's zone.
type Event struct {
	Title  string    `json:"title,omitempty"`
	Starts time.Time `json:"starts"`
	Ends   time.Time `json:"ends"`
}

// DefaultTimezone is where all Kommunen are.
const DefaultTimezone = "Europe/Berlin"
