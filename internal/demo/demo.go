// Package demo loads a deterministic demo data set: a believable Niedersachsen with the four
// Koordinierungszentren-Kinderschutz cities Braunschweig, Hannover, Lüneburg and Oldenburg as Kommunen, their
// Sozialräume with polygons and child counts, Jugendamt, Gesundheitsamt, Familienbüro, Familienzentren, Kitas,
// schools, practices, counselling centres and clubs, and a few hundred offers along all life phases and fields
// of action — with deliberate gaps (see GapHealth* and GapTransition*) so the planning views have something to
// show. Everything is written through the ordinary store methods, validated and audited as actor
// system:demo. The same data, ids included, is written on every run: ids are name-based UUIDs (SHA-1) and all
// randomness comes from a PCG generator with a fixed seed; dates are relative to ReferenceDate.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// The deliberate gaps of the demo.
const (
	// (a) In Hannover, the Sozialraum Misburg-Anderten has no offer of the field health for the phase 0–3 at a
	// location inside it, although it has many young children. Every other Sozialraum of the demo has one.
	GapHealthKommuneAGS = "03241001"
	GapHealthArea       = "Misburg-Anderten"
	GapHealthField      = "health"
	GapHealthPhase      = "age_0_3"

	// (b) Lüneburg has no offer for the transition from Kita to primary school at all; the other three
	// Kommunen have several.
	GapTransitionKommuneAGS = "03355022"
	GapTransition           = "kita_school"
)

// Seed is the fixed seed of the demo's random choices.
const Seed = 20261001

// Namespace is the UUID namespace of the demo's name-based ids.
var Namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://kette.example/demo"))

// Actor is who writes the demo data.
var Actor = audit.System("demo")

// NoFamilienzentrum lists, per AGS, the Sozialräume without a Familienzentrum as anchor.
var NoFamilienzentrum = map[string][]string{
	"03101000": {"Heidberg-Melverode"},
	"03241001": {"Misburg-Anderten", "Kirchrode-Bemerode-Wülferode"},
	"03355022": {"Ebensberg"},
	"03403000": {"Ofenerdiek"},
}

type kommuneSpec struct {
	kommune   region.Kommune
	short     string // the city's name in organization names
	lat, lon  float64
	cellKm    float64
	scale     float64 // children per Sozialraum, relative
	areaCode  string
	districts []string
	postal    []string // per district
	streets   []string // local streets, mixed with StreetNames
	needy     []string
}

