package catalog

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/taxonomy"
)

func vocabulary(t *testing.T) *taxonomy.Set {
	t.Helper()
	tax, err := taxonomy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

func goodOffer() Offer {
	min, max := 36, 71
	return Offer{OrganizationID: uuid.New(), Name: "Vorschulgruppe", Status: StatusActive, Phases: []string{"age_3_6"},
		Fields: []string{"education"}, Transitions: []string{"kita_school"}, Languages: []string{"de", "uk"},
		MinimumAgeMonths: &min, MaximumAgeMonths: &max, Cost: CostFree, Access: AccessOpen,
		Delivery: []string{DeliveryOnSite}, LocationIDs: []uuid.UUID{uuid.New()},
		Schedule: Schedule{Timezone: DefaultTimezone, Weekly: []Weekly{{Weekday: 2, Opens: "14:00", Closes: "15:30"}}}}
}

func TestAValidOfferPasses(t *testing.T) {
	if err := goodOffer().Validate(vocabulary(t)); err != nil {
		t.Fatal(err)
	}
}

func TestOfferRulesNameTheField(t *testing.T) {
	tax := vocabulary(t)
	n := func(v int) *int { return &v }
	cases := []struct {
		name  string
		edit  func(*Offer)
		field string
		msg   string
	}{
		{"missing title", func(o *Offer) { o.Name = "" }, "name", "validation.required"},
		{"minimum above maximum", func(o *Offer) { o.MinimumAgeMonths, o.MaximumAgeMonths = n(72), n(36) }, "minimum_age_months", "validation.age_range"},
		{"negative age", func(o *Offer) { o.MinimumAgeMonths = n(-1) }, "minimum_age_months", "validation.age_months"},
		{"age beyond 27 years", func(o *Offer) { o.MaximumAgeMonths = n(400) }, "maximum_age_months", "validation.age_months"},
		{"unknown phase", func(o *Offer) { o.Phases = []string{"kindergarten"} }, "phases", "validation.unknown_code"},
		{"no phase", func(o *Offer) { o.Phases = nil }, "phases", "validation.required"},
		{"unknown field", func(o *Offer) { o.Fields = []string{"sport"} }, "fields", "validation.unknown_code"},
		{"unknown language", func(o *Offer) { o.Languages = []string{"deu"} }, "languages", "validation.unknown_code"},
		{"duplicate language", func(o *Offer) { o.Languages = []string{"de", "de"} }, "languages", "validation.duplicate"},
		{"unknown target group", func(o *Offer) { o.TargetGroups = []string{"reiche"} }, "target_groups", "validation.unknown_code"},
		{"unknown transition", func(o *Offer) { o.Transitions = []string{"kita_uni"} }, "transitions", "validation.unknown_code"},
		{"unknown cost", func(o *Offer) { o.Cost = "gratis" }, "cost", "validation.unknown_code"},
		{"unknown access", func(o *Offer) { o.Access = "vip" }, "access", "validation.unknown_code"},
		{"no delivery", func(o *Offer) { o.Delivery = nil }, "delivery", "validation.required"},
		{"unknown status", func(o *Offer) { o.Status = "draft?" }, "status", "validation.unknown_code"},
		{"on site without location", func(o *Offer) { o.LocationIDs = nil }, "location_ids", "validation.location_required"},
		{"bad e-mail", func(o *Offer) { o.Email = "info at fz" }, "email", "validation.email"},
		{"bad website", func(o *Offer) { o.URL = "ftp://fz.example" }, "url", "validation.url"},
		{"bad phone", func(o *Offer) { o.Phone = "ruf an" }, "phone", "validation.phone"},
		{"unknown time zone", func(o *Offer) { o.Schedule.Timezone = "Europe/Bonn" }, "schedule.timezone", "validation.timezone"},
		{"closing before opening", func(o *Offer) { o.Schedule.Weekly[0].Closes = "13:00" }, "schedule.weekly", "validation.hours"},
		{"weekday 8", func(o *Offer) { o.Schedule.Weekly[0].Weekday = 8 }, "schedule.weekly", "validation.weekday"},
		{"event ending before start", func(o *Offer) {
			start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			o.Schedule.Events = []Event{{Starts: start, Ends: start.Add(-time.Hour)}}
		}, "schedule.events", "validation.event_range"},
		{"valid to before valid from", func(o *Offer) {
			o.ValidFrom, o.ValidTo = &Date{2026, 5, 1}, &Date{2026, 4, 30}
		}, "valid_to", "validation.date_range"},
	}
	for _, c := range cases {
		o := goodOffer()
		c.edit(&o)
		err := o.Validate(tax)
		found := false
		for _, f := range errs.As(err).Fields {
			found = found || (f.Field == c.field && f.Message == c.msg)
		}
		if !errs.Is(err, errs.Invalid) || !found {
			t.Errorf("%s: got %v, want %s on %s", c.name, err, c.msg, c.field)
		}
	}
}

func TestLocationMustBeInGermanyWithAPostcode(t *testing.T) {
	l := Location{Name: "Haus", Address1: "Am Markt 1", PostalCode: "21335", City: "Lüneburg", Latitude: 53.25, Longitude: 10.41}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	l.Latitude, l.Longitude, l.PostalCode = 48.85, 2.35, "2133"
	f := map[string]string{}
	for _, fe := range errs.As(l.Validate()).Fields {
		f[fe.Field] = fe.Message
	}
	if f["latitude"] != "validation.outside_germany" || f["postal_code"] != "validation.postal_code" {
		t.Fatalf("Paris with a short postcode: %v", f)
	}
}

func TestOrganizationKindComesFromTheTaxonomy(t *testing.T) {
	tax := vocabulary(t)
	o := Organization{Name: "Hebammenpraxis Storchennest", Kind: "hebamme"}
	if err := o.Validate(tax); err != nil {
		t.Fatal(err)
	}
	o.Kind = "zauberer"
	if err := o.Validate(tax); !errs.Is(err, errs.Invalid) || errs.As(err).Fields[0].Field != "kind" {
		t.Fatalf("unknown kind: %v", err)
	}
}
