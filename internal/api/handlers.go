package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// The API is public and read-only for now: every read is in the public scope.
var public = tenant.Public()

func (a *api) listKommunen(r *http.Request) (any, error) {
	ks, err := a.Store.ListKommunen(r.Context(), public)
	if err != nil {
		return nil, err
	}
	if ks == nil {
		ks = []region.KommuneSummary{}
	}
	return map[string]any{"items": ks, "total": len(ks)}, nil
}

func (a *api) kommune(r *http.Request) (region.Kommune, error) {
	return a.Store.GetKommuneByAGS(r.Context(), public, r.PathValue("ags"))
}

func (a *api) getKommune(r *http.Request) (any, error) {
	k, err := a.kommune(r)
	if err != nil {
		return nil, err
	}
	all, err := a.Store.ListKommunen(r.Context(), tenant.Kommune(k.ID))
	if err != nil || len(all) != 1 {
		return nil, errs.Wrap(err, "kommune summary")
	}
	return all[0], nil
}

// listAreas answers a GeoJSON FeatureCollection: one Feature per Sozialraum with its polygon.
func (a *api) listAreas(r *http.Request) (any, error) {
	k, err := a.kommune(r)
	if err != nil {
		return nil, err
	}
	areas, err := a.Store.ListAreas(r.Context(), public, k.ID)
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for _, ar := range areas {
		fc.Append(areaFeature(ar, k))
	}
	return geoJSON{fc}, nil
}

func areaFeature(ar region.Area, k region.Kommune) *geojson.Feature {
	f := geojson.NewFeature(ar.Geometry)
	f.ID = ar.ID.String()
	f.Properties = geojson.Properties{
		"id": ar.ID, "key": ar.Key, "name": ar.Name, "kommune_ags": k.AGS, "kommune_id": ar.KommuneID,
		"children": ar.Children, "children_total": ar.Children.Total(), "version": ar.Version, "updated_at": ar.UpdatedAt,
	}
	return f
}

func (a *api) getArea(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	ar, err := a.Store.GetArea(r.Context(), public, id)
	if err != nil {
		return nil, err
	}
	k, err := a.Store.GetKommune(r.Context(), public, ar.KommuneID)
	if err != nil {
		return nil, err
	}
	return geoJSON{areaFeature(ar, k)}, nil
}

func (a *api) listOrganizations(r *http.Request) (any, error) {
	k, err := a.kommune(r)
	if err != nil {
		return nil, err
	}
	limit, offset, err := page(r)
	if err != nil {
		return nil, err
	}
	orgs, total, err := a.Store.ListOrganizations(r.Context(), public, store.OrganizationFilter{KommuneID: k.ID, Limit: limit, Offset: offset})
	if err != nil {
		return nil, err
	}
	return newList(orgs, total, limit, offset), nil
}

