package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var (
	ctx    = context.Background()
	tester = audit.System("test")
	system = tenant.System()
)

// square is a closed ring around (lat, lon) with half-width d degrees.
func square(lat, lon, d float64) orb.Polygon {
	return orb.Polygon{{{lon - d, lat - d}, {lon + d, lat - d}, {lon + d, lat + d}, {lon - d, lat + d}, {lon - d, lat - d}}}
}

type fixture struct {
	kommune region.Kommune
	area    region.Area
	org     catalog.Organization
	loc     catalog.Location
	offer   catalog.Offer
}

// seed creates a Kommune at (lat, lon) with one Area, organization, location and offer.
func seed(t testing.TB, s *store.Store, ags, ars string, lat, lon float64) fixture {
	t.Helper()
	var f fixture
	if err := s.UpsertLand(ctx, tester, region.Land{Code: ags[:2], Name: "Land " + ags[:2]}); err != nil {
		t.Fatal(err)
	}
	f.kommune = region.Kommune{AGS: ags, ARS: ars, Name: "Stadt " + ags, Type: region.TypeKreisfreieStadt, LandCode: ags[:2]}
	if err := s.CreateKommune(ctx, tester, &f.kommune); err != nil {
		t.Fatal(err)
	}
	f.area = region.Area{KommuneID: f.kommune.ID, Key: "01", Name: "Mitte", Geometry: square(lat, lon, 0.01),
		Children: region.Children{Age0to2: 120, Age3to5: 130, Age6to9: 150, Age10to15: 210, Age16to20: 190}}
	if err := s.CreateArea(ctx, system, tester, &f.area); err != nil {
		t.Fatal(err)
	}
	f.org = catalog.Organization{KommuneID: f.kommune.ID, Name: "Familienzentrum Mitte", Kind: "familienzentrum"}
	if err := s.CreateOrganization(ctx, system, tester, &f.org); err != nil {
		t.Fatal(err)
	}
	f.loc = catalog.Location{OrganizationID: f.org.ID, Name: "Haupthaus", Address1: "Marktplatz 1", PostalCode: "38100",
		City: "Braunschweig", Latitude: lat + 0.001, Longitude: lon - 0.002,
		OpeningHours: []catalog.Weekly{{Weekday: 1, Opens: "09:00", Closes: "12:00"}}}
	if err := s.CreateLocation(ctx, system, tester, &f.loc); err != nil {
		t.Fatal(err)
	}
	f.offer = validOffer(f.org.ID, f.loc.ID)
	if err := s.CreateOffer(ctx, system, tester, &f.offer); err != nil {
		t.Fatal(err)
	}
	return f
}

func validOffer(org, loc uuid.UUID) catalog.Offer {
	min, max := 0, 12
	confirmed := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	from := catalog.Date{Y: 2026, M: 1, D: 1}
	return catalog.Offer{OrganizationID: org, Name: "Babymassage", Description: "Sanfte Massage für Babys.",
		Status: catalog.StatusActive, Phases: []string{"age_0_3"}, Fields: []string{"health", "family_education"},
		TargetGroups: []string{"all_families"}, Transitions: []string{}, Languages: []string{"de", "tr"},
		MinimumAgeMonths: &min, MaximumAgeMonths: &max, Cost: catalog.CostFree, Access: catalog.AccessRegistration,
		Delivery: []string{catalog.DeliveryOnSite}, ApplicationProcess: "Handtuch mitbringen.",
		Schedule: catalog.Schedule{Timezone: "Europe/Berlin", Weekly: []catalog.Weekly{{Weekday: 3, Opens: "10:00", Closes: "11:00"}}},
		Email:    "info@fz-mitte.example", Phone: "0531 123456", URL: "https://fz-mitte.example",
		ValidFrom: &from, LastConfirmedAt: &confirmed, LocationIDs: []uuid.UUID{loc}}
}

func TestMigrateIsCurrentAndIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, err := s.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !st.UpToDate() || st.Current < 1 {
			t.Fatalf("after migrate: %+v, want up to date", st)
		}
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v; want nothing", applied, err)
		}
		taxs, err := s.ListTaxonomies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, tx := range taxs {
			got[tx.Code] = len(tx.Terms)
		}
		for code, n := range map[string]int{"phase": 6, "field": 9, "transition": 4} {
			if got[code] != n {
				t.Errorf("taxonomy %s has %d terms, want %d", code, got[code], n)
			}
		}
		if got["language"] < 180 {
			t.Errorf("languages: %d terms, want all of ISO 639-1", got["language"])
		}
	})
}

func TestFreshDatabaseReportsPendingMigrations(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s, err := store.Open(ctx, storetest.DSN(t, d), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			st, err := s.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.UpToDate() {
				t.Fatalf("empty database reported up to date: %+v", st)
			}
		})
	}
}

func TestOfferRoundTripsWithEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		got, err := s.GetOffer(ctx, tenant.Public(), f.offer.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := f.offer
		if got.Name != want.Name || got.KommuneID != f.kommune.ID || got.Cost != want.Cost || got.Access != want.Access ||
			*got.MinimumAgeMonths != 0 || *got.MaximumAgeMonths != 12 || got.ApplicationProcess != want.ApplicationProcess ||
			got.Email != want.Email || got.Phone != want.Phone || got.URL != want.URL {
			t.Fatalf("scalars differ:\n got %+v\nwant %+v", got, want)
		}
		if !equal(got.Phases, []string{"age_0_3"}) || !equal(got.Fields, []string{"health", "family_education"}) ||
			!equal(got.Languages, []string{"de", "tr"}) || !equal(got.Delivery, []string{"on_site"}) ||
			!equal(got.TargetGroups, []string{"all_families"}) || len(got.Transitions) != 0 {
			t.Fatalf("terms differ: %+v", got)
		}
		if got.ValidFrom == nil || got.ValidFrom.String() != "2026-01-01" || got.ValidTo != nil {
			t.Fatalf("validity: from %v to %v", got.ValidFrom, got.ValidTo)
		}
		if got.LastConfirmedAt == nil || !got.LastConfirmedAt.Equal(*want.LastConfirmedAt) {
			t.Fatalf("last confirmed: %v", got.LastConfirmedAt)
		}
		if len(got.Schedule.Weekly) != 1 || got.Schedule.Weekly[0].Opens != "10:00" || got.Schedule.Timezone != "Europe/Berlin" {
			t.Fatalf("schedule: %+v", got.Schedule)
		}
		if len(got.LocationIDs) != 1 || got.LocationIDs[0] != f.loc.ID {
			t.Fatalf("locations: %v", got.LocationIDs)
		}
	})
}

func TestLocationAreaIsDerivedByPointInPolygon(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		if f.loc.AreaID == nil || *f.loc.AreaID != f.area.ID {
			t.Fatalf("location inside the area got area %v, want %v", f.loc.AreaID, f.area.ID)
		}
		outside := catalog.Location{OrganizationID: f.org.ID, Name: "Außenstelle", Address1: "Feldweg 9", PostalCode: "38110",
			City: "Braunschweig", Latitude: 52.35, Longitude: 10.6}
		if err := s.CreateLocation(ctx, system, tester, &outside); err != nil {
			t.Fatal(err)
		}
		if outside.AreaID != nil {
			t.Fatalf("location outside every area got area %v", outside.AreaID)
		}
		// A new Area drawn around the outside location adopts it.
		north := region.Area{KommuneID: f.kommune.ID, Key: "02", Name: "Nord", Geometry: square(52.35, 10.6, 0.01)}
		if err := s.CreateArea(ctx, system, tester, &north); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetLocation(ctx, system, outside.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AreaID == nil || *got.AreaID != north.ID {
			t.Fatalf("after drawing Nord the location's area is %v, want %v", got.AreaID, north.ID)
		}
		offers, total, err := s.ListOffers(ctx, tenant.Public(), store.OfferFilter{AreaID: f.area.ID})
		if err != nil || total != 1 || len(offers) != 1 || offers[0].ID != f.offer.ID {
			t.Fatalf("offers of area Mitte: %v total %d err %v", offers, total, err)
		}
	})
}

func TestCrossTenantReadsReturnNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		ol := seed(t, s, "03403000", "034030000000", 53.1435, 8.2146)
		own, foreign := tenant.Kommune(bs.kommune.ID), ol
		checks := map[string]func() error{
			"kommune":      func() error { _, err := s.GetKommune(ctx, own, foreign.kommune.ID); return err },
			"kommune ags":  func() error { _, err := s.GetKommuneByAGS(ctx, own, foreign.kommune.AGS); return err },
			"area":         func() error { _, err := s.GetArea(ctx, own, foreign.area.ID); return err },
			"areas":        func() error { _, err := s.ListAreas(ctx, own, foreign.kommune.ID); return err },
			"organization": func() error { _, err := s.GetOrganization(ctx, own, foreign.org.ID); return err },
			"location":     func() error { _, err := s.GetLocation(ctx, own, foreign.loc.ID); return err },
			"offer":        func() error { _, err := s.GetOffer(ctx, own, foreign.offer.ID); return err },
			"update offer": func() error {
				o := foreign.offer
				o.Name = "gekapert"
				return s.UpdateOffer(ctx, own, tester, &o)
			},
			"delete offer": func() error { return s.DeleteOffer(ctx, own, tester, foreign.offer.ID) },
			"create area in foreign kommune": func() error {
				a := region.Area{KommuneID: foreign.kommune.ID, Key: "x", Name: "x", Geometry: square(53.1, 8.2, 0.01)}
				return s.CreateArea(ctx, own, tester, &a)
			},
		}
		for name, check := range checks {
			if err := check(); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s across tenants: got %v, want not found", name, err)
			}
		}
		if _, err := s.GetOffer(ctx, own, bs.offer.ID); err != nil {
			t.Errorf("own offer: %v", err)
		}
		list, err := s.ListKommunen(ctx, own)
		if err != nil || len(list) != 1 || list[0].ID != bs.kommune.ID {
			t.Errorf("kommunen in own scope: %v %v", list, err)
		}
		offers, total, err := s.ListOffers(ctx, own, store.OfferFilter{KommuneID: foreign.kommune.ID})
		if err != nil || total != 0 || len(offers) != 0 {
			t.Errorf("listing foreign offers: %d %v", total, err)
		}
		land, err := s.ListKommunen(ctx, tenant.Land("03"))
		if err != nil || len(land) != 2 {
			t.Errorf("Land 03 sees %d kommunen, err %v; want 2", len(land), err)
		}
		if got, _ := s.GetOffer(ctx, own, foreign.offer.ID); got.Name == "gekapert" {
			t.Error("foreign offer was changed")
		}
	})
}

func TestInvalidOfferIsRefusedWithFieldErrorsAndNothingIsWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		bad := validOffer(f.org.ID, f.loc.ID)
		min, max := 36, 12
		bad.Name, bad.MinimumAgeMonths, bad.MaximumAgeMonths, bad.Phases = " ", &min, &max, []string{"age_99"}
		err := s.CreateOffer(ctx, system, tester, &bad)
		if !errs.Is(err, errs.Invalid) {
			t.Fatalf("got %v, want invalid", err)
		}
		fields := map[string]bool{}
		for _, fe := range errs.As(err).Fields {
			fields[fe.Field] = true
		}
		for _, want := range []string{"name", "minimum_age_months", "phases"} {
			if !fields[want] {
				t.Errorf("no error for field %s in %v", want, err)
			}
		}
		_, total, _ := s.ListOffers(ctx, system, store.OfferFilter{KommuneID: f.kommune.ID})
		if total != 1 {
			t.Fatalf("offers after refused create: %d, want 1", total)
		}
		entries, _ := s.ListAudit(ctx, system, audit.Filter{Entity: "offer"})
		if len(entries) != 1 {
			t.Fatalf("audit entries for offers: %d, want 1 (the valid one)", len(entries))
		}
	})
}