var kommunen = []kommuneSpec{
	{kommune: region.Kommune{AGS: "03101000", ARS: "031010000000", Name: "Braunschweig", Type: region.TypeKreisfreieStadt},
		short: "Braunschweig", lat: 52.2689, lon: 10.5268, cellKm: 2.6, scale: 0.8, areaCode: "0531",
		districts: []string{"Innenstadt", "Westliches Ringgebiet", "Östliches Ringgebiet", "Südliches Ringgebiet", "Weststadt",
			"Nordstadt-Schunteraue", "Heidberg-Melverode", "Südstadt-Rautheim-Mascherode", "Wabe-Schunter-Beberbach"},
		postal:  []string{"38100", "38118", "38102", "38106", "38120", "38106", "38124", "38126", "38108"},
		streets: []string{"Bohlweg", "Hamburger Straße", "Wilhelmitorwall", "Rebenring", "Jasperallee", "Donaustraße", "Sackring"},
		needy:   []string{"Weststadt", "Nordstadt-Schunteraue", "Westliches Ringgebiet"}},
	{kommune: region.Kommune{AGS: "03241001", ARS: "032410001001", Name: "Landeshauptstadt Hannover", Type: region.TypeStadt},
		short: "Hannover", lat: 52.3759, lon: 9.7320, cellKm: 3.0, scale: 1.0, areaCode: "0511",
		districts: []string{"Mitte", "Vahrenwald-List", "Bothfeld-Vahrenheide", "Buchholz-Kleefeld", "Misburg-Anderten",
			"Kirchrode-Bemerode-Wülferode", "Südstadt-Bult", "Döhren-Wülfel", "Ricklingen", "Linden-Limmer",
			"Ahlem-Badenstedt-Davenstedt", "Herrenhausen-Stöcken"},
		postal: []string{"30159", "30161", "30179", "30177", "30559", "30539", "30173", "30519", "30169", "30167", "30165", "30163"},
		streets: []string{"Podbielskistraße", "Lister Meile", "Vahrenwalder Straße", "Limmerstraße", "Sallstraße",
			"Hildesheimer Straße", "Göttinger Chaussee", "Stöckener Straße"},
		needy: []string{"Bothfeld-Vahrenheide", "Misburg-Anderten", "Herrenhausen-Stöcken", "Linden-Limmer"}},
	{kommune: region.Kommune{AGS: "03355022", ARS: "033550022022", Name: "Hansestadt Lüneburg", Type: region.TypeStadt},
		short: "Lüneburg", lat: 53.2464, lon: 10.4115, cellKm: 2.0, scale: 0.45, areaCode: "04131",
		districts: []string{"Altstadt", "Kaltenmoor", "Kreideberg", "Rotes Feld", "Weststadt", "Ebensberg"},
		postal:    []string{"21335", "21337", "21339", "21335", "21339", "21337"},
		streets:   []string{"Bardowicker Straße", "Am Sande", "Stadtkoppel", "Uelzener Straße", "Dahlenburger Landstraße"},
		needy:     []string{"Kaltenmoor", "Weststadt"}},
	{kommune: region.Kommune{AGS: "03403000", ARS: "034030000000", Name: "Oldenburg (Oldb)", Type: region.TypeKreisfreieStadt},
		short: "Oldenburg", lat: 53.1435, lon: 8.2146, cellKm: 2.6, scale: 0.7, areaCode: "0441",
		districts: []string{"Innenstadt", "Bürgerfelde", "Eversten", "Osternburg", "Kreyenbrück", "Donnerschwee", "Nadorst", "Ofenerdiek"},
		postal:    []string{"26122", "26127", "26129", "26135", "26133", "26125", "26121", "26125"},
		streets:   []string{"Nadorster Straße", "Alexanderstraße", "Cloppenburger Straße", "Donnerschweer Straße", "Hauptstraße"},
		needy:     []string{"Kreyenbrück", "Osternburg"}},
}

// ID returns the demo's id for a stable name such as "kommune/03101000".
func ID(name string) uuid.UUID { return uuid.NewSHA1(Namespace, []byte(name)) }

// Load writes the demo data into an empty, migrated database. A database that holds any Kommune is refused
// with a conflict and left unchanged.
func Load(ctx context.Context, s *store.Store, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	empty, err := s.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return &errs.Error{Code: errs.Conflict, Message: "error.demo_not_empty"}
	}
	if err := s.UpsertLand(ctx, Actor, region.Land{Code: "03", Name: "Niedersachsen"}); err != nil {
		return err
	}
	for i, spec := range kommunen {
		b := &builder{ctx: ctx, s: s, spec: spec, r: rand.New(rand.NewPCG(Seed, uint64(i)))}
		if err := b.load(); err != nil {
			return fmt.Errorf("demo %s: %w", spec.kommune.Name, err)
		}
		log.Info("demo kommune loaded", "kommune", spec.kommune.Name, "areas", len(b.areas), "organizations", b.orgs,
			"locations", b.locations, "offers", b.offers)
	}
	return loadIndicators(ctx, s)
}

type areaInfo struct {
	area   region.Area
	cell   Cell
	postal string
	gap    bool // the health gap Sozialraum
}

type builder struct {
	ctx   context.Context
	s     *store.Store
	spec  kommuneSpec
	r     *rand.Rand
	k     region.Kommune
	areas []areaInfo

	orgs, locations, offers int
	kindSeq                 map[string]int
	err                     error
}

var scope = tenant.System()

