package catalog

import (
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/taxonomy"
)

// MaxEasySummary bounds the Leichte-Sprache summary (in characters): a few short sentences, not a second
// description.
const MaxEasySummary = 1000

// MaxAgeMonths is the oldest age an offer may name: 27 years, the end of youth welfare (§ 7 SGB VIII).
const MaxAgeMonths = 27 * 12

var (
	postalCodePattern = regexp.MustCompile(`^[0-9]{5}$`)
	phonePattern      = regexp.MustCompile(`^\+?[0-9 ()/\-]{5,30}$`)
	timePattern       = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// Validate checks an organization against the vocabulary.
func (o Organization) Validate(tax *taxonomy.Set) error {
	var v errs.Validation
	required(&v, "name", o.Name)
	if !tax.Has(taxonomy.OrganizationKind, o.Kind) {
		v.Add("kind", "validation.unknown_code", map[string]any{"Value": o.Kind})
	}
	contact(&v, o.Email, o.Website, o.Phone)
	return v.Err()
}

// Validate checks a location: an address and WGS84 coordinates inside Germany.
func (l Location) Validate() error {
	var v errs.Validation
	required(&v, "name", l.Name)
	required(&v, "address_1", l.Address1)
	required(&v, "city", l.City)
	if !postalCodePattern.MatchString(l.PostalCode) {
		v.Add("postal_code", "validation.postal_code", map[string]any{"Value": l.PostalCode})
	}
	if !region.InGermany(l.Latitude, l.Longitude) {
		v.Add("latitude", "validation.outside_germany", nil)
	}
	weekly(&v, "opening_hours", l.OpeningHours)
	return v.Err()
}

// Validate checks an offer against the vocabulary: every rule of an offer lives here.
func (o Offer) Validate(tax *taxonomy.Set) error {
	var v errs.Validation
	required(&v, "name", o.Name)
	if len(o.Name) > 200 {
		v.Add("name", "validation.too_long", map[string]any{"Max": 200})
	}
	if utf8.RuneCountInString(o.EasySummary) > MaxEasySummary {
		v.Add("x_easy_language_summary", "validation.too_long", map[string]any{"Max": MaxEasySummary})
	}
	if o.OrganizationID == [16]byte{} {
		v.Add("organization_id", "validation.required", nil)
	}
	oneOf(&v, "status", o.Status, Statuses)
	oneOf(&v, "cost", o.Cost, CostKinds)
	oneOf(&v, "access", o.Access, AccessKinds)
	if len(o.Delivery) == 0 {
		v.Add("delivery", "validation.required", nil)
	}
	for _, d := range o.Delivery {
		oneOf(&v, "delivery", d, Deliveries)
	}
	if len(o.Phases) == 0 {
		v.Add("phases", "validation.required", nil)
	}
	if len(o.Fields) == 0 {
		v.Add("fields", "validation.required", nil)
	}
	terms(&v, tax, "phases", taxonomy.Phase, o.Phases)
	terms(&v, tax, "fields", taxonomy.Field, o.Fields)
	terms(&v, tax, "target_groups", taxonomy.TargetGroup, o.TargetGroups)
	terms(&v, tax, "transitions", taxonomy.Transition, o.Transitions)
	terms(&v, tax, "languages", taxonomy.Language, o.Languages)
	age(&v, "minimum_age_months", o.MinimumAgeMonths)
	age(&v, "maximum_age_months", o.MaximumAgeMonths)
	if o.MinimumAgeMonths != nil && o.MaximumAgeMonths != nil && *o.MinimumAgeMonths > *o.MaximumAgeMonths {
		v.Add("minimum_age_months", "validation.age_range", map[string]any{"Min": *o.MinimumAgeMonths, "Max": *o.MaximumAgeMonths})
	}
	if o.ValidFrom != nil && o.ValidTo != nil && o.ValidTo.Before(*o.ValidFrom) {
		v.Add("valid_to", "validation.date_range", nil)
	}
	contact(&v, o.Email, o.URL, o.Phone)
	schedule(&v, o.Schedule)
	if len(o.LocationIDs) == 0 && slices.Contains(o.Delivery, DeliveryOnSite) {
		v.Add("location_ids", "validation.location_required", nil)
	}
	return v.Err()
}

func required(v *errs.Validation, field, value string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, "validation.required", nil)
	}
}

func oneOf(v *errs.Validation, field, value string, allowed []string) {
	if !slices.Contains(allowed, value) {
		v.Add(field, "validation.unknown_code", map[string]any{"Value": value})
	}
}

func terms(v *errs.Validation, tax *taxonomy.Set, field, taxonomyCode string, codes []string) {
	seen := map[string]bool{}
	for _, c := range codes {
		if !tax.Has(taxonomyCode, c) {
			v.Add(field, "validation.unknown_code", map[string]any{"Value": c})
		}
		if seen[c] {
			v.Add(field, "validation.duplicate", map[string]any{"Value": c})
		}
		seen[c] = true
	}
}

func age(v *errs.Validation, field string, months *int) {
	if months != nil && (*months < 0 || *months > MaxAgeMonths) {
		v.Add(field, "validation.age_months", map[string]any{"Max": MaxAgeMonths})
	}
}

func contact(v *errs.Validation, email, website, phone string) {
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			v.Add("email", "validation.email", map[string]any{"Value": email})
		}
	}
	if website != "" {
		if u, err := url.Parse(website); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("url", "validation.url", map[string]any{"Value": website})
		}
	}
	if phone != "" && !phonePattern.MatchString(phone) {
		v.Add("phone", "validation.phone", map[string]any{"Value": phone})
	}
}

func schedule(v *errs.Validation, s Schedule) {
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "" {
		v.Add("schedule.timezone", "validation.timezone", map[string]any{"Value": s.Timezone})
	}
	weekly(v, "schedule.weekly", s.Weekly)
	for _, e := range s.Events {
		if e.Starts.IsZero() || !e.Ends.After(e.Starts) {
			v.Add("schedule.events", "validation.event_range", nil)
		}
	}
}

func weekly(v *errs.Validation, field string, hours []Weekly) {
	for _, w := range hours {
		if w.Weekday < 1 || w.Weekday > 7 {
			v.Add(field, "validation.weekday", nil)
		}
		if !timePattern.MatchString(w.Opens) || !timePattern.MatchString(w.Closes) || w.Closes <= w.Opens {
			v.Add(field, "validation.hours", map[string]any{"Opens": w.Opens, "Closes": w.Closes})
		}
	}
}
