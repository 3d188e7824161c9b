package web

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/place"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
)

// adminCatalogRoutes registers the administration of organizations, locations and Sozialräume.
func (s *server) adminCatalogRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/einrichtungen", s.page(s.adminOrgs))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/einrichtungen/neu", s.page(s.newOrgForm))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/einrichtungen/neu", s.page(s.createOrg))
	mux.HandleFunc("GET /verwaltung/einrichtungen/{id}", s.page(s.editOrgForm))
	mux.HandleFunc("POST /verwaltung/einrichtungen/{id}", s.page(s.saveOrg))
	mux.HandleFunc("POST /verwaltung/einrichtungen/{id}/archivieren", s.page(s.archiveOrg))
	mux.HandleFunc("POST /verwaltung/einrichtungen/{id}/reaktivieren", s.page(s.restoreOrg))
	mux.HandleFunc("GET /verwaltung/einrichtungen/{id}/standorte/neu", s.page(s.newLocationForm))
	mux.HandleFunc("POST /verwaltung/einrichtungen/{id}/standorte/neu", s.page(s.createLocation))
	mux.HandleFunc("GET /verwaltung/standorte/{id}", s.page(s.editLocationForm))
	mux.HandleFunc("POST /verwaltung/standorte/{id}", s.page(s.saveLocation))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/sozialraeume", s.page(s.adminAreas))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/sozialraeume/hochladen", s.page(s.uploadAreas))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/sozialraeume/uebernehmen", s.page(s.confirmAreas)) // admin_areas.go
}

// ---- Organizations ----

// orgListPage lists the organizations of a Kommune, searchable by name.
type orgListPage struct {
	base
	Kommune region.Kommune
	Query   string
	Orgs    []orgRow
	Pager   pager
	MayAdd  bool
}

type orgRow struct {
	ID                uuid.UUID
	Name, Kind, Email string
	Archived          bool
}

func (s *server) adminOrgs(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	l := s.i18n.For(lang)
	scope := p.Scope()
	page, err := readPage(r)
	if err != nil {
		return "", nil, err
	}
	d := orgListPage{base: s.newBase(r, lang, l.T("admincatalog.orgs.title")), Kommune: k,
		Query: strings.TrimSpace(r.URL.Query().Get("name")), MayAdd: scope.MayAdminister()}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	f := store.OrganizationFilter{KommuneID: k.ID, Name: d.Query, Limit: s.pageSize, Offset: (page - 1) * s.pageSize}
	if scope.Limited() {
		f.IDs = scope.OrganizationIDs // a provider editor sees the organizations they keep
	}
	orgs, total, err := s.store.ListOrganizations(r.Context(), scope, f)
	if err != nil {
		return "", nil, err
	}
	if d.Pager, err = newPager(r, page, s.pageSize, total, "liste"); err != nil {
		return "", nil, err
	}
	tax := s.store.Taxonomies()
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, orgRow{ID: o.ID, Name: o.Name, Kind: tax.Label(taxonomy.OrganizationKind, o.Kind, lang),
			Email: o.Email, Archived: o.ArchivedAt != nil})
	}
	return "admin_orgs", d, nil
}

// orgForm creates or edits an organization; on the edit page it lists the locations too.
type orgForm struct {
	form
	Action    string
	Kommune   region.Kommune
	Org       *catalog.Organization // nil on the create page
	Kinds     []option
	Locations []locationRow
	MayAdmin  bool // may archive
}

// locationRow is a location in the list of its organization, with the name of its Sozialraum.
type locationRow struct {
	catalog.Location
	Area string
}

func (s *server) orgFormFor(r *http.Request, lang, titleID string, k region.Kommune, o catalog.Organization) orgForm {
	l := s.i18n.For(lang)
	f := orgForm{form: s.newForm(r, lang, titleID), Kommune: k}
	f.Crumbs = s.adminTrail(lang, k, crumb{Name: l.T("admincatalog.orgs.title"), Href: orgsHref(k)}, crumb{Name: f.Title})
	v := f.Values
	v["name"], v["description"], v["email"], v["url"], v["phone"] = o.Name, o.Description, o.Email, o.Website, o.Phone
	v["kind"] = o.Kind
	for _, t := range s.store.Taxonomies().Terms(taxonomy.OrganizationKind) {
		f.Kinds = append(f.Kinds, option{Value: t.Code, Label: t.Label(lang), Selected: t.Code == o.Kind})
	}
	return f
}

