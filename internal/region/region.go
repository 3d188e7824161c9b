// Package region holds the geography of Kette: Länder, Kommunen (the tenants, keyed by AGS and ARS) and their
// Sozialräume (Areas) with polygons and child counts. A Location's Area is derived by point-in-polygon through
// a Locator (paulmach/orb does the geometry).
package region

import (
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/kette-org/kette/internal/errs"
)

// Land is a federal state; Code is its two-digit AGS prefix.
type Land struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Kommune types.
const (
	TypeKreisfreieStadt = "kreisfreie_stadt"
	TypeLandkreis       = "landkreis"
	TypeStadt           = "stadt" // a kreisangehörige Stadt with its own Jugendamt
	TypeRegion          = "region"
)

// Types lists the Kommune types in display order.
var Types = []string{TypeKreisfreieStadt, TypeLandkreis, TypeStadt, TypeRegion}

// Kommune is a tenant: a Kreis, kreisfreie Stadt or Stadt with its own Jugendamt.
type Kommune struct {
	ID       uuid.UUID `json:"id"`
	AGS      string    `json:"ags"`
	ARS      string    `json:"ars"`
	Name     string    `json:"name"`
	Type     string    `json:"type"`
	LandCode string    `json:"land_code"`
}

// KommuneSummary is a Kommune with the counts shown in overviews.
type KommuneSummary struct {
	Kommune
	Areas         int `json:"areas"`
	Organizations int `json:"organizations"`
	Offers        int `json:"offers"`
}

var (
	agsPattern = regexp.MustCompile(`^[0-9]{8}$`)
	arsPattern = regexp.MustCompile(`^[0-9]{12}$`)
	landCodes  = map[string]bool{"01": true, "02": true, "03": true, "04": true, "05": true, "06": true, "07": true,
		"08": true, "09": true, "10": true, "11": true, "12": true, "13": true, "14": true, "15": true, "16": true}
)

// ValidLandCode reports whether code is one of the 16 Länder.
func ValidLandCode(code string) bool { return landCodes[code] }

// ValidAGS reports whether ags is an 8-digit Amtlicher Gemeindeschlüssel of an existing Land.
func ValidAGS(ags string) bool { return agsPattern.MatchString(ags) && landCodes[ags[:2]] }

// Validate checks a Kommune. The ARS must agree with the AGS: same Land, Regierungsbezirk and Kreis, same
// Gemeinde number at the end.
func (k Kommune) Validate() error {
	var v errs.Validation
	if strings.TrimSpace(k.Name) == "" {
		v.Add("name", "validation.required", nil)
	}
	if !ValidAGS(k.AGS) {
		v.Add("ags", "validation.ags", map[string]any{"Value": k.AGS})
	}
	switch {
	case !arsPattern.MatchString(k.ARS):
		v.Add("ars", "validation.ars", map[string]any{"Value": k.ARS})
	case ValidAGS(k.AGS) && (k.ARS[:5] != k.AGS[:5] || k.ARS[9:] != k.AGS[5:]):
		v.Add("ars", "validation.ars_mismatch", map[string]any{"Value": k.ARS, "AGS": k.AGS})
	}
	if !landCodes[k.LandCode] {
		v.Add("land_code", "validation.land_code", map[string]any{"Value": k.LandCode})
	} else if ValidAGS(k.AGS) && k.AGS[:2] != k.LandCode {
		v.Add("land_code", "validation.land_mismatch", map[string]any{"Value": k.LandCode})
	}
	if !contains(Types, k.Type) {
		v.Add("type", "validation.unknown_code", map[string]any{"Value": k.Type})
	}
	return v.Err()
}

// AgeBands are the child-count bands of a Sozialraum, in years.
var AgeBands = []string{"0-2", "3-5", "6-9", "10-15", "16-20"}

// Children counts the children of an Area per age band.
type Children struct {
	Age0to2   int `json:"age_0_2"`
	Age3to5   int `json:"age_3_5"`
	Age6to9   int `json:"age_6_9"`
	Age10to15 int `json:"age_10_15"`
	Age16to20 int `json:"age_16_20"`
}