func (b *builder) load() error {
	b.k = b.spec.kommune
	b.k.LandCode = "03"
	b.k.ID = ID("kommune/" + b.k.AGS)
	b.kindSeq = map[string]int{}
	if err := b.s.CreateKommune(b.ctx, Actor, &b.k); err != nil {
		return err
	}
	cells := Lattice(b.r, b.spec.lat, b.spec.lon, b.spec.cellKm, len(b.spec.districts))
	for i, name := range b.spec.districts {
		base := b.spec.scale * float64(450+b.r.IntN(750))
		if has(b.spec.needy, name) {
			base *= 1.5
		}
		band := func(f float64) int { return int(base * f * (0.9 + 0.2*b.r.Float64())) }
		a := region.Area{ID: ID(fmt.Sprintf("area/%s/%02d", b.k.AGS, i+1)), KommuneID: b.k.ID, Key: fmt.Sprintf("%02d", i+1),
			Name: name, Geometry: cells[i].Polygon,
			Children: region.Children{Age0to2: band(1), Age3to5: band(0.95), Age6to9: band(1.3), Age10to15: band(1.9), Age16to20: band(1.7)}}
		if err := b.s.CreateArea(b.ctx, scope, Actor, &a); err != nil {
			return err
		}
		gap := b.k.AGS == GapHealthKommuneAGS && name == GapHealthArea
		b.areas = append(b.areas, areaInfo{area: a, cell: cells[i], postal: b.spec.postal[i], gap: gap})
	}

	// City-wide organizations, placed in the centre and the next Sozialräume.
	city := b.spec.short
	n := len(b.areas)
	b.org("jugendamt", "Jugendamt der Stadt "+city, "", []int{0, n - 2}, nil)
	b.org("gesundheitsamt", "Gesundheitsamt "+city, "", []int{1}, nil)
	b.org("familienbuero", "Familienbüro "+city, "", []int{0}, nil)
	b.org("jobcenter", "Jobcenter "+city, "", []int{2}, nil)
	b.org("familienbildungsstaette", "Ev. Familienbildungsstätte "+city, "", []int{1, n - 1}, nil)
	b.org("beratungsstelle", "Erziehungsberatungsstelle der Stadt "+city, "", []int{2}, []string{"erziehungsberatung", "kinderschutz-beratung"})
	b.org("beratungsstelle", "Schwangerschaftsberatung Diakonie "+city, "", []int{0}, []string{"schwangerschaftsberatung"})
	b.org("beratungsstelle", "Schuldnerberatung Caritas "+city, "", []int{3}, []string{"schuldnerberatung"})
	b.org("beratungsstelle", "Frühförderstelle Lebenshilfe "+city, "", []int{5}, []string{"fruehfoerderung"})
	b.org("klinik", "Klinikum "+city+" – Frauen- und Kinderklinik", "", []int{1}, nil)
	b.org("verein", "Musikschule "+city+" e.V.", "", []int{0}, []string{"musikalische-frueherziehung"})
	b.org("verein", "TSV "+city+" von 1890 e.V.", "", []int{3}, []string{"kinderturnen", "ferienprogramm"})
	b.org("verein", "Kinderschutzbund Ortsverband "+city+" e.V.", "", []int{0}, []string{"starke-eltern", "kleiderkammer"})
	b.org("verein", "Ausbildungslotsen "+city+" e.V.", "", []int{2}, []string{"ausbildungslotsen", "bewerbungstraining"})
	b.network()

	// Per Sozialraum: Familienzentrum (not everywhere), Kita, school, paediatric practice (not in the gap),
	// midwives in every other one, a youth club in every third.
	for i, a := range b.areas {
		name := a.area.Name
		if !has(NoFamilienzentrum[b.k.AGS], name) {
			b.org("familienzentrum", fmt.Sprintf(CentrePatterns[i%len(CentrePatterns)], name), name, []int{i}, nil)
		}
		b.org("kita", KitaNames[(i*7+len(b.k.AGS)+int(b.k.AGS[4]))%len(KitaNames)], name, []int{i}, nil)
		b.org("schule", place(SchoolPatterns[(i*5+int(b.k.AGS[3]))%len(SchoolPatterns)], name), name, []int{i}, nil)
		if !a.gap {
			b.org("kinderarztpraxis", "Kinderarztpraxis "+Doctors[(i*4+int(b.k.AGS[3]))%len(Doctors)], "", []int{i}, nil)
		}
		if i%2 == 1 && !a.gap {
			b.org("hebamme", MidwifeNames[(i/2+int(b.k.AGS[3]))%len(MidwifeNames)], "", []int{i}, nil)
		}
		if i%3 == 1 || a.gap {
			b.org("verein", "Jugendtreff "+name, "", []int{i}, []string{"jugendtreff", "hausaufgabenhilfe"})
		}
	}
	return b.err
}