func orgsHref(k region.Kommune) string { return "/verwaltung/kommunen/" + k.AGS + "/einrichtungen" }

// parseOrg reads the organization fields of a form.
func parseOrg(r *http.Request) catalog.Organization {
	return catalog.Organization{Name: strings.TrimSpace(r.PostFormValue("name")), Kind: r.PostFormValue("kind"),
		Description: strings.TrimSpace(r.PostFormValue("description")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Website: strings.TrimSpace(r.PostFormValue("url")), Phone: strings.TrimSpace(r.PostFormValue("phone"))}
}

func (s *server) newOrgForm(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	if !p.Scope().MayAdminister() {
		return "", nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	f := s.orgFormFor(r, lang, "admincatalog.org.new_title", k, catalog.Organization{Kind: "familienzentrum"})
	f.Action = orgsHref(k) + "/neu"
	return "admin_org", f, nil
}

func (s *server) createOrg(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	o := parseOrg(r)
	o.KommuneID = k.ID
	if err := s.store.CreateOrganization(r.Context(), p.Scope(), actorOf(p), &o); err != nil {
		if errs.Is(err, errs.Forbidden) {
			return "", nil, err
		}
		f := s.orgFormFor(r, lang, "admincatalog.org.new_title", k, o)
		f.Action = orgsHref(k) + "/neu"
		return s.refuseOrg(lang, f, err)
	}
	return "", seeOther("/verwaltung/einrichtungen/" + o.ID.String() + "?angelegt"), nil
}

// refuseOrg sends the organization form back with the messages of err.
func (s *server) refuseOrg(lang string, f orgForm, err error) (string, any, error) {
	data, err := s.refuse(&f.form, lang, err)
	if ws, ok := data.(withStatus); ok {
		f.form = ws.data.(form)
		return "admin_org", withStatus{status: ws.status, data: f}, nil
	}
	return "admin_org", data, err
}

// orgInScope reads the organization of the path for a signed-in user who may change it: another tenant's is
// not found, another organization of the own Kommune is forbidden to a provider editor.
func (s *server) orgInScope(r *http.Request) (auth.Principal, catalog.Organization, region.Kommune, error) {
	p, err := signedIn(r)
	if err != nil {
		return p, catalog.Organization{}, region.Kommune{}, err
	}
	id, err := pathID(r)
	if err != nil {
		return p, catalog.Organization{}, region.Kommune{}, err
	}
	o, err := s.store.GetOrganization(r.Context(), p.Scope(), id)
	if err != nil {
		return p, o, region.Kommune{}, err
	}
	k, err := s.store.GetKommune(r.Context(), p.Scope(), o.KommuneID)
	if err != nil {
		return p, o, k, err
	}
	if !p.Scope().MayChange(o.ID) {
		return p, o, k, errs.E(errs.Forbidden, "error.forbidden")
	}
	return p, o, k, nil
}

// editOrg is the edit page of an organization with its locations.
func (s *server) editOrg(r *http.Request, lang string, p auth.Principal, o catalog.Organization, k region.Kommune) (orgForm, error) {
	f := s.orgFormFor(r, lang, "admincatalog.org.edit_title", k, o)
	f.Title = o.Name
	f.Crumbs[len(f.Crumbs)-1].Name = o.Name
	f.Action = "/verwaltung/einrichtungen/" + o.ID.String()
	f.Org = &o
	f.MayAdmin = p.Scope().MayAdminister()
	locs, err := s.store.ListLocations(r.Context(), p.Scope(), store.LocationFilter{OrganizationID: o.ID})
	if err != nil {
		return f, err
	}
	areas, err := s.store.ListAreas(r.Context(), p.Scope(), k.ID)
	if err != nil {
		return f, err
	}
	names := map[uuid.UUID]string{}
	for _, a := range areas {
		names[a.ID] = a.Name
	}
	for _, l := range locs {
		row := locationRow{Location: l}
		if l.AreaID != nil {
			row.Area = names[*l.AreaID]
		}
		f.Locations = append(f.Locations, row)
	}
	l := s.i18n.For(lang)
	q := r.URL.Query()
	switch {
	case q.Has("angelegt"):
		f.Notice = l.T("admincatalog.org.created")
	case q.Has("gespeichert"):
		f.Notice = l.T("admincatalog.saved")
	case q.Has("archiviert"):
		f.Notice = l.T("admincatalog.org.archived_notice", map[string]any{"Count": atoiOr(q.Get("archiviert"), 0)})
	case q.Has("reaktiviert"):
		f.Notice = l.T("admincatalog.org.restored")
	case q.Has("standort"):
		f.Notice = l.T("admincatalog.location.saved")
	}
	return f, nil
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return n
	}
	return def
}

func (s *server) editOrgForm(r *http.Request, lang string) (string, any, error) {
	p, o, k, err := s.orgInScope(r)
	if err != nil {
		return "", nil, err
	}
	f, err := s.editOrg(r, lang, p, o, k)
	return "admin_org", f, err
}

func (s *server) saveOrg(r *http.Request, lang string) (string, any, error) {
	p, current, k, err := s.orgInScope(r)
	if err != nil {
		return "", nil, err
	}
	o := parseOrg(r)
	o.ID = current.ID
	if err := s.store.UpdateOrganization(r.Context(), p.Scope(), actorOf(p), &o); err != nil {
		f, ferr := s.editOrg(r, lang, p, current, k)
		if ferr != nil {
			return "", nil, ferr
		}
		v := f.Values
		v["name"], v["description"], v["email"], v["url"], v["phone"], v["kind"] = o.Name, o.Description, o.Email, o.Website, o.Phone, o.Kind
		for i := range f.Kinds {
			f.Kinds[i].Selected = f.Kinds[i].Value == o.Kind
		}
		f.Notice = ""
		return s.refuseOrg(lang, f, err)
	}
	return "", seeOther("/verwaltung/einrichtungen/" + o.ID.String() + "?gespeichert"), nil
}

func (s *server) archiveOrg(r *http.Request, lang string) (string, any, error) {
	p, o, _, err := s.orgInScope(r)
	if err != nil {
		return "", nil, err
	}
	n, err := s.store.ArchiveOrganization(r.Context(), p.Scope(), actorOf(p), o.ID)
	if err != nil {
		return "", nil, err
	}
	return "", seeOther("/verwaltung/einrichtungen/" + o.ID.String() + "?archiviert=" + strconv.Itoa(n)), nil
}

func (s *server) restoreOrg(r *http.Request, lang string) (string, any, error) {
	p, o, _, err := s.orgInScope(r)
	if err != nil {
		return "", nil, err
	}
	if err := s.store.RestoreOrganization(r.Context(), p.Scope(), actorOf(p), o.ID); err != nil {
		return "", nil, err
	}
	return "", seeOther("/verwaltung/einrichtungen/" + o.ID.String() + "?reaktiviert"), nil
}

// ---- Locations ----

// locationForm creates or edits a location, with a map of where it lies among the Sozialräume.
type locationForm struct {
	form
	Action   string
	Kommune  region.Kommune
	Org      catalog.Organization
	Location *catalog.Location // nil on the create page
	Area     string            // the name of the Sozialraum it lies in
	Hours    []hoursRow
	Map      *locationMap
}

// locationMap draws the Kommune's Sozialräume and the location as a point.
type locationMap struct {
	svgMap
	X, Y string
	Pick mapPick
}

// mapPick carries the inverse of the map's projection to pick.js, which turns a click into coordinates for
// the form: lon = Lon0 + (x − Pad) / KX, lat = Lat0 − (y − Pad) / KY in the SVG's user units.
type mapPick struct {
	Lon0, Lat0, KX, KY, Pad string
}

func pickOf(p projection) mapPick {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	return mapPick{Lon0: f(p.minLon), Lat0: f(p.maxLat), KX: f(p.kx * p.scale), KY: f(p.scale), Pad: f(p.pad)}
}

func (s *server) locationFormFor(r *http.Request, lang, titleID string, k region.Kommune, org catalog.Organization, l catalog.Location) locationForm {
	loc := s.i18n.For(lang)
	f := locationForm{form: s.newForm(r, lang, titleID), Kommune: k, Org: org}
	f.Crumbs = s.adminTrail(lang, k, crumb{Name: loc.T("admincatalog.orgs.title"), Href: orgsHref(k)},
		crumb{Name: org.Name, Href: "/verwaltung/einrichtungen/" + org.ID.String()}, crumb{Name: f.Title})
	v := f.Values
	v["name"], v["address_1"], v["postal_code"], v["city"] = l.Name, l.Address1, l.PostalCode, l.City
	v["accessibility"] = l.Accessibility
	if l.WheelchairAccessible {
		v["wheelchair_accessible"] = "1"
	}
	if l.Latitude != 0 || l.Longitude != 0 {
		v["latitude"], v["longitude"] = formatCoord(l.Latitude), formatCoord(l.Longitude)
	}
	f.Hours = hoursRows(l.OpeningHours)
	return f
}

// formatCoord writes a coordinate with six decimals (about 10 cm), without trailing zeros.
func formatCoord(v float64) string {
	s := strconv.FormatFloat(v, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// parseLocation reads the location fields. Coordinates may be written the German way ("52,27"); a value that
// is no number is a field error. Both empty means: derive them from the postcode (done by the caller).
func parseLocation(r *http.Request) (catalog.Location, bool, error) {
	var v errs.Validation
	l := catalog.Location{Name: strings.TrimSpace(r.PostFormValue("name")), Address1: strings.TrimSpace(r.PostFormValue("address_1")),
		PostalCode: strings.TrimSpace(r.PostFormValue("postal_code")), City: strings.TrimSpace(r.PostFormValue("city")),
		Accessibility: strings.TrimSpace(r.PostFormValue("accessibility")), WheelchairAccessible: r.PostFormValue("wheelchair_accessible") != ""}
	lat, lon := strings.TrimSpace(r.PostFormValue("latitude")), strings.TrimSpace(r.PostFormValue("longitude"))
	derive := lat == "" && lon == ""
	if !derive {
		l.Latitude = parseCoord(&v, "latitude", lat)
		l.Longitude = parseCoord(&v, "longitude", lon)
	}
	for day := 1; day <= 7; day++ {
		for slot := 0; slot < 2; slot++ {
			opens := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("h%d_%d_opens", day, slot)))
			closes := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("h%d_%d_closes", day, slot)))
			if opens == "" && closes == "" {
				continue
			}
			l.OpeningHours = append(l.OpeningHours, catalog.Weekly{Weekday: day, Opens: opens, Closes: closes})
		}
	}
	return l, derive, v.Err()
}

