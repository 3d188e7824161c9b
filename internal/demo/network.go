package demo

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/taxonomy"
)

// network adds the Kommune's Präventionslotsen: outreach offers of the coordination office that close the chain
// everywhere – every phase and field, every transition – except where the demo leaves its deliberate gaps. So
// the gap lists of the demo Kommunen begin with those gaps, as a coordinator would see a chain with two holes:
//
//	(a) Hannover: the Familienhebammen-Dienst for 0–3-year-olds serves every Sozialraum but Misburg-Anderten
//	    (its service areas say so), and nothing else offers health for 0–3 there;
//	(b) Lüneburg: the Lotsen accompany every transition but the one from Kita to Grundschule.
func (b *builder) network() {
	if b.err != nil {
		return
	}
	tax := b.s.Taxonomies()
	codes := func(t string) []string {
		var out []string
		for _, term := range tax.Terms(t) {
			out = append(out, term.Code)
		}
		return out
	}
	city := b.spec.short
	key := b.k.AGS + "/netzwerk"
	o := catalog.Organization{ID: ID("organization/" + key), KommuneID: b.k.ID, Name: "Koordinierungsstelle Präventionskette " + city,
		Kind: "jugendamt", Description: "Die Koordinierungsstelle verbindet die Angebote für Familien von der Schwangerschaft bis zum Berufseinstieg.",
		Email: "praeventionskette@" + Slug(city) + ".example", Phone: b.phone()}
	if b.err = b.s.CreateOrganization(b.ctx, scope, Actor, &o); b.err != nil {
		return
	}
	b.orgs++

	fields := slices.DeleteFunc(codes(taxonomy.Field), func(f string) bool { return f == "health" })
	transitions := codes(taxonomy.Transition)
	if b.k.AGS == GapTransitionKommuneAGS {
		transitions = slices.DeleteFunc(transitions, func(t string) bool { return t == "kita_school" }) // gap (b)
	}
	others := slices.DeleteFunc(codes(taxonomy.Phase), func(p string) bool { return p == GapHealthPhase })
	var everywhereButGap []uuid.UUID
	for _, a := range b.areas {
		if !a.gap {
			everywhereButGap = append(everywhereButGap, a.area.ID)
		}
	}
	offers := []struct {
		key, name, desc       string
		phases, fields, trans []string
		serviceAreas          []uuid.UUID
	}{
		{"lotsen", "Präventionslotsen " + city, "Lotsinnen und Lotsen begleiten Familien zu den passenden Hilfen – zu Hause, in der Kita, in der Schule.",
			codes(taxonomy.Phase), fields, transitions, nil},
		{"gesundheitslotsen", "Gesundheitslotsen " + city, "Beratung zu Vorsorge, Impfungen und Gesundheit von Kindern und Jugendlichen, bei Ihnen zu Hause.",
			others, []string{"health"}, []string{}, nil},
		// With service areas only where the Dienst serves: every Sozialraum but the gap (a) one in Hannover.
		{"familienhebammen", "Familienhebammen-Dienst " + city, "Familienhebammen und Familien-Gesundheits- und Kinderkrankenpflegerinnen besuchen Familien mit Babys zu Hause.",
			[]string{GapHealthPhase}, []string{"health", "early_help"}, []string{}, everywhereButGap},
	}
	confirmed := ReferenceDate
	for _, x := range offers {
		off := catalog.Offer{ID: ID("offer/" + key + "/" + x.key), OrganizationID: o.ID, Name: x.name, Description: x.desc,
			Status: catalog.StatusActive, Phases: x.phases, Fields: x.fields, TargetGroups: []string{"all_families"},
			Transitions: x.trans, Languages: []string{"de", "en", "tr", "ar"}, Cost: catalog.CostFree, Access: catalog.AccessOpen,
			Delivery: []string{catalog.DeliveryOutreach, catalog.DeliveryPhone}, Phone: o.Phone, Email: o.Email,
			ApplicationProcess: fmt.Sprintf("Rufen Sie an oder schreiben Sie an %s – wir kommen zu Ihnen.", o.Email),
			Schedule: catalog.Schedule{Timezone: catalog.DefaultTimezone, Weekly: []catalog.Weekly{{Weekday: 1, Opens: "09:00", Closes: "15:00"},
				{Weekday: 3, Opens: "09:00", Closes: "15:00"}, {Weekday: 4, Opens: "13:00", Closes: "18:00"}}},
			LastConfirmedAt: &confirmed}
		if len(x.serviceAreas) < len(b.areas) {
			off.ServiceAreaIDs = x.serviceAreas
		}
		if b.err = b.s.CreateOffer(b.ctx, scope, Actor, &off); b.err != nil {
			return
		}
		b.offers++
	}
}
