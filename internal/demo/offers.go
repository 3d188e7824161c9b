package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
)

// ReferenceDate is "today" of the demo and of the generator: last-confirmed dates and events are relative to
// it, never to the clock, so that every run writes the same data.
var ReferenceDate = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

var berlin = mustZone(catalog.DefaultTimezone)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}

var slots = [][2]string{{"09:00", "10:30"}, {"09:30", "11:00"}, {"10:00", "11:30"}, {"14:30", "16:00"},
	{"15:00", "16:30"}, {"15:30", "17:00"}, {"16:00", "18:00"}, {"17:00", "18:30"}, {"19:00", "21:00"}}

// BuildOffer makes an offer of org from a template: text, codes, ages, languages, schedule, contact and the
// last-confirmed date are drawn from r. ID, KommuneID and Status are left to the caller (Status is active).
// place, when not empty, is added to the title ("Elterncafé – Kaltenmoor").
func BuildOffer(r *rand.Rand, t OfferTemplate, org *catalog.Organization, locations []uuid.UUID, place string) catalog.Offer {
	o := catalog.Offer{OrganizationID: org.ID, KommuneID: org.KommuneID, Name: t.Title, Status: catalog.StatusActive,
		Phases: t.Phases, Fields: t.Fields, Transitions: nonNil(t.Transitions), Cost: t.Cost, CostDescription: t.CostNote,
		Access: t.Access, Delivery: t.Delivery, ApplicationProcess: t.Application, LocationIDs: locations}
	if place != "" {
		o.Name += " – " + place
	}
	// Description: the first sentence and one to three of the others, in order.
	parts := []string{t.Sentences[0]}
	want := 1 + r.IntN(3)
	for i, s := range t.Sentences[1:] {
		if left := len(t.Sentences) - 1 - i; want > 0 && r.IntN(left) < want {
			parts = append(parts, s)
			want--
		}
	}
	o.Description = strings.Join(parts, " ")
	o.TargetGroups = []string{t.TargetGroups[0]}
	for _, g := range t.TargetGroups[1:] {
		if r.IntN(2) == 0 {
			o.TargetGroups = append(o.TargetGroups, g)
		}
	}
	o.Languages = []string{"de"}
	if n := len(t.Languages); n > 0 && r.IntN(3) > 0 {
		first := r.IntN(n)
		o.Languages = append(o.Languages, t.Languages[first])
		if n > 1 && r.IntN(3) == 0 {
			o.Languages = append(o.Languages, t.Languages[(first+1+r.IntN(n-1))%n])
		}
	}
	if t.Age != nil {
		minAge, maxAge := t.Age.Min, t.Age.Max
		o.MinimumAgeMonths, o.MaximumAgeMonths = &minAge, &maxAge
	}
	o.Schedule = buildSchedule(r, t, &o)
	if org.Email != "" {
		if at := strings.LastIndexByte(org.Email, '@'); at > 0 && r.IntN(2) == 0 {
			o.Email = t.Key + org.Email[at:]
		} else {
			o.Email = org.Email
		}
	}
	if org.Website != "" {
		o.URL = strings.TrimSuffix(org.Website, "/") + "/angebote/" + t.Key
	}
	o.Phone = org.Phone
	confirmed := ReferenceDate.AddDate(0, 0, -r.IntN(540)).Add(time.Duration(8*60+r.IntN(9*60)) * time.Minute)
	o.LastConfirmedAt = &confirmed
	return o
}

func buildSchedule(r *rand.Rand, t OfferTemplate, o *catalog.Offer) catalog.Schedule {
	s := catalog.Schedule{Timezone: catalog.DefaultTimezone}
	switch t.Timing {
	case Weekly:
		n := 1 + r.IntN(2)
		day := 1 + r.IntN(5)
		for i := range n {
			sl := slots[r.IntN(len(slots)-1)]
			s.Weekly = append(s.Weekly, catalog.Weekly{Weekday: (day+2*i-1)%5 + 1, Opens: sl[0], Closes: sl[1]})
		}
		if r.IntN(4) == 0 {
			s.Notes = "Nicht in den Schulferien."
		}
	case OfficeHours:
		for _, d := range []int{1, 2, 4} {
			s.Weekly = append(s.Weekly, catalog.Weekly{Weekday: d, Opens: "09:00", Closes: "12:00"})
		}
		s.Weekly = append(s.Weekly, catalog.Weekly{Weekday: 4, Opens: "14:00", Closes: "17:30"})
		s.Notes = "Weitere Termine nach Vereinbarung."
	case Dated:
		// A course or series of three to six dates, weekly, starting within the next ten weeks.
		start := ReferenceDate.AddDate(0, 0, 3+r.IntN(70))
		sl := slots[r.IntN(len(slots))]
		var oh, om, ch, cm int
		fmt.Sscanf(sl[0], "%d:%d", &oh, &om)
		fmt.Sscanf(sl[1], "%d:%d", &ch, &cm)
		n := 3 + r.IntN(4)
		if t.Key == "infoabend-geburt" || t.Key == "uebergang-weiterfuehrend" || t.Key == "schnuppertag" {
			n = 1 + r.IntN(2)
		}
		for i := range n {
			d := start.AddDate(0, 0, 7*i)
			s.Events = append(s.Events, catalog.Event{Title: fmt.Sprintf("Termin %d", i+1),
				Starts: time.Date(d.Year(), d.Month(), d.Day(), oh, om, 0, 0, berlin),
				Ends:   time.Date(d.Year(), d.Month(), d.Day(), ch, cm, 0, 0, berlin)})
		}
		from := catalog.DateOf(s.Events[0].Starts)
		to := catalog.DateOf(s.Events[n-1].Starts)
		o.ValidFrom, o.ValidTo = &from, &to
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// gapDelivery keeps gap (a) a gap for the analysis, which counts an outreach offer in every Sozialraum of its
// Kommune: in the gap Kommune, the health offers for 0–3 (Familienhebamme, Frühförderung) are held only at
// their offices and by phone — the families come to them, and from Misburg-Anderten none is within reach.
func gapDelivery(ags string, t OfferTemplate, delivery []string) []string {
	if ags != GapHealthKommuneAGS || !t.HealthFor0To3() || !has(delivery, catalog.DeliveryOutreach) {
		return delivery
	}
	out := []string{catalog.DeliveryOnSite}
	for _, d := range delivery {
		if d != catalog.DeliveryOutreach && d != catalog.DeliveryOnSite {
			out = append(out, d)
		}
	}
	return out
}