func parseCoord(v *errs.Validation, field, raw string) float64 {
	if raw == "" {
		v.Add(field, "admincatalog.validation.coordinate_missing", nil)
		return 0
	}
	f, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		v.Add(field, "admincatalog.validation.coordinate", map[string]any{"Value": raw})
		return 0
	}
	return f
}

// deriveCoordinates places a location without coordinates at the known position of its postcode: the mean
// of the catalogue's locations with it (internal/place; no external geocoder). An unknown postcode is a field
// error asking for coordinates.
func (s *server) deriveCoordinates(r *http.Request, p auth.Principal, l *catalog.Location) error {
	var v errs.Validation
	g, err := place.Build(r.Context(), s.store, p.Scope())
	if err != nil {
		return err
	}
	if matches, err := g.Resolve(l.PostalCode); err == nil && len(matches) > 0 && matches[0].Kind == place.Postcode {
		l.Latitude, l.Longitude = matches[0].Latitude, matches[0].Longitude
		return nil
	}
	v.Add("latitude", "admincatalog.validation.no_position", map[string]any{"Value": l.PostalCode})
	return v.Err()
}

func (s *server) newLocationForm(r *http.Request, lang string) (string, any, error) {
	p, org, k, err := s.orgInScope(r)
	if err != nil {
		return "", nil, err
	}
	f := s.locationFormFor(r, lang, "admincatalog.location.new_title", k, org, catalog.Location{City: cityOf(k)})
	f.Action = "/verwaltung/einrichtungen/" + org.ID.String() + "/standorte/neu"
	f.Map, _, err = s.locationMapFor(r, p, k, nil)
	return "admin_location", f, err
}

