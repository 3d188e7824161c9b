package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// auditCount is the number of audit entries of one entity.
func auditCount(t *testing.T, s *store.Store, entity, id string) int {
	t.Helper()
	entries, err := s.ListAudit(ctx, system, audit.Filter{Entity: entity, EntityID: id, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestOrganizationIsUpdatedAndArchivedWithItsOffersTakenOffline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		coordinator := tenant.Kommune(f.kommune.ID)
		original, err := s.GetOrganization(ctx, coordinator, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		changed := f.org
		changed.Name, changed.Kind, changed.Email = "Familienzentrum Mitte e. V.", "verein", "post@fz-mitte.example"
		if err := s.UpdateOrganization(ctx, coordinator, tester, &changed); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetOrganization(ctx, coordinator, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != changed.Name || got.Kind != "verein" || got.Email != changed.Email || got.KommuneID != f.kommune.ID ||
			!got.CreatedAt.Equal(original.CreatedAt) || got.ArchivedAt != nil {
			t.Errorf("after update: %+v", got)
		}
		if n := auditCount(t, s, "organization", f.org.ID.String()); n != 2 {
			t.Errorf("%d audit entries of the organization, want create and update", n)
		}

		bad := got
		bad.Name, bad.Email = " ", "kein-at"
		err = s.UpdateOrganization(ctx, coordinator, tester, &bad)
		if e := errs.As(err); e.Code != errs.Invalid || len(e.Fields) != 2 {
			t.Fatalf("invalid update: %v, want two field errors", err)
		}
		if again, _ := s.GetOrganization(ctx, coordinator, f.org.ID); again.Name != changed.Name {
			t.Errorf("an invalid update changed the name to %q", again.Name)
		}

		n, err := s.ArchiveOrganization(ctx, coordinator, tester, f.org.ID)
		if err != nil || n != 1 {
			t.Fatalf("archive: %d offers, %v; want the one active offer", n, err)
		}
		archived, err := s.GetOrganization(ctx, coordinator, f.org.ID)
		if err != nil || archived.ArchivedAt == nil {
			t.Fatalf("archived organization: %+v %v", archived, err)
		}
		offer, err := s.GetOffer(ctx, coordinator, f.offer.ID)
		if err != nil || offer.Status != catalog.StatusInactive {
			t.Errorf("offer of an archived organization: status %q, %v; want inactive", offer.Status, err)
		}
		if _, err := s.GetOffer(ctx, tenant.Public(), f.offer.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("the public still sees the offer of an archived organization: %v", err)
		}
		if _, err := s.GetLocation(ctx, coordinator, f.loc.ID); err != nil {
			t.Errorf("the location of an archived organization is kept: %v", err)
		}
		if n := auditCount(t, s, "offer", f.offer.ID.String()); n != 2 {
			t.Errorf("%d audit entries of the offer, want create and the archive's update", n)
		}
		if n, err := s.ArchiveOrganization(ctx, coordinator, tester, f.org.ID); err != nil || n != 0 {
			t.Errorf("archiving twice: %d, %v; want nothing to do", n, err)
		}
		active, total, err := s.ListOrganizations(ctx, coordinator, store.OrganizationFilter{KommuneID: f.kommune.ID, Active: true})
		if err != nil || total != 0 || len(active) != 0 {
			t.Errorf("active organizations after archiving the only one: %d %v", total, err)
		}
		if err := s.RestoreOrganization(ctx, tenant.Organizations(f.kommune.ID, f.org.ID), tester, f.org.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a provider editor restores: %v, want forbidden", err)
		}
		if err := s.RestoreOrganization(ctx, coordinator, tester, f.org.ID); err != nil {
			t.Fatal(err)
		}
		restored, _ := s.GetOrganization(ctx, coordinator, f.org.ID)
		offer, _ = s.GetOffer(ctx, coordinator, f.offer.ID)
		if restored.ArchivedAt != nil || offer.Status != catalog.StatusInactive {
			t.Errorf("restored: archived %v, offer %q; want active organization with its offer still inactive", restored.ArchivedAt, offer.Status)
		}
	})
}

func TestOrganizationsAreFoundByPartOfTheirName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		for _, name := range []string{"Kita Sonnenschein", "Beratungsstelle 50% Plus", "Kita Regenbogen"} {
			o := catalog.Organization{KommuneID: f.kommune.ID, Name: name, Kind: "kita"}
			if err := s.CreateOrganization(ctx, system, tester, &o); err != nil {
				t.Fatal(err)
			}
		}
		for query, want := range map[string]int{"kita": 2, "KITA REGEN": 1, "50%": 1, "%": 1, "_": 0, "familienzentrum": 1, "": 4} {
			list, total, err := s.ListOrganizations(ctx, system, store.OrganizationFilter{KommuneID: f.kommune.ID, Name: query})
			if err != nil || total != want || len(list) != want {
				t.Errorf("search %q: %d (%d listed), %v; want %d", query, total, len(list), err, want)
			}
		}
		page, total, err := s.ListOrganizations(ctx, system, store.OrganizationFilter{KommuneID: f.kommune.ID, Limit: 3, Offset: 3})
		if err != nil || total != 4 || len(page) != 1 {
			t.Errorf("second page of three: %d of %d, %v", len(page), total, err)
		}
	})
}