func place(pattern, name string) string {
	if !containsVerb(pattern) {
		return pattern
	}
	return fmt.Sprintf(pattern, name)
}

func containsVerb(p string) bool {
	for i := 0; i+1 < len(p); i++ {
		if p[i] == '%' && p[i+1] == 's' {
			return true
		}
	}
	return false
}

// how many templates an organization of a kind runs, besides its core offer
var extraOffers = map[string][2]int{ // min, max
	"familienzentrum": {2, 3}, "kita": {1, 1}, "schule": {1, 2}, "kinderarztpraxis": {0, 1}, "hebamme": {1, 2},
	"jugendamt": {9, 9}, "gesundheitsamt": {9, 9}, "familienbuero": {9, 9}, "jobcenter": {9, 9}, "klinik": {9, 9},
	"familienbildungsstaette": {3, 3},
}

// OrgDescription is a one-sentence description of an organization of a kind.
func OrgDescription(kind string) string { return orgDescriptions[kind] }

var orgDescriptions = map[string]string{
	"jugendamt":               "Das Jugendamt berät und unterstützt Kinder, Jugendliche und Eltern und sorgt für den Schutz von Kindern.",
	"gesundheitsamt":          "Der Kinder- und Jugendgesundheitsdienst und die Frühen Hilfen des Gesundheitsamtes.",
	"familienbuero":           "Erste Anlaufstelle für alle Fragen von Familien: Kinderbetreuung, Familienpass, Willkommensbesuche.",
	"jobcenter":               "Das Jobcenter sichert den Lebensunterhalt und fördert Ausbildung und Arbeit, auch für junge Menschen.",
	"familienbildungsstaette": "Kurse für Eltern und Kinder von der Schwangerschaft bis zur Pubertät.",
	"beratungsstelle":         "Beratung in allen Lebenslagen, kostenlos und vertraulich.",
	"klinik":                  "Geburtsklinik mit Kinderklinik, Perinatalzentrum und Babylotsinnen.",
	"verein":                  "Gemeinnütziger Verein, getragen von ehrenamtlichem Engagement.",
	"familienzentrum":         "Das Familienzentrum ist Anlaufstelle im Stadtteil: Beratung, Bildung und Begegnung für alle Familien.",
	"kita":                    "Kindertagesstätte mit Krippe und Kindergarten.",
	"schule":                  "Schule im Stadtteil mit Ganztagsangebot.",
	"kinderarztpraxis":        "Praxis für Kinder- und Jugendmedizin.",
	"hebamme":                 "Hebammen begleiten Schwangerschaft, Geburt und Wochenbett.",
}

