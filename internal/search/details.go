package search

import (
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/store"
)

// Details returns what a results list shows of a page of hits, in the order of the hits, from memory: the
// offer's name, organization, Kommune, cost, age range, phases, fields, languages and last confirmation, the
// postcode, city and coordinates of its locations, and whether it is open today. Doc holds only these
// fields. Reading them from the database instead cost three queries per page, more than the search itself
// at a million offers; they are as fresh as the hits, at most a refresh behind the database. An offer that
// left the index since the search is left out.
func (x *Index) Details(hits []Hit, now time.Time) []Found {
	x.mu.RLock()
	defer x.mu.RUnlock()
	st := x.st
	out := make([]Found, 0, len(hits))
	for _, h := range hits {
		if id, ok := st.ids[h.OfferID]; ok {
			out = append(out, Found{Hit: h, Doc: st.searchDoc(id), OpenToday: st.openToday(&st.docs[id], now)})
		}
	}
	return out
}

// searchDoc rebuilds the displayed fields of document id as the store reads them: term lists in the
// taxonomy's order (the order they were indexed in), empty rather than nil.
func (st *state) searchDoc(id uint32) store.SearchDoc {
	d := &st.docs[id]
	o := catalog.Offer{ID: d.id, Name: st.name(d), Phases: []string{}, Fields: []string{}, Languages: []string{}}
	for _, v := range st.in(d) {
		switch fv := st.values[v]; fv.dim {
		case DimPhase:
			o.Phases = append(o.Phases, fv.value)
		case DimField:
			o.Fields = append(o.Fields, fv.value)
		case DimLanguage:
			o.Languages = append(o.Languages, fv.value)
		case DimCost:
			o.Cost = fv.value
		case DimKommune:
			o.KommuneID, _ = uuid.Parse(fv.value) // indexed from a uuid
		}
	}
	if d.minAge >= 0 {
		m := int(d.minAge)
		o.MinimumAgeMonths = &m
	}
	if d.maxAge >= 0 {
		m := int(d.maxAge)
		o.MaximumAgeMonths = &m
	}
	if d.confirmedAt != notConfirmed {
		t := time.Unix(0, d.confirmedAt).UTC()
		o.LastConfirmedAt = &t
	}
	points, places := st.points(d), spanOf(st.placeArena, d.points)
	sd := store.SearchDoc{Offer: o, OrganizationName: st.orgs.list[d.org], LandCode: st.lands.list[d.land],
		Locations: make([]store.SearchLocation, len(points))}
	for i, p := range points {
		pl := st.placeList.list[places[i]]
		sd.Locations[i] = store.SearchLocation{Latitude: p[0], Longitude: p[1], PostalCode: pl.postalCode, City: pl.city}
	}
	return sd
}

// notConfirmed is doc.confirmedAt of an offer never confirmed.
const notConfirmed = math.MinInt64

// openToday is the "heute geöffnet" of a result: an event takes place today, or the offer's own weekly hours
// (else its locations') have today's weekday and today is no public holiday of its Land.
func (st *state) openToday(d *doc, now time.Time) bool {
	zone := st.zoneList[d.zone]
	today := now.In(zone)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, zone)
	from, until := start.Unix(), start.AddDate(0, 0, 1).Unix()
	for _, e := range spanOf(st.eventArena, d.events) {
		if e[0] < until && e[1] >= from {
			return true
		}
	}
	if IsHoliday(st.lands.list[d.land], today) {
		return false
	}
	wd := int(today.Weekday())
	if wd == 0 {
		wd = 7
	}
	return d.openWeekdays&(1<<wd) != 0
}