// cityOf suggests the city of a new location: the Kommune's name without its official additions.
func cityOf(k region.Kommune) string {
	name, _, _ := strings.Cut(k.Name, ",")
	return strings.TrimSpace(name)
}

func (s *server) createLocation(r *http.Request, lang string) (string, any, error) {
	p, org, k, err := s.orgInScope(r)
	if err != nil {
		return "", nil, err
	}
	l, derive, err := parseLocation(r)
	l.OrganizationID = org.ID
	if err == nil && derive {
		err = s.deriveCoordinates(r, p, &l)
	}
	if err == nil {
		err = s.store.CreateLocation(r.Context(), p.Scope(), actorOf(p), &l)
	}
	if err != nil {
		f := s.locationFormFor(r, lang, "admincatalog.location.new_title", k, org, l)
		f.Action = "/verwaltung/einrichtungen/" + org.ID.String() + "/standorte/neu"
		return s.refuseLocation(r, lang, p, f, err)
	}
	return "", seeOther("/verwaltung/einrichtungen/" + org.ID.String() + "?standort"), nil
}

// refuseLocation sends the location form back with what was typed and the messages of err.
func (s *server) refuseLocation(r *http.Request, lang string, p auth.Principal, f locationForm, err error) (string, any, error) {
	if errs.Is(err, errs.Forbidden) || errs.Is(err, errs.NotFound) {
		return "", nil, err
	}
	for _, name := range []string{"latitude", "longitude"} {
		f.Values[name] = r.PostFormValue(name)
	}
	for i, h := range f.Hours {
		h.Opens = r.PostFormValue(fmt.Sprintf("h%d_%d_opens", h.Weekday, h.Slot))
		h.Closes = r.PostFormValue(fmt.Sprintf("h%d_%d_closes", h.Weekday, h.Slot))
		f.Hours[i] = h
	}
	var merr error
	f.Map, _, merr = s.locationMapFor(r, p, f.Kommune, f.Location)
	if merr != nil {
		return "", nil, merr
	}
	data, err := s.refuse(&f.form, lang, err)
	if ws, ok := data.(withStatus); ok {
		f.form = ws.data.(form)
		return "admin_location", withStatus{status: ws.status, data: f}, nil
	}
	return "admin_location", data, err
}

