package web

import (
	"net/http"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

type organizationPage struct {
	base
	Org       catalog.Organization
	Kommune   region.Kommune
	Locations []catalog.Location
	Offers    offerList
}

// organization is the page of an Einrichtung: what it is, how to reach it, where it is and what it offers.
func (s *server) organization(r *http.Request, lang string) (string, any, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	page, err := readPage(r)
	if err != nil {
		return "", nil, err
	}
	o, err := s.store.GetOrganization(ctx, s.scope, id)
	if err != nil {
		return "", nil, err
	}
	k, err := s.store.GetKommune(ctx, s.scope, o.KommuneID)
	if err != nil {
		return "", nil, err
	}
	p := organizationPage{base: s.newBase(r, lang, o.Name), Org: o, Kommune: k}
	p.Crumbs = s.trail(lang, crumb{Name: k.Name, Href: kommuneHref(k)}, crumb{Name: o.Name})
	if p.Locations, err = s.store.ListLocations(ctx, s.scope, store.LocationFilter{OrganizationID: o.ID}); err != nil {
		return "", nil, err
	}
	for i := range p.Locations {
		p.Locations[i].OpeningHours = sortedWeekly(p.Locations[i].OpeningHours)
	}
	if p.Offers, err = s.offerPage(r, page, store.OfferFilter{OrganizationID: o.ID}); err != nil {
		return "", nil, err
	}
	return "organization", p, nil
}