func TestLocationIsUpdatedAndItsAreaDerivedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		coordinator := tenant.Kommune(f.kommune.ID)
		if f.loc.AreaID == nil || *f.loc.AreaID != f.area.ID {
			t.Fatalf("seeded location is not in the seeded area: %v", f.loc.AreaID)
		}
		moved := f.loc
		moved.Name, moved.Latitude, moved.Longitude = "Außenstelle", 52.30, 10.60 // outside the only Area
		moved.OrganizationID = uuid.New()                                         // ignored: a location stays with its organization
		if err := s.UpdateLocation(ctx, coordinator, tester, &moved); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetLocation(ctx, coordinator, f.loc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Außenstelle" || got.AreaID != nil || got.OrganizationID != f.org.ID || got.Latitude != 52.30 {
			t.Errorf("after moving out of the area: %+v", got)
		}
		outside := got
		outside.Latitude, outside.Longitude = 48.85, 2.35 // Paris
		err = s.UpdateLocation(ctx, coordinator, tester, &outside)
		if e := errs.As(err); e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "latitude" {
			t.Fatalf("coordinates outside Germany: %v", err)
		}
		if again, _ := s.GetLocation(ctx, coordinator, f.loc.ID); again.Latitude != 52.30 {
			t.Errorf("refused update was saved: %+v", again)
		}
		if n := auditCount(t, s, "location", f.loc.ID.String()); n != 2 {
			t.Errorf("%d audit entries of the location, want create and update", n)
		}
	})
}

