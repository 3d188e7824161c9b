package web

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

type areaPage struct {
	base
	Area      region.Area
	Kommune   region.Kommune
	Map       svgMap
	Bands     []bandRow
	Locations []placedLocation
	Offers    offerList
}

// bandRow is a line of a children table.
type bandRow struct {
	Band     string
	Children int
}

// placedLocation is a location with the name of its organization.
type placedLocation struct {
	catalog.Location
	OrgName, OrgHref string
}

// area is the page of a Sozialraum: its shape, its children, its locations and its offers.
func (s *server) area(r *http.Request, lang string) (string, any, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	page, err := readPage(r)
	if err != nil {
		return "", nil, err
	}
	a, err := s.store.GetArea(ctx, s.scope, id)
	if err != nil {
		return "", nil, err
	}
	k, err := s.store.GetKommune(ctx, s.scope, a.KommuneID)
	if err != nil {
		return "", nil, err
	}
	p := areaPage{base: s.newBase(r, lang, a.Name+" – "+k.Name), Area: a, Kommune: k}
	p.Crumbs = s.trail(lang, crumb{Name: k.Name, Href: kommuneHref(k)}, crumb{Name: a.Name})
	if a.Geometry != nil {
		proj := newProjection(a.Geometry.Bound(), 320, 8)
		p.Map = svgMap{ViewBox: proj.viewBox(), Areas: []mapArea{{Name: a.Name, Key: a.Key, D: proj.path(a.Geometry)}}}
	}
	for i, n := range a.Children.Bands() {
		p.Bands = append(p.Bands, bandRow{Band: region.AgeBands[i], Children: n})
	}
	locs, err := s.store.ListLocations(ctx, s.scope, store.LocationFilter{AreaID: a.ID})
	if err != nil {
		return "", nil, err
	}
	if p.Locations, err = s.placeLocations(r, locs); err != nil {
		return "", nil, err
	}
	if p.Offers, err = s.offerPage(r, page, store.OfferFilter{AreaID: a.ID}); err != nil {
		return "", nil, err
	}
	return "area", p, nil
}

// placeLocations adds the organization's name to each location.
func (s *server) placeLocations(r *http.Request, locs []catalog.Location) ([]placedLocation, error) {
	names := map[uuid.UUID]string{}
	var out []placedLocation
	for _, l := range locs {
		name, ok := names[l.OrganizationID]
		if !ok {
			o, err := s.store.GetOrganization(r.Context(), s.scope, l.OrganizationID)
			if err != nil {
				return nil, err
			}
			name, names[l.OrganizationID] = o.Name, o.Name
		}
		out = append(out, placedLocation{Location: l, OrgName: name, OrgHref: "/einrichtungen/" + l.OrganizationID.String()})
	}
	return out, nil
}
