package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

type offerPage struct {
	base
	Offer     catalog.Offer
	Org       catalog.Organization
	Kommune   region.Kommune
	Locations []offerLocation
	Weekly    []catalog.Weekly
}

// offerLocation is a location of an offer with the Sozialraum it lies in.
type offerLocation struct {
	catalog.Location
	AreaName, AreaHref string
	// RouteHref opens OpenStreetMap's route planner with this location as the destination; the start is left
	// to the family, so nothing about them is put into the link.
	RouteHref string
}

// routeURL links to OpenStreetMap's route planner towards a point (on foot by default: the typical way to a
// local offer; the planner switches to bicycle or car with one click).
func routeURL(lat, lon float64) string {
	p := strconv.FormatFloat(lat, 'f', 6, 64) + "," + strconv.FormatFloat(lon, 'f', 6, 64)
	return "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=" + url.QueryEscape(";"+p)
}

// offer is the page a family can act on: what, for whom, when, where, how much, how to take part, whom to call.
func (s *server) offer(r *http.Request, lang string) (string, any, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	o, err := s.store.GetOffer(ctx, s.scope, id)
	if err != nil {
		return "", nil, err
	}
	org, err := s.store.GetOrganization(ctx, s.scope, o.OrganizationID)
	if err != nil {
		return "", nil, err
	}
	k, err := s.store.GetKommune(ctx, s.scope, o.KommuneID)
	if err != nil {
		return "", nil, err
	}
	p := offerPage{base: s.newBase(r, lang, o.Name), Offer: o, Org: org, Kommune: k, Weekly: sortedWeekly(o.Schedule.Weekly)}
	p.Crumbs = s.trail(lang, crumb{Name: k.Name, Href: kommuneHref(k)},
		crumb{Name: org.Name, Href: "/einrichtungen/" + org.ID.String()}, crumb{Name: o.Name})
	locs, err := s.store.ListLocations(ctx, s.scope, store.LocationFilter{OfferID: o.ID})
	if err != nil {
		return "", nil, err
	}
	for _, l := range locs {
		ol := offerLocation{Location: l}
		if l.AreaID != nil {
			a, err := s.store.GetArea(ctx, s.scope, *l.AreaID)
			if err != nil {
				return "", nil, err
			}
			ol.AreaName, ol.AreaHref = a.Name, "/sozialraeume/"+a.ID.String()
		}
		ol.OpeningHours = sortedWeekly(l.OpeningHours)
		if l.Latitude != 0 || l.Longitude != 0 {
			ol.RouteHref = routeURL(l.Latitude, l.Longitude)
		}
		p.Locations = append(p.Locations, ol)
	}
	return "offer", p, nil
}

// sortedWeekly orders weekly hours from Monday morning to Sunday evening.
func sortedWeekly(in []catalog.Weekly) []catalog.Weekly {
	out := append([]catalog.Weekly(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Weekday != out[j].Weekday {
			return out[i].Weekday < out[j].Weekday
		}
		return out[i].Opens < out[j].Opens
	})
	return out
}
