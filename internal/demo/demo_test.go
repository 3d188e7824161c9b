package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

var (
	ctx    = context.Background()
	system = tenant.System()
)

var agsList = []string{"03101000", "03241001", "03355022", "03403000"}

// allOffers lists every offer matching f (all pages).
func allOffers(t *testing.T, s *store.Store, f store.OfferFilter) []catalog.OfferSummary {
	t.Helper()
	var out []catalog.OfferSummary
	f.Limit = 500
	for {
		f.Offset = len(out)
		page, total, err := s.ListOffers(ctx, system, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out
		}
	}
}

func load(t *testing.T, s *store.Store) map[string]region.Kommune {
	t.Helper()
	if err := demo.Load(ctx, s, nil); err != nil {
		t.Fatalf("load: %v", err)
	}
	ks := map[string]region.Kommune{}
	for _, ags := range agsList {
		k, err := s.GetKommuneByAGS(ctx, system, ags)
		if err != nil {
			t.Fatalf("kommune %s: %v", ags, err)
		}
		ks[ags] = k
	}
	return ks
}

func TestDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ks := load(t, s)
		sums, err := s.ListKommunen(ctx, system)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != 4 {
			t.Fatalf("%d Kommunen, want 4", len(sums))
		}
		offers := 0
		for _, k := range sums {
			offers += k.Offers
			if k.Areas < 6 || k.Areas > 12 {
				t.Errorf("%s: %d areas, want 6–12", k.Name, k.Areas)
			}
			if k.Organizations < 15 {
				t.Errorf("%s: %d organizations", k.Name, k.Organizations)
			}
		}
		if offers < 300 || offers > 600 {
			t.Errorf("%d offers, want 300–600", offers)
		}
		t.Logf("%d offers", offers)

		t.Run("every phase and field in every Kommune", func(t *testing.T) {
			tax := s.Taxonomies()
			for _, k := range ks {
				for _, p := range tax.Terms(taxonomy.Phase) {
					if _, n, _ := s.ListOffers(ctx, system, store.OfferFilter{KommuneID: k.ID, Phase: p.Code, Limit: 1}); n == 0 {
						t.Errorf("%s has no offer for phase %s", k.Name, p.Code)
					}
				}
				for _, f := range tax.Terms(taxonomy.Field) {
					if _, n, _ := s.ListOffers(ctx, system, store.OfferFilter{KommuneID: k.ID, Field: f.Code, Limit: 1}); n == 0 {
						t.Errorf("%s has no offer for field %s", k.Name, f.Code)
					}
				}
			}
		})

		t.Run("gap a: no health offer for 0-3 in Misburg-Anderten", func(t *testing.T) {
			for ags, k := range ks {
				areas, err := s.ListAreas(ctx, system, k.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range areas {
					got := allOffers(t, s, store.OfferFilter{AreaID: a.ID, Phase: demo.GapHealthPhase, Field: demo.GapHealthField})
					isGap := ags == demo.GapHealthKommuneAGS && a.Name == demo.GapHealthArea
					if isGap && len(got) != 0 {
						t.Errorf("gap area %s has %d health offers for 0-3", a.Name, len(got))
					}
					if !isGap && len(got) == 0 {
						t.Errorf("%s / %s has no health offer for 0-3: the gap would not stand out", k.Name, a.Name)
					}
					if isGap {
						// The Area is not empty otherwise, and no health 0–3 offer of the Kommune has a location there.
						if other := allOffers(t, s, store.OfferFilter{AreaID: a.ID}); len(other) < 3 {
							t.Errorf("gap area has only %d offers", len(other))
						}
						if a.Children.Age0to2 < 500 {
							t.Errorf("gap area has %d children under 3; it should be needy", a.Children.Age0to2)
						}
						for _, sum := range allOffers(t, s, store.OfferFilter{KommuneID: k.ID, Phase: demo.GapHealthPhase, Field: demo.GapHealthField}) {
							o, err := s.GetOffer(ctx, system, sum.ID)
							if err != nil {
								t.Fatal(err)
							}
							for _, lid := range o.LocationIDs {
								l, err := s.GetLocation(ctx, system, lid)
								if err != nil {
									t.Fatal(err)
								}
								if l.AreaID != nil && *l.AreaID == a.ID {
									t.Errorf("offer %q has a location in the gap area", o.Name)
								}
							}
						}
					}
				}
			}
		})

		t.Run("gap b: no kita_school transition in Lüneburg", func(t *testing.T) {
			count := map[string]int{}
			for ags, k := range ks {
				for _, sum := range allOffers(t, s, store.OfferFilter{KommuneID: k.ID}) {
					o, err := s.GetOffer(ctx, system, sum.ID)
					if err != nil {
						t.Fatal(err)
					}
					if slices.Contains(o.Transitions, demo.GapTransition) {
						count[ags]++
					}
				}
			}
			for _, ags := range agsList {
				if ags == demo.GapTransitionKommuneAGS && count[ags] != 0 {
					t.Errorf("Lüneburg has %d kita_school offers", count[ags])
				}
				if ags != demo.GapTransitionKommuneAGS && count[ags] < 3 {
					t.Errorf("%s has %d kita_school offers, want several", ags, count[ags])
				}
			}
		})

		t.Run("locations lie in an Area of their Kommune; Areas do not overlap", func(t *testing.T) {
			for _, k := range ks {
				areas, err := s.ListAreas(ctx, system, k.ID)
				if err != nil {
					t.Fatal(err)
				}
				inKommune := map[uuid.UUID]bool{}
				for _, a := range areas {
					inKommune[a.ID] = true
					poly := a.Geometry.(orb.Polygon)
					centroid, _ := planar.CentroidArea(poly)
					samples := []orb.Point{centroid}
					for _, p := range poly[0][:4] {
						c := samples[0]
						samples = append(samples, orb.Point{c[0] + 0.9*(p[0]-c[0]), c[1] + 0.9*(p[1]-c[1])})
					}
					for _, pt := range samples {
						n := 0
						for _, b := range areas {
							if planar.PolygonContains(b.Geometry.(orb.Polygon), pt) {
								n++
							}
						}
						if n != 1 {
							t.Errorf("%s: point %v of %s lies in %d Areas", k.Name, pt, a.Name, n)
						}
					}
				}
				orgs, _, err := s.ListOrganizations(ctx, system, store.OrganizationFilter{KommuneID: k.ID, Limit: 500})
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range orgs {
					locs, err := s.ListLocations(ctx, system, store.LocationFilter{OrganizationID: o.ID})
					if err != nil {
						t.Fatal(err)
					}
					for _, l := range locs {
						if l.AreaID == nil || !inKommune[*l.AreaID] {
							t.Errorf("location %s of %s is in no Area of %s", l.Name, o.Name, k.Name)
						}
					}
				}
			}
		})

		t.Run("offers are valid and audited", func(t *testing.T) {
			list := allOffers(t, s, store.OfferFilter{})
			inactive := 0
			for _, sum := range list {
				if sum.Status == catalog.StatusInactive {
					inactive++
				}
			}
			if inactive == 0 || inactive > len(list)/10 {
				t.Errorf("%d inactive offers, want a few", inactive)
			}
			for _, sum := range list[:40] {
				o, err := s.GetOffer(ctx, system, sum.ID)
				if err != nil {
					t.Fatal(err)
				}
				if err := o.Validate(s.Taxonomies()); err != nil {
					t.Errorf("%s: %v", o.Name, err)
				}
			}
			entries, err := s.ListAudit(ctx, system, auditFilter("offer", list[0].ID))
			if err != nil || len(entries) != 1 || entries[0].Actor != "system:demo" {
				t.Errorf("audit of an offer: %+v, %v", entries, err)
			}
		})

		t.Run("a second load is refused and changes nothing", func(t *testing.T) {
			before := allOffers(t, s, store.OfferFilter{})
			err := demo.Load(ctx, s, nil)
			if !errs.Is(err, errs.Conflict) || errs.As(err).Message != "error.demo_not_empty" {
				t.Fatalf("second load: %v, want conflict error.demo_not_empty", err)
			}
			if after := allOffers(t, s, store.OfferFilter{}); len(after) != len(before) {
				t.Errorf("offers %d → %d", len(before), len(after))
			}
			if sums, _ := s.ListKommunen(ctx, system); len(sums) != 4 {
				t.Errorf("%d Kommunen after the refused load", len(sums))
			}
		})
	})
}