func TestProviderEditorChangesOnlyTheirOwnOrganizationsAndLocations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		other := catalog.Organization{KommuneID: f.kommune.ID, Name: "Jugendamt", Kind: "jugendamt"}
		if err := s.CreateOrganization(ctx, system, tester, &other); err != nil {
			t.Fatal(err)
		}
		otherLoc := f.loc
		otherLoc.ID, otherLoc.OrganizationID, otherLoc.Name = uuid.Nil, other.ID, "Rathaus"
		if err := s.CreateLocation(ctx, system, tester, &otherLoc); err != nil {
			t.Fatal(err)
		}
		editor := tenant.Organizations(f.kommune.ID, f.org.ID)
		readOnly := tenant.Kommune(f.kommune.ID)
		readOnly.ReadOnly = true

		own := f.org
		own.Description = "Neu beschrieben"
		if err := s.UpdateOrganization(ctx, editor, tester, &own); err != nil {
			t.Errorf("editor updates own organization: %v", err)
		}
		ownLoc := f.loc
		ownLoc.Accessibility = "Rampe am Seiteneingang"
		if err := s.UpdateLocation(ctx, editor, tester, &ownLoc); err != nil {
			t.Errorf("editor updates own location: %v", err)
		}
		newLoc := catalog.Location{OrganizationID: f.org.ID, Name: "Zweigstelle", Address1: "Ring 2", PostalCode: "38100",
			City: "Braunschweig", Latitude: 52.27, Longitude: 10.52}
		if err := s.CreateLocation(ctx, editor, tester, &newLoc); err != nil {
			t.Errorf("editor adds a location to own organization: %v", err)
		}

		before := auditTotal(t, s, f.kommune.ID)
		forbidden := map[string]func(tenant.Scope) error{
			"update foreign organization": func(sc tenant.Scope) error {
				o := other
				o.Name = "Übernommen"
				return s.UpdateOrganization(ctx, sc, tester, &o)
			},
			"update foreign location": func(sc tenant.Scope) error {
				l := otherLoc
				l.Name = "Übernommen"
				return s.UpdateLocation(ctx, sc, tester, &l)
			},
			"add location to foreign organization": func(sc tenant.Scope) error {
				l := newLoc
				l.ID, l.OrganizationID = uuid.Nil, other.ID
				return s.CreateLocation(ctx, sc, tester, &l)
			},
			"create organization": func(sc tenant.Scope) error {
				o := catalog.Organization{KommuneID: f.kommune.ID, Name: "Neu", Kind: "verein"}
				return s.CreateOrganization(ctx, sc, tester, &o)
			},
			"archive own organization": func(sc tenant.Scope) error {
				_, err := s.ArchiveOrganization(ctx, sc, tester, f.org.ID)
				return err
			},
			"upload areas": func(sc tenant.Scope) error {
				_, err := s.UpsertAreas(ctx, sc, tester, f.kommune.ID, []region.Area{{Key: "02", Name: "Nord",
					Geometry: square(52.29, 10.52, 0.01)}})
				return err
			},
			"create area": func(sc tenant.Scope) error {
				a := region.Area{KommuneID: f.kommune.ID, Key: "03", Name: "Süd", Geometry: square(52.25, 10.52, 0.01)}
				return s.CreateArea(ctx, sc, tester, &a)
			},
		}
		for name, write := range forbidden {
			for scopeName, sc := range map[string]tenant.Scope{"provider editor": editor, "read-only": readOnly} {
				if err := write(sc); !errs.Is(err, errs.Forbidden) {
					t.Errorf("%s as %s: %v, want forbidden", name, scopeName, err)
				}
			}
		}
		if after := auditTotal(t, s, f.kommune.ID); after != before {
			t.Errorf("refused writes left %d audit entries", after-before)
		}
		if got, _ := s.GetOrganization(ctx, system, other.ID); got.Name != "Jugendamt" {
			t.Errorf("foreign organization changed: %q", got.Name)
		}
	})
}

func TestWritesIntoAnotherKommuneAreNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		ol := seed(t, s, "03403000", "034030000000", 53.1435, 8.2146)
		own := tenant.Kommune(bs.kommune.ID)
		writes := map[string]func() error{
			"update organization": func() error { o := ol.org; o.Name = "x"; return s.UpdateOrganization(ctx, own, tester, &o) },
			"archive organization": func() error {
				_, err := s.ArchiveOrganization(ctx, own, tester, ol.org.ID)
				return err
			},
			"update location": func() error { l := ol.loc; l.Name = "x"; return s.UpdateLocation(ctx, own, tester, &l) },
			"create location": func() error {
				l := ol.loc
				l.ID = uuid.Nil
				return s.CreateLocation(ctx, own, tester, &l)
			},
			"create organization": func() error {
				o := catalog.Organization{KommuneID: ol.kommune.ID, Name: "x", Kind: "verein"}
				return s.CreateOrganization(ctx, own, tester, &o)
			},
			"upload areas": func() error {
				_, err := s.UpsertAreas(ctx, own, tester, ol.kommune.ID, []region.Area{{Key: "01", Name: "x", Geometry: square(53.14, 8.21, 0.01)}})
				return err
			},
		}
		before := auditTotal(t, s, ol.kommune.ID)
		for name, write := range writes {
			if err := write(); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s in another Kommune: %v, want not found", name, err)
			}
		}
		if after := auditTotal(t, s, ol.kommune.ID); after != before {
			t.Errorf("the other Kommune got %d audit entries", after-before)
		}
	})
}

