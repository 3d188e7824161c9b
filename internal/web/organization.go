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
func (s *server) organization(w http.ResponseWriter, r *http.Request) {
	lang := s.language(w, r)
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	page, err := readPage(r)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	o, err := s.store.GetOrganization(ctx, s.scope, id)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	k, err := s.store.GetKommune(ctx, s.scope, o.KommuneID)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	p := organizationPage{base: s.newBase(r, lang, o.Name), Org: o, Kommune: k}
	p.Crumbs = s.trail(lang, crumb{Name: k.Name, Href: kommuneHref(k)}, crumb{Name: o.Name})
	if p.Locations, err = s.store.ListLocations(ctx, s.scope, store.LocationFilter{OrganizationID: o.ID}); err != nil {
		s.fail(w, r, lang, err)
		return
	}
	for i := range p.Locations {
		p.Locations[i].OpeningHours = sortedWeekly(p.Locations[i].OpeningHours)
	}
	if p.Offers, err = s.offerPage(r, page, store.OfferFilter{OrganizationID: o.ID}); err != nil {
		s.fail(w, r, lang, err)
		return
	}
	s.render(w, r, http.StatusOK, lang, "organization", p)
}
