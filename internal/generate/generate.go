// Package generate builds a synthetic national data set for benchmarks: all 401 Kreise and kreisfreie Städte
// of the shipped districts list (Destatis, 31.12.2018) become Kommunen, each with Sozialräume on a jittered
// lattice around a plausible centre in its Land, child counts from its population, and organizations,
// locations and offers in proportion to its population, with German text from the demo vocabulary.
//
// It writes through store.BulkWriter: one Kreis at a time (memory stays bounded), multi-row INSERTs in large
// transactions. Every object is validated like any other; the audit log gets one entry per generated Kommune
// (action create, entity "kommune", after = the Kommune and its counts), not one per row. A run is
// deterministic for a seed: all choices and ids come from PCG generators seeded with it.
package generate

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/schollz/progressbar/v3"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// Options configure a run.
type Options struct {
	Offers    int
	Seed      uint64
	Districts io.Reader // nil: the shipped districts.csv
	Progress  io.Writer // nil: no progress bar

	CommitRows int // rows per transaction; 0: the BulkWriter default
}

// Result tells what was written.
type Result struct {
	Kommunen, Areas, Organizations, Locations, Offers int
}

// Actor is who writes generated data.
var Actor = audit.System("generate")

// Lands names the 16 Länder with a rough bounding box each (south, west, north, east).
var Lands = map[string]struct {
	Name                     string
	South, West, North, East float64
}{
	"01": {"Schleswig-Holstein", 53.45, 8.4, 54.85, 11.2},
	"02": {"Hamburg", 53.42, 9.75, 53.73, 10.3},
	"03": {"Niedersachsen", 51.35, 6.75, 53.85, 11.55},
	"04": {"Bremen", 53.02, 8.5, 53.6, 8.98},
	"05": {"Nordrhein-Westfalen", 50.35, 5.95, 52.5, 9.4},
	"06": {"Hessen", 49.42, 7.8, 51.63, 10.2},
	"07": {"Rheinland-Pfalz", 49.0, 6.15, 50.9, 8.5},
	"08": {"Baden-Württemberg", 47.6, 7.55, 49.75, 10.45},
	"09": {"Bayern", 47.35, 9.0, 50.5, 13.8},
	"10": {"Saarland", 49.12, 6.4, 49.6, 7.4},
	"11": {"Berlin", 52.35, 13.1, 52.67, 13.75},
	"12": {"Brandenburg", 51.4, 11.3, 53.5, 14.7},
	"13": {"Mecklenburg-Vorpommern", 53.15, 10.6, 54.65, 14.4},
	"14": {"Sachsen", 50.2, 11.9, 51.65, 15.0},
	"15": {"Sachsen-Anhalt", 50.95, 10.6, 53.0, 13.15},
	"16": {"Thüringen", 50.22, 9.9, 51.63, 12.6},
}

// postal code prefixes per Land, for plausible addresses
var postalPrefixes = map[string][]string{
	"01": {"23", "24", "25"}, "02": {"20", "21", "22"}, "03": {"26", "27", "29", "30", "31", "37", "38", "49"},
	"04": {"27", "28"}, "05": {"32", "33", "40", "41", "42", "44", "45", "46", "47", "48", "50", "51", "52", "53", "57", "58", "59"},
	"06": {"34", "35", "36", "60", "61", "63", "64", "65"}, "07": {"54", "55", "56", "66", "67", "76"},
	"08": {"68", "69", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "88", "89"},
	"09": {"63", "80", "81", "82", "83", "84", "85", "86", "87", "90", "91", "92", "93", "94", "95", "96", "97"},
	"10": {"66"}, "11": {"10", "12", "13", "14"}, "12": {"03", "14", "15", "16", "17", "19"}, "13": {"17", "18", "19", "23"},
	"14": {"01", "02", "04", "08", "09"}, "15": {"06", "29", "38", "39"}, "16": {"07", "36", "37", "98", "99"},
}