// locationInScope reads the location of the path with its organization, for a user who may change it.
func (s *server) locationInScope(r *http.Request) (auth.Principal, catalog.Location, catalog.Organization, region.Kommune, error) {
	p, err := signedIn(r)
	if err != nil {
		return p, catalog.Location{}, catalog.Organization{}, region.Kommune{}, err
	}
	id, err := pathID(r)
	if err != nil {
		return p, catalog.Location{}, catalog.Organization{}, region.Kommune{}, err
	}
	l, err := s.store.GetLocation(r.Context(), p.Scope(), id)
	if err != nil {
		return p, l, catalog.Organization{}, region.Kommune{}, err
	}
	org, err := s.store.GetOrganization(r.Context(), p.Scope(), l.OrganizationID)
	if err != nil {
		return p, l, org, region.Kommune{}, err
	}
	k, err := s.store.GetKommune(r.Context(), p.Scope(), l.KommuneID)
	if err != nil {
		return p, l, org, k, err
	}
	if !p.Scope().MayChange(org.ID) {
		return p, l, org, k, errs.E(errs.Forbidden, "error.forbidden")
	}
	return p, l, org, k, nil
}

func (s *server) editLocation(r *http.Request, lang string, p auth.Principal, l catalog.Location, org catalog.Organization, k region.Kommune) (locationForm, error) {
	f := s.locationFormFor(r, lang, "admincatalog.location.edit_title", k, org, l)
	f.Title = l.Name
	f.Crumbs[len(f.Crumbs)-1].Name = l.Name
	f.Action = "/verwaltung/standorte/" + l.ID.String()
	f.Location = &l
	var err error
	f.Map, f.Area, err = s.locationMapFor(r, p, k, &l)
	return f, err
}

func (s *server) editLocationForm(r *http.Request, lang string) (string, any, error) {
	p, l, org, k, err := s.locationInScope(r)
	if err != nil {
		return "", nil, err
	}
	f, err := s.editLocation(r, lang, p, l, org, k)
	return "admin_location", f, err
}

