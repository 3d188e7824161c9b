package store_test

import (
	"slices"
	"testing"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// A complete boundary set retires the Sozialräume it leaves out: the plan names them with their last day (the
// day before "Gültig ab") and changes nothing; applying it with a different list of ending Areas changes nothing
// either; applied, an analysis of the day before still sees the retired Area with its offers, one of "Gültig
// ab" does not, and the Area's locations lie in the remaining Areas. Sent again later, it comes back.
func TestACompleteBoundarySetRetiresTheAreasItLeavesOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		k, err := s.GetKommuneByAGS(ctx, system, demo.GapHealthKommuneAGS)
		if err != nil {
			t.Fatal(err)
		}
		coordinator := tenant.Kommune(k.ID)
		areas, err := s.ListAreas(ctx, system, k.ID)
		if err != nil || len(areas) < 3 {
			t.Fatalf("areas of %s: %d %v", k.Name, len(areas), err)
		}
		before := catalog.DateOf(demo.ReferenceDate)
		cut := catalog.DateOf(demo.ReferenceDate.AddDate(0, 0, 1))
		// The Area to retire is one with offers located in it, so its supply shows whether the analysis sees it.
		old, err := chain.Run(ctx, s, coordinator, k.ID, before, chain.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		var gone region.Area
		for _, a := range areas {
			supply := 0
			for _, c := range old.Cells {
				if c.AreaID == a.ID {
					supply += c.Supply
				}
			}
			locs, err := s.ListLocations(ctx, system, store.LocationFilter{AreaID: a.ID})
			if err != nil {
				t.Fatal(err)
			}
			if supply > 0 && len(locs) > 0 && gone.Key == "" {
				gone = a
			}
		}
		if gone.Key == "" {
			t.Fatal("no demo Area has offers and locations")
		}
		kept := slices.DeleteFunc(slices.Clone(areas), func(a region.Area) bool { return a.Key == gone.Key })
		auditBefore := auditCount(t, s, "area", gone.ID.String())

		plan, err := s.PlanAreaSet(ctx, coordinator, tester, k.ID, slices.Clone(kept), cut)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Ended) != 1 || plan.Ended[0].Key != gone.Key || plan.Ended[0].LastDay != before || plan.Created+plan.Updated != 0 {
			t.Fatalf("plan %+v, want %s ending on %s and nothing else", plan, gone.Key, before)
		}
		if now, _ := s.ListAreas(ctx, system, k.ID); len(now) != len(areas) || auditCount(t, s, "area", gone.ID.String()) != auditBefore {
			t.Fatal("the plan changed the Areas")
		}

		// All or nothing: a list of ending Areas that is not what the upload ends, or a bad Area, saves nothing.
		if _, err := s.ReplaceAreasFrom(ctx, coordinator, tester, k.ID, slices.Clone(kept), cut, nil); !errs.Is(err, errs.Conflict) {
			t.Fatalf("unexpected ending: %v, want a conflict", err)
		}
		bad := append(slices.Clone(kept), region.Area{Key: "X", Name: "", Geometry: kept[0].Geometry})
		if _, err := s.ReplaceAreasFrom(ctx, coordinator, tester, k.ID, bad, cut, []string{gone.Key}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad area: %v, want invalid", err)
		}
		if now, _ := s.ListAreas(ctx, system, k.ID); len(now) != len(areas) {
			t.Fatalf("a refused upload retired Areas: %d of %d left", len(now), len(areas))
		}

		res, err := s.ReplaceAreasFrom(ctx, coordinator, tester, k.ID, slices.Clone(kept), cut, []string{gone.Key})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Ended) != 1 || res.Ended[0].ID != gone.ID {
			t.Fatalf("ended %+v", res.Ended)
		}
		current, err := s.ListAreas(ctx, system, k.ID)
		if err != nil || len(current) != len(kept) || slices.ContainsFunc(current, func(a region.Area) bool { return a.ID == gone.ID }) {
			t.Fatalf("current Areas after the cut: %d (want %d without %s), %v", len(current), len(kept), gone.Name, err)
		}
		for day, want := range map[catalog.Date]bool{before: true, cut: false} {
			at, err := s.AreasAt(ctx, coordinator, k.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			if has := slices.ContainsFunc(at, func(a region.Area) bool { return a.ID == gone.ID }); has != want {
				t.Errorf("Areas on %s include %s: %v, want %v", day, gone.Name, has, want)
			}
		}
		// The analysis of the day before is the one before the upload; from the cut the Area has no cells.
		again, err := chain.Run(ctx, s, coordinator, k.ID, before, chain.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Cells) != len(old.Cells) {
			t.Fatalf("the day before: %d cells, want %d", len(again.Cells), len(old.Cells))
		}
		for i := range old.Cells {
			if again.Cells[i].AreaID != old.Cells[i].AreaID || again.Cells[i].Supply != old.Cells[i].Supply {
				t.Fatalf("the day before, cell %d: %+v, want %+v", i, again.Cells[i], old.Cells[i])
			}
		}
		after, err := chain.Run(ctx, s, coordinator, k.ID, cut, chain.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range append(after.Cells, after.Transitions...) {
			if c.AreaID == gone.ID {
				t.Fatalf("the analysis of %s still has %s", cut, gone.Name)
			}
		}
		if locs, err := s.ListLocations(ctx, system, store.LocationFilter{AreaID: gone.ID}); err != nil || len(locs) != 0 {
			t.Errorf("%d locations still lie in the retired %s (%v)", len(locs), gone.Name, err)
		}

		// Values of past periods were measured on the retired Area: an import may still name it.
		past := parsedFile(t, "ended.csv", []byte("Sozialraum;Sozialraumname;Jahr;SGB-II-Quote u15\n"+
			gone.Key+";"+gone.Name+";2024;17,5\n"))
		if p, err := s.ApplyIndicatorImport(ctx, coordinator, tester, k.AGS, past); err != nil || p.Err() != nil || p.New+p.Changed != 1 {
			t.Fatalf("import for the retired %s: %+v %v", gone.Name, p, err)
		}

		// Sent again in a later set, the Area comes back from that day; in between it does not exist.
		back := catalog.DateOf(demo.ReferenceDate.AddDate(0, 1, 0))
		if _, err := s.ReplaceAreasFrom(ctx, coordinator, tester, k.ID, slices.Clone(areas), back, nil); err != nil {
			t.Fatal(err)
		}
		for day, want := range map[catalog.Date]bool{before: true, cut: false, back: true} {
			at, err := s.AreasAt(ctx, coordinator, k.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			if has := slices.ContainsFunc(at, func(a region.Area) bool { return a.ID == gone.ID }); has != want {
				t.Errorf("after the return, Areas on %s include %s: %v, want %v", day, gone.Name, has, want)
			}
		}
	})
}