// Run writes the data set into a migrated, empty database. A malformed districts list is refused before
// anything is written; a database holding any Kommune is refused with a conflict.
func Run(ctx context.Context, s *store.Store, opts Options) (Result, error) {
	var res Result
	if opts.Offers < 0 {
		return res, &errs.Error{Code: errs.Invalid, Message: "error.invalid",
			Fields: []errs.FieldError{{Field: "offers", Message: "validation.offers"}}}
	}
	src := opts.Districts
	if src == nil {
		src = strings.NewReader(districtsCSV)
	}
	districts, err := ParseDistricts(src)
	if err != nil {
		return res, err
	}
	empty, err := s.IsEmpty(ctx)
	if err != nil {
		return res, err
	}
	if !empty {
		return res, &errs.Error{Code: errs.Conflict, Message: "error.generate_not_empty"}
	}
	landSeen := map[string]bool{}
	for _, d := range districts {
		code := d.Key[:2]
		if landSeen[code] {
			continue
		}
		landSeen[code] = true
		if err := s.UpsertLand(ctx, Actor, region.Land{Code: code, Name: Lands[code].Name}); err != nil {
			return res, err
		}
	}

	shares := allocate(districts, opts.Offers)
	var bar *progressbar.ProgressBar
	if opts.Progress != nil {
		bar = progressbar.NewOptions64(int64(opts.Offers), progressbar.OptionSetWriter(opts.Progress),
			progressbar.OptionSetDescription("Angebote"), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("Angebote"), progressbar.OptionThrottle(150*time.Millisecond),
			progressbar.OptionSetPredictTime(true), progressbar.OptionSetWidth(30),
			progressbar.OptionOnCompletion(func() { io.WriteString(opts.Progress, "\n") }))
	}
	bw, err := s.Bulk(ctx, store.BulkOptions{CommitRows: opts.CommitRows})
	if err != nil {
		return res, err
	}
	defer bw.Close()
	g := &gen{bw: bw, bar: bar}
	for i, d := range districts {
		if err := ctx.Err(); err != nil {
			return res, errs.Wrap(err, "generate")
		}
		g.r = rand.New(rand.NewPCG(opts.Seed, uint64(i)+1))
		if err := g.kreis(d, shares[i]); err != nil {
			return res, err
		}
	}
	if err := bw.Commit(); err != nil {
		return res, err
	}
	if bar != nil {
		_ = bar.Finish()
	}
	return g.res, nil
}

// allocate splits n offers over the districts in proportion to population (largest remainder), so that the
// shares add up to exactly n.
func allocate(ds []District, n int) []int {
	total := 0
	for _, d := range ds {
		total += d.Population
	}
	out := make([]int, len(ds))
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(ds))
	given := 0
	for i, d := range ds {
		exact := float64(n) * float64(d.Population) / float64(total)
		out[i] = int(exact)
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for j := 0; given < n; j++ {
		out[rems[j%len(rems)].i]++
		given++
	}
	return out
}

type gen struct {
	bw      *store.BulkWriter
	bar     *progressbar.ProgressBar
	r       *rand.Rand
	counter uint64
	res     Result
	pending int // offers not yet reported to the bar
}

// id returns the next id: a version-8 UUID whose first 48 bits count up through the run (so rows arrive in
// key order, which keeps B-tree inserts at the right edge) and whose other bits come from the seeded generator.
func (g *gen) id() uuid.UUID {
	g.counter++
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[8:], g.r.Uint64())
	binary.BigEndian.PutUint16(u[6:], uint16(g.r.Uint32()))
	var c [8]byte
	binary.BigEndian.PutUint64(c[:], g.counter)
	copy(u[0:6], c[2:8])
	u[6] = 0x80 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	return u
}

type genArea struct {
	area   region.Area
	cell   demo.Cell
	postal string
	weight int
}

type genOrg struct {
	org  catalog.Organization
	locs []uuid.UUID
	area string // name of the first location's Area
}