func (s *server) saveLocation(r *http.Request, lang string) (string, any, error) {
	p, current, org, k, err := s.locationInScope(r)
	if err != nil {
		return "", nil, err
	}
	l, derive, err := parseLocation(r)
	l.ID, l.OrganizationID = current.ID, org.ID
	if err == nil && derive {
		err = s.deriveCoordinates(r, p, &l)
	}
	if err == nil {
		err = s.store.UpdateLocation(r.Context(), p.Scope(), actorOf(p), &l)
	}
	if err != nil {
		f, ferr := s.editLocation(r, lang, p, current, org, k)
		if ferr != nil {
			return "", nil, ferr
		}
		v := f.Values
		v["name"], v["address_1"], v["postal_code"], v["city"], v["accessibility"] = l.Name, l.Address1, l.PostalCode, l.City, l.Accessibility
		v["wheelchair_accessible"] = ""
		if l.WheelchairAccessible {
			v["wheelchair_accessible"] = "1"
		}
		return s.refuseLocation(r, lang, p, f, err)
	}
	return "", seeOther("/verwaltung/einrichtungen/" + org.ID.String() + "?standort"), nil
}

// locationMapFor draws the Kommune's Sozialräume with the location as a point, and names the Area it lies
// in. Without Sozialräume there is no map.
func (s *server) locationMapFor(r *http.Request, p auth.Principal, k region.Kommune, l *catalog.Location) (*locationMap, string, error) {
	areas, err := s.store.ListAreas(r.Context(), p.Scope(), k.ID)
	if err != nil {
		return nil, "", err
	}
	geoms := make([]orb.Geometry, 0, len(areas)+1)
	for _, a := range areas {
		geoms = append(geoms, a.Geometry)
	}
	if l != nil {
		geoms = append(geoms, orb.Point{l.Longitude, l.Latitude})
	}
	b, ok := boundOf(geoms)
	if !ok || len(areas) == 0 {
		return nil, "", nil
	}
	proj := newProjection(b, 600, 16)
	m := &locationMap{svgMap: svgMap{ViewBox: proj.viewBox()}, Pick: pickOf(proj)}
	inArea := ""
	for _, a := range areas {
		x, y := proj.label(a.Geometry)
		shade := 0
		if l != nil && l.AreaID != nil && *l.AreaID == a.ID {
			shade, inArea = 1, a.Name
		}
		m.Areas = append(m.Areas, mapArea{Name: a.Name, Key: a.Key, D: proj.path(a.Geometry), X: coord(x), Y: coord(y), Shade: shade})
	}
	if l != nil {
		x, y := proj.point(orb.Point{l.Longitude, l.Latitude})
		m.X, m.Y = coord(x), coord(y)
	}
	return m, inArea, nil
}

// ---- Sozialräume ----

// areaListPage lists the Sozialräume of a Kommune with their child counts and offers the GeoJSON upload.
type areaListPage struct {
	form
	Kommune   region.Kommune
	Areas     []areaRow
	Total     areaRow
	Versions  map[string]int
	Map       svgMap
	MayUpload bool
}

func (s *server) areaPage(r *http.Request, lang string, p auth.Principal, k region.Kommune) (areaListPage, error) {
	l := s.i18n.For(lang)
	d := areaListPage{form: s.newForm(r, lang, "admincatalog.areas.title"), Kommune: k, MayUpload: p.Scope().MayAdminister()}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	areas, err := s.store.ListAreas(r.Context(), p.Scope(), k.ID)
	if err != nil {
		return d, err
	}
	d.Map, d.Areas, d.Total = s.kommuneMap(areas, nil)
	d.Versions = map[string]int{}
	for _, a := range areas {
		d.Versions[a.Key] = a.Version
	}
	q := r.URL.Query()
	if q.Has("hochgeladen") {
		d.Notice = l.T("admincatalog.areas.uploaded", map[string]any{"Created": atoiOr(q.Get("neu"), 0),
			"Updated": atoiOr(q.Get("geaendert"), 0), "Moved": atoiOr(q.Get("verschoben"), 0)})
		if n := atoiOr(q.Get("beendet"), 0); n > 0 {
			d.Notice += " " + l.T("areaupload.ended_notice", map[string]any{"Count": n})
		}
	}
	return d, nil
}