// Total is the sum over all bands.
func (c Children) Total() int { return c.Age0to2 + c.Age3to5 + c.Age6to9 + c.Age10to15 + c.Age16to20 }

// Bands returns the counts in the order of AgeBands.
func (c Children) Bands() []int {
	return []int{c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20}
}

// Area is a Sozialraum: a planning district of a Kommune. Version counts its changes.
type Area struct {
	ID        uuid.UUID    `json:"id"`
	KommuneID uuid.UUID    `json:"kommune_id"`
	Key       string       `json:"key"`
	Name      string       `json:"name"`
	Geometry  orb.Geometry `json:"-"`
	Children  Children     `json:"children"`
	Version   int          `json:"version"`
	UpdatedAt time.Time    `json:"updated_at"`
}

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// Validate checks an Area: a key local to its Kommune, a name, a valid polygon in Germany, counts not negative.
func (a Area) Validate() error {
	var v errs.Validation
	if !keyPattern.MatchString(a.Key) {
		v.Add("key", "validation.area_key", map[string]any{"Value": a.Key})
	}
	if strings.TrimSpace(a.Name) == "" {
		v.Add("name", "validation.required", nil)
	}
	if err := ValidateGeometry(a.Geometry); err != nil {
		v.Merge("", err)
	}
	for i, n := range a.Children.Bands() {
		if n < 0 {
			v.Add("children."+AgeBands[i], "validation.not_negative", nil)
		}
	}
	return v.Err()
}

// ValidateGeometry accepts a Polygon or MultiPolygon whose rings are closed, have at least four points and lie
// inside Germany.
func ValidateGeometry(g orb.Geometry) error {
	var v errs.Validation
	var polys orb.MultiPolygon
	switch t := g.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		polys = t
	default:
		v.Add("geometry", "validation.geometry_type", nil)
		return v.Err()
	}
	if len(polys) == 0 {
		v.Add("geometry", "validation.geometry_empty", nil)
	}
	for _, p := range polys {
		if len(p) == 0 {
			v.Add("geometry", "validation.geometry_empty", nil)
		}
		for _, ring := range p {
			if len(ring) < 4 || !ring.Closed() {
				v.Add("geometry", "validation.geometry_ring", nil)
				return v.Err()
			}
			for _, pt := range ring {
				if !InGermany(pt.Lat(), pt.Lon()) {
					v.Add("geometry", "validation.outside_germany", nil)
					return v.Err()
				}
			}
		}
	}
	return v.Err()
}

// GeometryFromGeoJSON parses a GeoJSON geometry, feature or the first feature of a collection.
func GeometryFromGeoJSON(data []byte) (orb.Geometry, error) {
	if g, err := geojson.UnmarshalGeometry(data); err == nil && g.Coordinates != nil {
		return g.Coordinates, nil
	}
	if f, err := geojson.UnmarshalFeature(data); err == nil && f.Geometry != nil {
		return f.Geometry, nil
	}
	if fc, err := geojson.UnmarshalFeatureCollection(data); err == nil && len(fc.Features) > 0 {
		return fc.Features[0].Geometry, nil
	}
	return nil, &errs.Error{Code: errs.Invalid, Message: "error.invalid",
		Fields: []errs.FieldError{{Field: "geometry", Message: "validation.geojson"}}}
}

// GeoJSON encodes a geometry as a GeoJSON geometry object.
func GeoJSON(g orb.Geometry) ([]byte, error) { return geojson.NewGeometry(g).MarshalJSON() }

// Germany's bounding box, generous enough for the islands and border towns.
const (
	minLat, maxLat = 47.2, 55.1
	minLon, maxLon = 5.8, 15.1
)

// InGermany reports whether a WGS84 coordinate lies within Germany's bounding box.
func InGermany(lat, lon float64) bool {
	return lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