// kreis writes one district with its Areas, organizations, locations and offers, then its audit entry.
func (g *gen) kreis(d District, offers int) error {
	r := g.r
	k := region.Kommune{ID: g.id(), AGS: d.Key + "000", ARS: d.Key + "0000000", Name: d.Name, Type: d.KommuneType(),
		LandCode: d.Key[:2]}
	if err := g.bw.AddKommune(&k); err != nil {
		return err
	}
	short := d.ShortName()

	// Sozialräume: 4–25 by population, cells sized from the district's area.
	nAreas := min(25, max(4, d.Population/30000))
	cellKm := min(12, max(1.5, math.Sqrt(d.AreaKm2/float64(nAreas))))
	lat, lon := centre(d, cellKm, nAreas)
	cells := demo.Lattice(r, lat, lon, cellKm, nAreas)
	prefixes := postalPrefixes[d.Key[:2]]
	h := hash(d.Key)
	prefix := prefixes[h%uint64(len(prefixes))]
	areas := make([]genArea, nAreas)
	weights := make([]float64, nAreas)
	wsum := 0.0
	for i := range weights {
		weights[i] = 0.6 + r.Float64()
		wsum += weights[i]
	}
	// Children per band as shares of the population (roughly the German age structure).
	bandShare := [5]float64{0.029, 0.029, 0.037, 0.055, 0.049}
	for i := range areas {
		f := weights[i] / wsum
		band := func(b int) int { return int(float64(d.Population) * bandShare[b] * f * (0.9 + 0.2*r.Float64())) }
		name := short + " " + areaName(i)
		a := region.Area{ID: g.id(), KommuneID: k.ID, Key: twoDigits(i + 1), Name: name, Geometry: cells[i].Polygon,
			Children: region.Children{Age0to2: band(0), Age3to5: band(1), Age6to9: band(2), Age10to15: band(3), Age16to20: band(4)}}
		if err := g.bw.AddArea(&a); err != nil {
			return err
		}
		areas[i] = genArea{area: a, cell: cells[i], postal: prefix + threeDigits(int(h>>8)%900+i*7+100), weight: a.Children.Total()}
	}

	// Organizations: about one per eight offers, of kinds in fixed shares; one or two locations each.
	nOrgs := 0
	if offers > 0 {
		nOrgs = max(1, (offers+4)/8)
	}
	areaCode := "0" + threeDigits(int(h>>20)%900+100) + string(rune('1'+int(h>>40)%9))
	orgs := make([]genOrg, 0, nOrgs)
	nLocs := 0
	for range nOrgs {
		kind := pickKind(r)
		ai := pickArea(r, areas)
		name := orgName(r, kind, short, areas[ai].area.Name)
		slug := demo.Slug(name)
		o := catalog.Organization{ID: g.id(), KommuneID: k.ID, Name: name, Kind: kind, Email: "info@" + slug + ".example",
			Website: "https://" + slug + ".example", Phone: areaCode + " " + itoa(100000+r.IntN(899999)),
			Description: demo.OrgDescription(kind)}
		if err := g.bw.AddOrganization(&o); err != nil {
			return err
		}
		gorg := genOrg{org: o, area: areas[ai].area.Name}
		n := 1
		if r.IntN(10) < 3 {
			n = 2
		}
		for j := range n {
			if j > 0 {
				ai = pickArea(r, areas)
			}
			a := &areas[ai]
			lat, lon := a.cell.Point(0.15+0.7*r.Float64(), 0.15+0.7*r.Float64())
			acc := r.IntN(len(demo.AccessibilityTexts))
			areaID := a.area.ID
			l := catalog.Location{ID: g.id(), KommuneID: k.ID, OrganizationID: o.ID, Name: name,
				Address1:   demo.StreetNames[r.IntN(len(demo.StreetNames))] + " " + itoa(1+r.IntN(150)),
				PostalCode: a.postal, City: short, Latitude: lat, Longitude: lon, AreaID: &areaID,
				Accessibility: demo.AccessibilityTexts[acc], WheelchairAccessible: acc < 2 || acc == 4,
				OpeningHours: demo.OpeningHours(kind)}
			if j > 0 {
				l.Name = name + " – " + a.area.Name
			}
			if err := g.bw.AddLocation(&l); err != nil {
				return err
			}
			gorg.locs = append(gorg.locs, l.ID)
			nLocs++
		}
		orgs = append(orgs, gorg)
	}

	// Offers: dealt to the organizations in turn, each from one of its kind's templates.
	for j := range offers {
		o := &orgs[j%len(orgs)]
		ts := demo.TemplatesOf(o.org.Kind)
		t := ts[(j/len(orgs)+int(o.org.ID[15]))%len(ts)]
		place := ""
		switch r.IntN(4) {
		case 0:
			place = o.area
		case 1:
			place = short
		case 2:
			place = o.org.Name
		}
		locs := o.locs
		if len(locs) > 1 && r.IntN(2) == 0 {
			locs = locs[:1]
		}
		off := demo.BuildOffer(r, t, &o.org, locs, place)
		off.ID = g.id()
		if r.IntN(33) == 0 {
			off.Status = catalog.StatusInactive
		}
		if err := g.bw.AddOffer(&off); err != nil {
			return err
		}
		g.pending++
		if g.pending >= 2000 && g.bar != nil {
			_ = g.bar.Add(g.pending)
			g.pending = 0
		}
	}
	if g.bar != nil && g.pending > 0 {
		_ = g.bar.Add(g.pending)
		g.pending = 0
	}
	g.res.Kommunen++
	g.res.Areas += nAreas
	g.res.Organizations += nOrgs
	g.res.Locations += nLocs
	g.res.Offers += offers
	return g.bw.Audit(Actor, &k.ID, audit.Create, "kommune", k.ID.String(), map[string]any{"kommune": k,
		"counts": map[string]int{"areas": nAreas, "organizations": nOrgs, "locations": nLocs, "offers": offers}})
}