func (s *server) adminAreas(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	d, err := s.areaPage(r, lang, p, k)
	return "admin_areas", d, err
}

// maxUpload bounds a GeoJSON file: the Sozialräume of a big city with detailed polygons are a few megabytes.
const maxUpload = 20 << 20

func (s *server) uploadAreas(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	if !p.Scope().MayAdminister() {
		return "", nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	areas, err := s.readAreaUpload(r, lang)
	var res store.AreaUpload
	if err == nil {
		// A new boundary set: the versions it replaces stay valid up to the day before (versioned Sozialräume).
		var from catalog.Date
		if from, err = s.areasValidFrom(r); err == nil {
			// The file is the whole boundary set; one that ends Sozialräume is shown first (admin_areas.go).
			var preview any
			if preview, err = s.previewAreaSet(r, lang, p, k, areas, from); err == nil && preview != nil {
				return "admin_area_preview", preview, nil
			}
			if err == nil {
				res, err = s.store.ReplaceAreasFrom(r.Context(), p.Scope(), actorOf(p), k.ID, areas, from, nil)
			}
		}
	}
	if err != nil {
		d, derr := s.areaPage(r, lang, p, k)
		if derr != nil {
			return "", nil, derr
		}
		data, err := s.refuse(&d.form, lang, err)
		if ws, ok := data.(withStatus); ok {
			d.form = ws.data.(form)
			return "admin_areas", withStatus{status: ws.status, data: d}, nil
		}
		return "admin_areas", data, err
	}
	q := url.Values{"hochgeladen": {""}, "neu": {strconv.Itoa(res.Created)}, "geaendert": {strconv.Itoa(res.Updated)},
		"verschoben": {strconv.Itoa(res.Relocated)}}
	return "", seeOther("/verwaltung/kommunen/" + k.AGS + "/sozialraeume?" + q.Encode()), nil
}

// areasValidFrom reads the day a boundary upload is valid from (field "gueltig_ab"); empty is today.
func (s *server) areasValidFrom(r *http.Request) (catalog.Date, error) {
	raw := strings.TrimSpace(r.FormValue("gueltig_ab"))
	if raw == "" {
		return catalog.DateOf(time.Now().In(s.berlin)), nil
	}
	d, err := catalog.ParseDate(raw)
	if err != nil {
		var v errs.Validation
		v.Add("gueltig_ab", "chainview.areas.valid_from_invalid", map[string]any{"Value": raw})
		return catalog.Date{}, v.Err()
	}
	return d, nil
}

// readAreaUpload reads the uploaded file of the form field "geojson".
func (s *server) readAreaUpload(r *http.Request, lang string) ([]region.Area, error) {
	var v errs.Validation
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		v.Add("geojson", "admincatalog.upload.no_file", nil)
		return nil, v.Err()
	}
	file, _, err := r.FormFile("geojson")
	if err != nil {
		v.Add("geojson", "admincatalog.upload.no_file", nil)
		return nil, v.Err()
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxUpload+1))
	if err != nil {
		return nil, errs.Wrap(err, "read upload")
	}
	if len(data) > maxUpload {
		v.Add("geojson", "admincatalog.upload.too_large", map[string]any{"MB": maxUpload >> 20})
		return nil, v.Err()
	}
	return parseAreaCollection(data, s.i18n.For(lang))
}

// The properties of a feature that hold the children per age band, in the order of region.AgeBands.
var childProperties = []string{"children_0_2", "children_3_5", "children_6_9", "children_10_15", "children_16_20"}