// A pending boundary set waits for its confirmation in the store: only the Kommune's own administration can
// apply it, once; a newer upload replaces it.
func TestAPendingBoundarySetIsAppliedOnceByItsKommune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		k, err := s.GetKommuneByAGS(ctx, system, demo.GapHealthKommuneAGS)
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.GetKommuneByAGS(ctx, system, demo.GapTransitionKommuneAGS)
		if err != nil {
			t.Fatal(err)
		}
		own := tenant.Kommune(k.ID)
		areas, err := s.ListAreas(ctx, system, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		cut := catalog.DateOf(demo.ReferenceDate.AddDate(0, 0, 1))
		ended := []string{areas[0].Key}
		first, err := s.SavePendingAreaSet(ctx, own, tester, k.ID, slices.Clone(areas[1:]), cut)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyPendingAreaSet(ctx, tenant.Kommune(other.ID), tester, k.ID, first, ended); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another Kommune: %v, want not found", err)
		}
		if _, err := s.ApplyPendingAreaSet(ctx, tenant.Kommune(other.ID), tester, other.ID, first, ended); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another Kommune's own path: %v, want not found", err)
		}
		second, err := s.SavePendingAreaSet(ctx, own, tester, k.ID, slices.Clone(areas[1:]), cut)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyPendingAreaSet(ctx, own, tester, k.ID, first, ended); !errs.Is(err, errs.NotFound) {
			t.Fatalf("replaced set: %v, want not found", err)
		}
		res, err := s.ApplyPendingAreaSet(ctx, own, tester, k.ID, second, ended)
		if err != nil || len(res.Ended) != 1 || res.Ended[0].Key != areas[0].Key {
			t.Fatalf("apply: %+v %v", res, err)
		}
		if _, err := s.ApplyPendingAreaSet(ctx, own, tester, k.ID, second, ended); !errs.Is(err, errs.NotFound) {
			t.Fatalf("applied twice: %v, want not found", err)
		}
	})
}