func (a *api) listOffers(r *http.Request) (any, error) {
	k, err := a.kommune(r)
	if err != nil {
		return nil, err
	}
	limit, offset, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.OfferFilter{KommuneID: k.ID, Phase: r.URL.Query().Get("phase"), Field: r.URL.Query().Get("field"), Limit: limit, Offset: offset}
	var v errs.Validation
	tax := a.Store.Taxonomies()
	if f.Phase != "" && !tax.Has(taxonomy.Phase, f.Phase) {
		v.Add("phase", "validation.unknown_code", map[string]any{"Value": f.Phase})
	}
	if f.Field != "" && !tax.Has(taxonomy.Field, f.Field) {
		v.Add("field", "validation.unknown_code", map[string]any{"Value": f.Field})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	offers, total, err := a.Store.ListOffers(r.Context(), public, f)
	if err != nil {
		return nil, err
	}
	return newList(offers, total, limit, offset), nil
}

// organizationView is an organization with its locations.
type organizationView struct {
	catalog.Organization
	Locations []catalog.Location `json:"locations"`
}

func (a *api) getOrganization(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	org, err := a.Store.GetOrganization(r.Context(), public, id)
	if err != nil {
		return nil, err
	}
	locs, err := a.Store.ListLocations(r.Context(), public, store.LocationFilter{OrganizationID: id})
	if err != nil {
		return nil, err
	}
	return organizationView{org, nonNil(locs)}, nil
}

// offerView is an offer with its organization and locations resolved.
type offerView struct {
	catalog.Offer
	Organization catalog.Organization `json:"organization"`
	Locations    []catalog.Location   `json:"locations"`
}

func (a *api) getOffer(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	o, err := a.Store.GetOffer(r.Context(), public, id)
	if err != nil {
		return nil, err
	}
	org, err := a.Store.GetOrganization(r.Context(), public, o.OrganizationID)
	if err != nil {
		return nil, err
	}
	locs, err := a.Store.ListLocations(r.Context(), public, store.LocationFilter{OfferID: id})
	if err != nil {
		return nil, err
	}
	return offerView{Offer: o, Organization: org, Locations: nonNil(locs)}, nil
}

// termView adds the HSDS term_uri to a term.
type termView struct {
	taxonomy.Term
	URI string `json:"term_uri"`
}

func (a *api) listTaxonomies(r *http.Request) (any, error) {
	taxs, err := a.Store.ListTaxonomies(r.Context())
	if err != nil {
		return nil, err
	}
	type view struct {
		Code    string     `json:"code"`
		NameDE  string     `json:"name_de"`
		NameEN  string     `json:"name_en"`
		Version int        `json:"version"`
		Terms   []termView `json:"terms"`
	}
	out := make([]view, 0, len(taxs))
	for _, t := range taxs {
		v := view{Code: t.Code, NameDE: t.NameDE, NameEN: t.NameEN, Version: t.Version}
		for _, term := range t.Terms {
			v.Terms = append(v.Terms, termView{term, term.URI()})
		}
		out = append(out, v)
	}
	return map[string]any{"taxonomies": out}, nil
}

// validate checks a JSON object against the rules of its type and writes nothing: integrators use it to test
// what they are about to send. Unknown JSON fields are refused so that typos do not pass silently.
func (a *api) validate(w http.ResponseWriter, r *http.Request) {
	body := http.MaxBytesReader(w, r.Body, 1<<20)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	tax := a.Store.Taxonomies()
	var check func() error
	switch r.PathValue("entity") {
	case "offer":
		var o catalog.Offer
		check = decodeThen(dec, &o, func() error { return o.Validate(tax) })
	case "organization":
		var o catalog.Organization
		check = decodeThen(dec, &o, func() error { return o.Validate(tax) })
	case "location":
		var l catalog.Location
		check = decodeThen(dec, &l, l.Validate)
	case "kommune":
		var k region.Kommune
		check = decodeThen(dec, &k, func() error { return k.Validate() })
	default:
		a.fail(w, r, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	if err := check(); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"valid": true})
}

func decodeThen(dec *json.Decoder, v any, validate func() error) func() error {
	return func() error {
		if err := dec.Decode(v); err != nil {
			return jsonError(err)
		}
		if _, err := dec.Token(); err != io.EOF {
			var ve errs.Validation
			ve.Add("body", "validation.json_trailing", nil)
			return ve.Err()
		}
		return validate()
	}
}

func writeJSONTyped(w http.ResponseWriter, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// jsonError turns a decoding error into a field error without showing the decoder's own text.
func jsonError(err error) error {
	var ve errs.Validation
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		ve.Add(typeErr.Field, "validation.json_type", nil)
	case errors.As(err, &syntaxErr):
		ve.Add("body", "validation.json_syntax", map[string]any{"Offset": syntaxErr.Offset})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		ve.Add(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "validation.json_unknown_field", nil)
	default:
		ve.Add("body", "validation.json_syntax", map[string]any{"Offset": 0})
	}
	return ve.Err()
}