// parseAreaCollection reads a GeoJSON FeatureCollection of Sozialräume: each feature a Polygon or
// MultiPolygon with the properties "key" and "name" and optionally the child counts (childProperties). Every
// problem is reported with the feature's number (1-based, in file order) and name, so a planner finds it in
// their GIS. Polygon validity — above all self-intersecting rings — is judged by simplefeatures, which
// implements the OGC Simple Features rules.
func parseAreaCollection(data []byte, l *i18n.Localizer) ([]region.Area, error) {
	var v errs.Validation
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string          `json:"type"`
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil || fc.Type != "FeatureCollection" {
		v.Add("geojson", "admincatalog.upload.not_collection", nil)
		return nil, v.Err()
	}
	if len(fc.Features) == 0 {
		v.Add("geojson", "admincatalog.upload.empty", nil)
		return nil, v.Err()
	}
	keys := map[string]int{}
	var out []region.Area
	for i, f := range fc.Features {
		n := i + 1
		name, _ := f.Properties["name"].(string)
		name = strings.TrimSpace(name)
		label := name
		if label == "" {
			label = l.T("admincatalog.upload.unnamed")
		}
		add := func(msg string, data map[string]any) {
			if data == nil {
				data = map[string]any{}
			}
			data["Number"], data["Name"] = n, label
			v.Add("geojson", msg, data)
		}
		a := region.Area{Name: name, Key: propertyKey(f.Properties["key"])}
		if a.Key == "" {
			add("admincatalog.feature.no_key", nil)
		} else if first, dup := keys[a.Key]; dup {
			add("admincatalog.feature.duplicate_key", map[string]any{"Key": a.Key, "First": first})
		} else {
			keys[a.Key] = n
		}
		counts := make([]int, len(childProperties))
		for j, prop := range childProperties {
			raw, ok := f.Properties[prop]
			if !ok || raw == nil {
				continue
			}
			c, ok := raw.(float64)
			if !ok || c < 0 || c != math.Trunc(c) || c > math.MaxInt32 {
				add("admincatalog.feature.children", map[string]any{"Property": prop})
				continue
			}
			counts[j] = int(c)
		}
		a.Children = region.Children{Age0to2: counts[0], Age3to5: counts[1], Age6to9: counts[2], Age10to15: counts[3], Age16to20: counts[4]}
		if f.Type != "Feature" || len(f.Geometry) == 0 || string(f.Geometry) == "null" {
			add("admincatalog.feature.no_geometry", nil)
			continue
		}
		g, err := region.GeometryFromGeoJSON(f.Geometry)
		if err != nil {
			add("admincatalog.feature.invalid_geometry", nil)
			continue
		}
		a.Geometry = g
		if err := a.Validate(); err != nil {
			for _, fe := range errs.As(err).Fields {
				if fe.Field == "key" && a.Key == "" {
					continue // reported above
				}
				problem := l.FieldMessage(fe)
				if fe.Field == "geometry" {
					problem = l.T(fe.Message, fe.Data) // "Fläche 3: Fläche: …" would say it twice
				}
				add("admincatalog.feature.problem", map[string]any{"Problem": problem})
			}
			continue
		}
		if msg := polygonProblem(f.Geometry); msg != "" {
			add(msg, nil)
			continue
		}
		out = append(out, a)
	}
	return out, v.Err()
}

// propertyKey reads a key given as text or as a whole number (GIS exports often write district numbers as
// numbers).
func propertyKey(raw any) string {
	switch k := raw.(type) {
	case string:
		return strings.TrimSpace(k)
	case float64:
		if k == math.Trunc(k) && !math.IsInf(k, 0) {
			return strconv.FormatFloat(k, 'f', 0, 64)
		}
	}
	return ""
}

// polygonProblem returns the message id of what is wrong with a (Multi)Polygon by the Simple Features rules:
// a ring that crosses itself, or any other invalidity (rings crossing each other, holes outside, parts
// overlapping). Empty means valid.
func polygonProblem(raw json.RawMessage) string {
	g, err := geom.UnmarshalGeoJSON(raw, geom.NoValidate{})
	if err != nil {
		return "admincatalog.feature.invalid_geometry"
	}
	var polys []geom.Polygon
	if p, ok := g.AsPolygon(); ok {
		polys = append(polys, p)
	} else if mp, ok := g.AsMultiPolygon(); ok {
		for i := 0; i < mp.NumPolygons(); i++ {
			polys = append(polys, mp.PolygonN(i))
		}
	}
	for _, p := range polys {
		rings := []geom.LineString{p.ExteriorRing()}
		for i := 0; i < p.NumInteriorRings(); i++ {
			rings = append(rings, p.InteriorRingN(i))
		}
		for _, ring := range rings {
			if !ring.IsSimple() {
				return "admincatalog.feature.self_intersecting"
			}
		}
	}
	if err := g.Validate(); err != nil {
		return "admincatalog.feature.invalid_polygon"
	}
	return ""
}