// org creates an organization with one location per given Sozialraum index and its offers: the templates
// named, or the kind's core template and some of the others. Offers are filtered by the deliberate gaps.
func (b *builder) org(kind, name, place string, areaIdx []int, templates []string) {
	if b.err != nil {
		return
	}
	seq := b.kindSeq[kind]
	b.kindSeq[kind]++
	slug := Slug(name)
	key := fmt.Sprintf("%s/%s/%d", b.k.AGS, kind, seq)
	o := catalog.Organization{ID: ID("organization/" + key), KommuneID: b.k.ID, Name: name,
		Kind: kind, Description: OrgDescription(kind), Email: "info@" + slug + ".example", Website: "https://" + slug + ".example",
		Phone: b.phone()}
	if b.err = b.s.CreateOrganization(b.ctx, scope, Actor, &o); b.err != nil {
		return
	}
	b.orgs++
	type loc struct {
		id  uuid.UUID
		gap bool
	}
	var locs []loc
	for j, ai := range areaIdx {
		a := b.areas[ai]
		lat, lon := a.cell.Point(0.2+0.6*b.r.Float64(), 0.2+0.6*b.r.Float64())
		acc := b.r.IntN(len(AccessibilityTexts))
		l := catalog.Location{ID: ID(fmt.Sprintf("location/%s/%d", key, j)), OrganizationID: o.ID,
			Name: name, Address1: b.street(), PostalCode: a.postal, City: b.spec.short, Latitude: lat, Longitude: lon,
			Accessibility: AccessibilityTexts[acc], WheelchairAccessible: acc < 2 || acc == 4, OpeningHours: OpeningHours(kind)}
		if j > 0 {
			l.Name = name + " – Außenstelle " + a.area.Name
		}
		if b.err = b.s.CreateLocation(b.ctx, scope, Actor, &l); b.err != nil {
			return
		}
		b.locations++
		locs = append(locs, loc{l.ID, a.gap})
	}

	var chosen []OfferTemplate
	if templates != nil {
		for _, key := range templates {
			for _, t := range Templates {
				if t.Key == key {
					chosen = append(chosen, t)
				}
			}
		}
	} else {
		all := TemplatesOf(kind)
		chosen = append(chosen, all[0])
		if rest := all[1:]; len(rest) > 0 {
			r := extraOffers[kind]
			k := min(len(rest), r[0]+b.r.IntN(r[1]-r[0]+1))
			for j := range k {
				chosen = append(chosen, rest[(seq*2+j)%len(rest)])
			}
		}
	}
	for j, t := range chosen {
		if b.k.AGS == GapTransitionKommuneAGS && t.KitaSchool() {
			continue // gap (b)
		}
		var ids []uuid.UUID
		for _, l := range locs {
			if !(l.gap && t.HealthFor0To3()) { // gap (a)
				ids = append(ids, l.id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		p := ""
		if place != "" && b.r.IntN(3) == 0 {
			p = place
		}
		off := BuildOffer(b.r, t, &o, ids, p)
		off.ID = ID("offer/" + key + "/" + t.Key)
		off.EasySummary = easySummaries[t.Key]
		off.Delivery = gapDelivery(b.k.AGS, t, off.Delivery) // gap (a), see offers.go
		if j > 0 && b.r.IntN(30) == 0 {
			off.Status = catalog.StatusInactive
		}
		if b.err = b.s.CreateOffer(b.ctx, scope, Actor, &off); b.err != nil {
			return
		}
		b.offers++
	}
}

func (b *builder) phone() string {
	return fmt.Sprintf("%s %d", b.spec.areaCode, 200000+b.r.IntN(799999))
}

func (b *builder) street() string {
	var s string
	if b.r.IntN(2) == 0 {
		s = b.spec.streets[b.r.IntN(len(b.spec.streets))]
	} else {
		s = StreetNames[b.r.IntN(len(StreetNames))]
	}
	n := fmt.Sprintf("%d", 1+b.r.IntN(120))
	if b.r.IntN(8) == 0 {
		n += "a"
	}
	return s + " " + n
}

// OpeningHours returns typical opening hours of a kind of organization.
func OpeningHours(kind string) []catalog.Weekly {
	var out []catalog.Weekly
	add := func(days []int, opens, closes string) {
		for _, d := range days {
			out = append(out, catalog.Weekly{Weekday: d, Opens: opens, Closes: closes})
		}
	}
	weekdays := []int{1, 2, 3, 4, 5}
	switch kind {
	case "kita":
		add(weekdays, "07:00", "17:00")
	case "schule":
		add(weekdays, "07:30", "16:00")
	case "kinderarztpraxis":
		add(weekdays, "08:00", "12:00")
		add([]int{1, 2, 4}, "15:00", "18:00")
	case "klinik":
		add([]int{1, 2, 3, 4, 5, 6, 7}, "00:00", "23:59")
	case "verein":
		add(weekdays, "14:00", "20:00")
	case "familienzentrum":
		add(weekdays, "08:30", "16:30")
	default:
		add([]int{1, 2, 3, 4}, "08:30", "15:30")
		add([]int{5}, "08:30", "12:30")
	}
	return out
}