func TestKommuneRulesAndUniqueAGS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		dup := region.Kommune{AGS: f.kommune.AGS, ARS: f.kommune.ARS, Name: "Doppelt", Type: region.TypeKreisfreieStadt, LandCode: "03"}
		if err := s.CreateKommune(ctx, tester, &dup); !errs.Is(err, errs.Conflict) {
			t.Fatalf("duplicate AGS: got %v, want conflict", err)
		}
		bad := region.Kommune{AGS: "3101000", ARS: "031010000000", Name: "Kurz", Type: region.TypeKreisfreieStadt, LandCode: "03"}
		err := s.CreateKommune(ctx, tester, &bad)
		if !errs.Is(err, errs.Invalid) || errs.As(err).Fields[0].Field != "ags" {
			t.Fatalf("malformed AGS: got %v, want invalid ags", err)
		}
		if _, err := s.GetKommuneByAGS(ctx, system, "0310"); !errs.Is(err, errs.BadRequest) {
			t.Fatalf("lookup by malformed AGS: got %v, want bad request", err)
		}
	})
}

func TestAuditLogRecordsBeforeAndAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		changed := f.offer
		changed.Name = "Babymassage für Väter"
		changed.TargetGroups = []string{"fathers"}
		if err := s.UpdateOffer(ctx, system, audit.Actor{Kind: "user", ID: "anna"}, &changed); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetOffer(ctx, system, f.offer.ID)
		if err != nil || got.Name != "Babymassage für Väter" || !equal(got.TargetGroups, []string{"fathers"}) {
			t.Fatalf("after update: %+v %v", got, err)
		}
		if err := s.DeleteOffer(ctx, system, audit.Actor{Kind: "user", ID: "anna"}, f.offer.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetOffer(ctx, system, f.offer.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("deleted offer: %v", err)
		}
		entries, err := s.ListAudit(ctx, tenant.Kommune(f.kommune.ID), audit.Filter{Entity: "offer", EntityID: f.offer.ID.String()})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 {
			t.Fatalf("audit entries: %d, want create, update, delete", len(entries))
		}
		del, upd, cre := entries[0], entries[1], entries[2]
		if cre.Action != audit.Create || upd.Action != audit.Update || del.Action != audit.Delete {
			t.Fatalf("actions: %s %s %s", cre.Action, upd.Action, del.Action)
		}
		if upd.Actor != "user:anna" || len(upd.Before) == 0 || len(upd.After) == 0 || len(del.After) != 0 || len(cre.Before) != 0 {
			t.Fatalf("update entry: %+v", upd)
		}
		if !contains(string(upd.Before), "Babymassage\"") || !contains(string(upd.After), "Babymassage für Väter") {
			t.Fatalf("before/after: %s → %s", upd.Before, upd.After)
		}
		other := seed(t, s, "03403000", "034030000000", 53.1435, 8.2146)
		foreign, _ := s.ListAudit(ctx, tenant.Kommune(other.kommune.ID), audit.Filter{Entity: "offer", EntityID: f.offer.ID.String()})
		if len(foreign) != 0 {
			t.Fatalf("another Kommune sees %d audit entries of this offer", len(foreign))
		}
	})
}

func TestPublicSeesOnlyActiveOffers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		o := f.offer
		o.Status = catalog.StatusInactive
		if err := s.UpdateOffer(ctx, system, tester, &o); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetOffer(ctx, tenant.Public(), o.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("public read of inactive offer: %v", err)
		}
		if _, err := s.GetOffer(ctx, tenant.Kommune(f.kommune.ID), o.ID); err != nil {
			t.Fatalf("own Kommune reads inactive offer: %v", err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