func TestDemoIsDeterministic(t *testing.T) {
	d := storetest.Dialects[0]
	a, b := storetest.Open(t, d), storetest.Open(t, d)
	load(t, a)
	load(t, b)
	la, lb := allOffers(t, a, store.OfferFilter{}), allOffers(t, b, store.OfferFilter{})
	if len(la) != len(lb) {
		t.Fatalf("%d vs %d offers", len(la), len(lb))
	}
	for i := range la {
		if la[i].ID != lb[i].ID || la[i].Name != lb[i].Name || la[i].OrganizationName != lb[i].OrganizationName {
			t.Fatalf("offer %d differs: %+v vs %+v", i, la[i], lb[i])
		}
	}
	oa, _ := a.GetOffer(ctx, system, la[len(la)/2].ID)
	ob, _ := b.GetOffer(ctx, system, lb[len(lb)/2].ID)
	if oa.Description != ob.Description || !oa.LastConfirmedAt.Equal(*ob.LastConfirmedAt) {
		t.Errorf("offer details differ: %+v vs %+v", oa, ob)
	}
}

// TestTemplates checks the vocabulary: codes exist, ages lie within the phases.
func TestTemplates(t *testing.T) {
	tax, err := taxonomy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range demo.Templates {
		lo, hi := 1<<30, -1
		for _, p := range tm.Phases {
			term, ok := tax.Term(taxonomy.Phase, p)
			if !ok {
				t.Errorf("%s: unknown phase %s", tm.Key, p)
				continue
			}
			lo, hi = min(lo, *term.MinAgeMonths), max(hi, *term.MaxAgeMonths)
		}
		if tm.Age != nil && (tm.Age.Min < lo || tm.Age.Max > hi) {
			t.Errorf("%s: ages %d–%d outside its phases %d–%d", tm.Key, tm.Age.Min, tm.Age.Max, lo, hi)
		}
		for _, k := range tm.Kinds {
			if !tax.Has(taxonomy.OrganizationKind, k) {
				t.Errorf("%s: unknown kind %s", tm.Key, k)
			}
		}
		if len(tm.Sentences) < 3 {
			t.Errorf("%s: %d sentences", tm.Key, len(tm.Sentences))
		}
	}
	for _, k := range demo.OrgKinds {
		if len(demo.TemplatesOf(k.Kind)) == 0 {
			t.Errorf("kind %s has no templates", k.Kind)
		}
	}
}

func auditFilter(entity string, id uuid.UUID) audit.Filter {
	return audit.Filter{Entity: entity, EntityID: id.String()}
}
