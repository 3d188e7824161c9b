package chain_test

import (
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// ForAll reads every Kommune at once and must give each the matrix ForKommune gives it alone, in AGS order,
// only for the Kommunen of the scope.
func TestForAllMatchesForKommune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		sc := buildScenario(t, s)
		for _, date := range []catalog.Date{catalog.DateOf(demo.ReferenceDate), {Y: 2025, M: 3, D: 1}} {
			cfg := chain.Config{MinCoverage: 1.5, Need: map[uuid.UUID]float64{}}
			cfg.Need[sc.areas["02"]] = 1.5
			var got []chain.Matrix
			if err := chain.ForAll(ctx, s, system, date, cfg, func(m chain.Matrix) error {
				got = append(got, m)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != 5 {
				t.Fatalf("%s: %d Kommunen, want the demo's four and Teststadt", date, len(got))
			}
			for i, m := range got {
				if i > 0 && got[i-1].Kommune.AGS >= m.Kommune.AGS {
					t.Errorf("%s before %s", got[i-1].Kommune.AGS, m.Kommune.AGS)
				}
				one, err := chain.ForKommune(ctx, s, system, m.Kommune.ID, date, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(m, one) {
					t.Errorf("%s on %s: ForAll gives %d cells, %d gaps; ForKommune %d cells, %d gaps", m.Kommune.Name, date,
						len(m.Cells), len(m.Gaps), len(one.Cells), len(one.Gaps))
				}
				if len(m.Gaps) == 0 && len(m.Cells) == 0 {
					t.Errorf("%s: empty matrix", m.Kommune.Name)
				}
			}
		}
		var land []string
		if err := chain.ForAll(ctx, s, tenant.Land("03"), catalog.DateOf(demo.ReferenceDate), chain.Config{}, func(m chain.Matrix) error {
			land = append(land, m.Kommune.AGS)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var other int
		if err := chain.ForAll(ctx, s, tenant.Land("05"), catalog.DateOf(demo.ReferenceDate), chain.Config{}, func(chain.Matrix) error {
			other++
			return nil
		}); err != nil || other != 0 {
			t.Errorf("another Land sees %d Kommunen (%v)", other, err)
		}
		if len(land) != 5 {
			t.Errorf("Niedersachsen: %v", land)
		}
	})
}