// centre places a district deterministically (from its key, not the seed) inside its Land's box, far enough
// from the box's edges for the lattice when the box is large enough.
func centre(d District, cellKm float64, n int) (lat, lon float64) {
	b := Lands[d.Key[:2]]
	h := hash("centre/" + d.Key)
	u, v := float64(h&0xffffffff)/(1<<32), float64(h>>32)/(1<<32)
	side := math.Ceil(math.Sqrt(float64(n))) + 2
	hLat := side / 2 * cellKm / 111.32
	place := func(lo, hi, half, f float64) float64 {
		if hi-lo <= 2*half {
			return (lo + hi) / 2
		}
		return lo + half + f*(hi-lo-2*half)
	}
	lat = place(b.South, b.North, hLat, u)
	hLon := side / 2 * cellKm / (111.32 * math.Cos(lat*math.Pi/180))
	lon = place(b.West, b.East, hLon, v)
	return lat, lon
}

func pickKind(r *rand.Rand) string {
	n := r.IntN(1000)
	for _, k := range demo.OrgKinds {
		if n < k.PerMille {
			return k.Kind
		}
		n -= k.PerMille
	}
	return "verein"
}

func pickArea(r *rand.Rand, areas []genArea) int {
	total := 0
	for _, a := range areas {
		total += a.weight + 1
	}
	n := r.IntN(total)
	for i, a := range areas {
		if n < a.weight+1 {
			return i
		}
		n -= a.weight + 1
	}
	return len(areas) - 1
}

func orgName(r *rand.Rand, kind, short, area string) string {
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	fill := func(pattern, place string) string { return strings.Replace(pattern, "%s", place, 1) }
	switch kind {
	case "kita":
		return pick(demo.KitaNames) + " " + area
	case "schule":
		return fill(pick(demo.SchoolPatterns), area)
	case "familienzentrum":
		return fill(pick(demo.CentrePatterns), area)
	case "kinderarztpraxis":
		return "Kinderarztpraxis " + pick(demo.Doctors)
	case "hebamme":
		return pick(demo.MidwifeNames) + " " + short
	case "verein":
		return fill(pick(demo.ClubPatterns), area)
	case "beratungsstelle":
		return fill(pick(demo.CounsellingPatterns), short)
	case "klinik":
		return fill(pick(demo.ClinicPatterns), short)
	case "jugendamt":
		return "Jugendamt " + short
	case "gesundheitsamt":
		return "Gesundheitsamt " + short
	case "familienbuero":
		return "Familienbüro " + area
	case "jobcenter":
		return "Jobcenter " + short
	default:
		return "Familienbildungsstätte " + area
	}
}

func areaName(i int) string {
	if i < len(demo.AreaSuffixes) {
		return demo.AreaSuffixes[i]
	}
	return "Bezirk " + itoa(i+1)
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func itoa(n int) string { return strconv.Itoa(n) }

func twoDigits(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

func threeDigits(n int) string {
	n %= 1000
	switch {
	case n < 10:
		return "00" + itoa(n)
	case n < 100:
		return "0" + itoa(n)
	}
	return itoa(n)
}
