package region

import (
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/errs"
)

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	for _, f := range errs.As(err).Fields {
		out[f.Field] = f.Message
	}
	return out
}

func TestKommuneValidationNamesTheField(t *testing.T) {
	ok := Kommune{AGS: "03241001", ARS: "032410001001", Name: "Landeshauptstadt Hannover", Type: TypeStadt, LandCode: "03"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("Hannover: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Kommune)
		field string
		msg   string
	}{
		{"AGS too short", func(k *Kommune) { k.AGS = "0324100" }, "ags", "validation.ags"},
		{"AGS with letters", func(k *Kommune) { k.AGS = "0324100A" }, "ags", "validation.ags"},
		{"AGS of no Land", func(k *Kommune) { k.AGS = "17241001" }, "ags", "validation.ags"},
		{"ARS of another Kreis", func(k *Kommune) { k.ARS = "031010000000" }, "ars", "validation.ars_mismatch"},
		{"ARS too short", func(k *Kommune) { k.ARS = "0324100" }, "ars", "validation.ars"},
		{"Land not matching AGS", func(k *Kommune) { k.LandCode = "05" }, "land_code", "validation.land_mismatch"},
		{"no name", func(k *Kommune) { k.Name = "  " }, "name", "validation.required"},
		{"unknown type", func(k *Kommune) { k.Type = "dorf" }, "type", "validation.unknown_code"},
	}
	for _, c := range cases {
		k := ok
		c.edit(&k)
		err := k.Validate()
		if !errs.Is(err, errs.Invalid) || fieldsOf(err)[c.field] != c.msg {
			t.Errorf("%s: got %v, want %s on %s", c.name, err, c.msg, c.field)
		}
	}
}

func TestGeometryMustBeAClosedPolygonInGermany(t *testing.T) {
	square := orb.Polygon{{{9.7, 52.3}, {9.8, 52.3}, {9.8, 52.4}, {9.7, 52.4}, {9.7, 52.3}}}
	if err := ValidateGeometry(square); err != nil {
		t.Fatalf("square in Hannover: %v", err)
	}
	if err := ValidateGeometry(orb.MultiPolygon{square}); err != nil {
		t.Fatalf("multipolygon: %v", err)
	}
	open := orb.Polygon{{{9.7, 52.3}, {9.8, 52.3}, {9.8, 52.4}, {9.7, 52.4}}}
	paris := orb.Polygon{{{2.3, 48.8}, {2.4, 48.8}, {2.4, 48.9}, {2.3, 48.8}}}
	for name, g := range map[string]orb.Geometry{"open ring": open, "Paris": paris, "a point": orb.Point{9.7, 52.3}} {
		if err := ValidateGeometry(g); !errs.Is(err, errs.Invalid) || fieldsOf(err)["geometry"] == "" {
			t.Errorf("%s: got %v, want a geometry error", name, err)
		}
	}
	if _, err := GeometryFromGeoJSON([]byte(`{"type":"Polygon","coordinates":"x"}`)); !errs.Is(err, errs.Invalid) {
		t.Errorf("broken GeoJSON: %v", err)
	}
	g, err := GeometryFromGeoJSON([]byte(`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[9.7,52.3],[9.8,52.3],[9.8,52.4],[9.7,52.3]]]}}`))
	if err != nil || g.GeoJSONType() != "Polygon" {
		t.Errorf("feature: %v %v", g, err)
	}
}

func TestLocatorFindsTheContainingAreaIncludingHolesAndMultipolygons(t *testing.T) {
	west, east, ring := uuid.New(), uuid.New(), uuid.New()
	// West: a square with a hole in the middle; east: two separate squares; ring: fills the hole of west.
	westPoly := orb.Polygon{
		{{9.0, 52.0}, {9.4, 52.0}, {9.4, 52.4}, {9.0, 52.4}, {9.0, 52.0}},
		{{9.1, 52.1}, {9.1, 52.3}, {9.3, 52.3}, {9.3, 52.1}, {9.1, 52.1}},
	}
	eastMulti := orb.MultiPolygon{
		{{{9.5, 52.0}, {9.6, 52.0}, {9.6, 52.1}, {9.5, 52.1}, {9.5, 52.0}}},
		{{{9.7, 52.3}, {9.8, 52.3}, {9.8, 52.4}, {9.7, 52.4}, {9.7, 52.3}}},
	}
	hole := orb.Polygon{{{9.1, 52.1}, {9.3, 52.1}, {9.3, 52.3}, {9.1, 52.3}, {9.1, 52.1}}}
	l := NewLocator([]Area{{ID: west, Geometry: westPoly}, {ID: east, Geometry: eastMulti}, {ID: ring, Geometry: hole}})
	cases := []struct {
		lat, lon float64
		want     uuid.UUID
		found    bool
	}{
		{52.05, 9.05, west, true},     // in west's frame
		{52.2, 9.2, ring, true},       // in the hole of west, so in ring
		{52.05, 9.55, east, true},     // first part of east
		{52.35, 9.75, east, true},     // second part of east
		{52.2, 9.65, uuid.Nil, false}, // between east's parts
		{53.0, 10.0, uuid.Nil, false}, // far away
	}
	for _, c := range cases {
		got, ok := l.Locate(c.lat, c.lon)
		if got != c.want || ok != c.found {
			t.Errorf("Locate(%v, %v) = %v, %v; want %v, %v", c.lat, c.lon, got, ok, c.want, c.found)
		}
	}
}
