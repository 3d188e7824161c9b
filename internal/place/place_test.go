package place_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/place"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var ctx = context.Background()

func TestWhereAmI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		g, err := place.Build(ctx, s, tenant.Public())
		if err != nil {
			t.Fatal(err)
		}
		hannover, err := s.GetKommuneByAGS(ctx, tenant.Public(), "03241001")
		if err != nil {
			t.Fatal(err)
		}
		areas, err := s.ListAreas(ctx, tenant.Public(), hannover.ID)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("a Kommune is found by its name without the official prefix, umlauts written out or not", func(t *testing.T) {
			for query, want := range map[string]string{
				"Hannover":  "Landeshauptstadt Hannover",
				"hannover":  "Landeshauptstadt Hannover",
				"Lüneburg":  "Hansestadt Lüneburg",
				"lueneburg": "Hansestadt Lüneburg",
				"Oldenburg": "Oldenburg (Oldb)",
				"braunschw": "Braunschweig",
			} {
				got := resolve(t, g, query)
				if !hasKind(got, place.Kommune, want) {
					t.Errorf("%q: %v, want the Kommune %s among them", query, names(got), want)
				}
			}
		})

		t.Run("a Kommune lies at the centre of its Sozialräume", func(t *testing.T) {
			m := first(t, resolve(t, g, "Landeshauptstadt Hannover"))
			if m.Kind != place.Kommune || m.KommuneID != hannover.ID {
				t.Fatalf("got %+v", m)
			}
			var all orb.Collection
			for _, a := range areas {
				all = append(all, a.Geometry)
			}
			if !all.Bound().Contains(orb.Point{m.Longitude, m.Latitude}) {
				t.Errorf("centre %.4f,%.4f outside the Sozialräume %v", m.Latitude, m.Longitude, all.Bound())
			}
		})

		t.Run("a Sozialraum is found by its name and lies inside its polygon", func(t *testing.T) {
			m := first(t, resolve(t, g, "misburg-anderten"))
			if m.Kind != place.Area || m.Name != demo.GapHealthArea || m.AreaID == nil {
				t.Fatalf("got %+v", m)
			}
			for _, a := range areas {
				if a.ID == *m.AreaID && !planar.MultiPolygonContains(multi(a.Geometry), orb.Point{m.Longitude, m.Latitude}) {
					t.Errorf("centre of %s lies outside it", a.Name)
				}
			}
		})

		t.Run("a postcode resolves to the mean position of its locations", func(t *testing.T) {
			cs, err := s.PostcodeCentroids(ctx, tenant.Public())
			if err != nil || len(cs) == 0 {
				t.Fatalf("%d centroids, %v", len(cs), err)
			}
			c := cs[0]
			m := first(t, resolve(t, g, " "+c.PostalCode+" "))
			if m.Kind != place.Postcode || m.KommuneID != c.KommuneID || abs(m.Latitude-c.Latitude) > 0.05 || abs(m.Longitude-c.Longitude) > 0.05 {
				t.Errorf("postcode %s: got %+v, centroid %+v", c.PostalCode, m, c)
			}
		})

		t.Run("an unknown place gives no matches and no error", func(t *testing.T) {
			if got := resolve(t, g, "Atlantis"); len(got) != 0 {
				t.Errorf("got %v", names(got))
			}
			if got := resolve(t, g, "99999"); len(got) != 0 {
				t.Errorf("got %v", names(got))
			}
		})

		t.Run("what cannot be a place is refused naming the field", func(t *testing.T) {
			for _, q := range []string{"", "   ", "301", "3015900", string(make([]byte, 101))} {
				_, err := g.Resolve(q)
				e := errs.As(err)
				if e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "ort" {
					t.Errorf("%q: %v", q, err)
				}
			}
		})
	})
}

func TestPostcodeCentroidsStayInTheTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		lueneburg, err := s.GetKommuneByAGS(ctx, tenant.Public(), "03355022")
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.PostcodeCentroids(ctx, tenant.Kommune(lueneburg.ID))
		if err != nil || len(cs) == 0 {
			t.Fatalf("%d centroids, %v", len(cs), err)
		}
		for _, c := range cs {
			if c.KommuneID != lueneburg.ID {
				t.Errorf("postcode %s of another Kommune in Lüneburg's scope", c.PostalCode)
			}
		}
		g, err := place.Build(ctx, s, tenant.Kommune(lueneburg.ID))
		if err != nil {
			t.Fatal(err)
		}
		if got := resolve(t, g, "Hannover"); len(got) != 0 {
			t.Errorf("Lüneburg's gazetteer knows %v", names(got))
		}
	})
}

func resolve(t *testing.T, g *place.Gazetteer, q string) []place.Match {
	t.Helper()
	got, err := g.Resolve(q)
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	return got
}

func first(t *testing.T, ms []place.Match) place.Match {
	t.Helper()
	if len(ms) == 0 {
		t.Fatal("no match")
	}
	return ms[0]
}

func hasKind(ms []place.Match, k place.Kind, name string) bool {
	for _, m := range ms {
		if m.Kind == k && m.Name == name {
			return true
		}
	}
	return false
}

func names(ms []place.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, string(m.Kind)+":"+m.Name)
	}
	return out
}

func multi(g orb.Geometry) orb.MultiPolygon {
	switch v := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{v}
	case orb.MultiPolygon:
		return v
	}
	return nil
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