func TestUploadedAreasAreCreatedOrUpdatedByKeyAndLocationsFollow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		coordinator := tenant.Kommune(f.kommune.ID)
		// The seeded location lies at (52.2699, 10.5248) inside Area "01". The new "01" is moved north, so the
		// location falls into the new Area "02" instead.
		upload := []region.Area{
			{Key: "01", Name: "Mitte (neu)", Geometry: square(52.30, 10.5268, 0.01), Children: region.Children{Age0to2: 99}},
			{Key: "02", Name: "Bahnhof", Geometry: square(52.2699, 10.5248, 0.005)},
		}
		res, err := s.UpsertAreas(ctx, coordinator, tester, f.kommune.ID, upload)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || res.Updated != 1 || res.Relocated != 1 {
			t.Errorf("upload result %+v, want one created, one updated, one location moved", res)
		}
		areas, err := s.ListAreas(ctx, coordinator, f.kommune.ID)
		if err != nil || len(areas) != 2 {
			t.Fatalf("areas after upload: %d %v", len(areas), err)
		}
		if areas[0].ID != f.area.ID || areas[0].Name != "Mitte (neu)" || areas[0].Version != 2 || areas[0].Children.Age0to2 != 99 {
			t.Errorf("updated area: %+v", areas[0])
		}
		loc, err := s.GetLocation(ctx, coordinator, f.loc.ID)
		if err != nil || loc.AreaID == nil || *loc.AreaID != areas[1].ID {
			t.Errorf("location after upload is in %v, want the new area %s (%v)", loc.AreaID, areas[1].ID, err)
		}
		if n := auditCount(t, s, "location", f.loc.ID.String()); n != 2 {
			t.Errorf("%d audit entries of the moved location, want create and the move", n)
		}
	})
}

func TestAnInvalidAreaInAnUploadSavesNone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		coordinator := tenant.Kommune(f.kommune.ID)
		before := auditTotal(t, s, f.kommune.ID)
		upload := []region.Area{
			{Key: "01", Name: "Mitte (neu)", Geometry: square(52.30, 10.5268, 0.01)},
			{Key: "02", Name: "Paris", Geometry: square(48.85, 2.35, 0.01)},
			{Key: "01", Name: "Doppelt", Geometry: square(52.20, 10.5268, 0.01)},
		}
		_, err := s.UpsertAreas(ctx, coordinator, tester, f.kommune.ID, upload)
		e := errs.As(err)
		if e.Code != errs.Invalid || len(e.Fields) != 2 || e.Fields[0].Field != "areas.2.geometry" || e.Fields[1].Field != "areas.3.key" {
			t.Fatalf("invalid upload: %v", err)
		}
		areas, err := s.ListAreas(ctx, coordinator, f.kommune.ID)
		if err != nil || len(areas) != 1 || areas[0].Name != "Mitte" || areas[0].Version != 1 {
			t.Errorf("areas after a refused upload: %+v %v", areas, err)
		}
		if after := auditTotal(t, s, f.kommune.ID); after != before {
			t.Errorf("a refused upload left %d audit entries", after-before)
		}
	})
}

// auditTotal counts the audit entries of a Kommune.
func auditTotal(t *testing.T, s *store.Store, kommune uuid.UUID) int {
	t.Helper()
	entries, err := s.ListAudit(ctx, system, audit.Filter{KommuneID: kommune, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}
