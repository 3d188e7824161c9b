// Package indicator is Kette's social monitoring (Sozialmonitoring): the catalogue of indicator series
// (SGB-II-Quote, Betreuungsquote, Schuleingangsuntersuchung, Kinder je Altersgruppe …), their values per region
// (a Kommune by AGS/ARS or one of its Sozialräume by key) and period, the import of the files German offices
// export (CSV with German conventions, the CSV tables of the Regionaldatenbank / GENESIS, XLSX), the
// suppression of small counts, and the composite need index (Bedarfsindex) of the Sozialräume.
//
// Suppression: statistical offices and the Kommunen's data protection rules forbid publishing cells that
// describe fewer than a handful of people. Privacy.Disclose is the one function every door (page, API, chart,
// CSV/XLSX/PDF export) must call before showing a value; it hides a count below the minimum cell size and a
// rate whose numerator count is below it.
//
// Need index (ComputeNeedIndex): the Bedarfsindex of the Sozialräume of a Kommune is a weighted sum of
// standardised indicators.
//
// Why z-scores: the indicators that make up the index come in different units and spreads — an SGB-II-Quote of
// 5 to 40 %, a Sprachförderbedarf of 10 to 30 %, child counts in the thousands. A z-score, z = (x − mean) / sd
// over the Areas of the Kommune, puts each on the same scale (standard deviations from the Kommune's mean), so
// a weight means what it says: 0,5 × z(A) + 0,5 × z(B) gives A and B the same say. Unlike ranks, z-scores keep
// distances: an Area far above all others stands out as far as it is, which is what a committee needs to see
// when it decides where help goes first. The mean and the population standard deviation (dividing by n) are
// taken over the Areas that have a value; an indicator whose values are all equal tells nothing about need and
// contributes 0 to every Area. An indicator where higher is better (Betreuungsquote, U9 vorgelegt) enters with
// its sign turned (−z), so a higher index always means more need.
//
// Missing values: an Area without a value for a component (or whose value is suppressed as a small count) does
// not get that component; its index is the weighted mean of the components it has, the weights rescaled to sum
// to 1 over those, and the result is marked Incomplete and names what is missing. An Area with no component at
// all gets no index. Guessing a value (e.g. the mean) would silently pull needy Areas towards average.
package indicator

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Polarity says which direction of an indicator means more need.
type Polarity string

const (
	HigherIsWorse  Polarity = "higher_is_worse"  // e.g. SGB-II-Quote: more is more need
	HigherIsBetter Polarity = "higher_is_better" // e.g. Betreuungsquote: more is less need
)

// Level is the spatial level a value describes.
type Level string

const (
	LevelKommune Level = "kommune" // the whole Kommune (Kreis, kreisfreie Stadt, Stadt), keyed by AGS or ARS
	LevelArea    Level = "area"    // a Sozialraum, keyed by its key within the Kommune
)

// Kind says how a value is to be read, which decides its suppression.
type Kind string

const (
	KindCount Kind = "count" // number of people: suppressed below the minimum cell size
	KindRate  Kind = "rate"  // a share in per cent: suppressed when its numerator count is below the minimum
)

// Indicator is one series of the catalogue.
type Indicator struct {
	Code        string   `json:"code"`
	NameDE      string   `json:"name_de"`
	NameEN      string   `json:"name_en"`
	ShortDE     string   `json:"short_de"` // for formulas and chart labels
	Unit        string   `json:"unit"`     // "%" or "Anzahl"
	Kind        Kind     `json:"kind"`
	Polarity    Polarity `json:"polarity"`
	Levels      []Level  `json:"levels"`
	Source      string   `json:"source"`
	Licence     string   `json:"licence"` // licence and the attribution to show beside the numbers
	Description string   `json:"description"`
	// AgeBand names the region.AgeBands entry a child count belongs to ("0-2" …); empty for other series.
	AgeBand string `json:"age_band,omitempty"`
	// Aliases are further column headings that name the series, e.g. those of Regionaldatenbank tables.
	Aliases []string `json:"-"`
	Sort    int      `json:"sort"`
}

// HasLevel reports whether the indicator is published for the level.
func (i Indicator) HasLevel(l Level) bool { return slices.Contains(i.Levels, l) }

// Value is one number of a series for one region and period.
type Value struct {
	Indicator string    `json:"indicator"`
	KommuneID uuid.UUID `json:"kommune_id"`
	// AreaID is the Sozialraum; nil for a value of the whole Kommune.
	AreaID *uuid.UUID `json:"area_id,omitempty"`
	// AreaVersion is the version of the Sozialraum the value was measured on: boundaries change.
	AreaVersion int     `json:"area_version,omitempty"`
	RegionKey   string  `json:"region_key"`  // AGS of the Kommune or key of the Area
	RegionName  string  `json:"region_name"` // for display
	Period      string  `json:"period"`      // "2024" or "2024-12-31"
	Value       float64 `json:"value"`
	// Count is the numerator of a rate (e.g. the children in SGB-II households behind an SGB-II-Quote),
	// when the source gives it; it decides the rate's suppression.
	Count *int64 `json:"-"`
}

// Attribution for the series of the Statistische Ämter des Bundes und der Länder (Regionaldatenbank, GENESIS).
const licenceDLDE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0); Quelle: Statistische Ämter des Bundes und der Länder"

// Attribution for the statistics of the Bundesagentur für Arbeit.
const licenceBA = "Quelle: Statistik der Bundesagentur für Arbeit; Nutzung mit Quellenangabe frei"

// Attribution for the Kommune's own surveys (Gesundheitsamt, Einwohnermeldeamt).
const licenceOwn = "Eigene Erhebung der Kommune; Veröffentlichung nach den Regeln der Kommune"

var both = []Level{LevelKommune, LevelArea}

// Catalogue returns the built-in indicator catalogue, in display order. The child counts use the age bands
// of the Sozialräume (region.AgeBands: 0–2, 3–5, 6–9, 10–15, 16–20 years), which the life phases of the
// taxonomy are computed from (chain.ChildrenInAges), so imported counts and the gap analysis speak of the same
// children.
func Catalogue() []Indicator {
	cat := []Indicator{
		{Code: "sgb2_u15", NameDE: "SGB-II-Quote unter 15 Jahren", NameEN: "Share of children under 15 receiving SGB II benefits",
			ShortDE: "SGB-II-Quote u15", Unit: "%", Kind: KindRate, Polarity: HigherIsWorse, Levels: both,
			Source: "Statistik der Bundesagentur für Arbeit, Grundsicherung für Arbeitsuchende", Licence: licenceBA,
			Description: "Anteil der nicht erwerbsfähigen Leistungsberechtigten unter 15 Jahren an allen Kindern unter 15 Jahren."},
		{Code: "sgb2_u3", NameDE: "SGB-II-Quote unter 3 Jahren", NameEN: "Share of children under 3 receiving SGB II benefits",
			ShortDE: "SGB-II-Quote u3", Unit: "%", Kind: KindRate, Polarity: HigherIsWorse, Levels: both,
			Source: "Statistik der Bundesagentur für Arbeit, Grundsicherung für Arbeitsuchende", Licence: licenceBA,
			Description: "Anteil der Kinder unter 3 Jahren in Bedarfsgemeinschaften nach dem SGB II."},
		{Code: "sgb2_3_6", NameDE: "SGB-II-Quote 3 bis unter 6 Jahre", NameEN: "Share of children aged 3 to 5 receiving SGB II benefits",
			ShortDE: "SGB-II-Quote 3–6", Unit: "%", Kind: KindRate, Polarity: HigherIsWorse, Levels: both,
			Source: "Statistik der Bundesagentur für Arbeit, Grundsicherung für Arbeitsuchende", Licence: licenceBA,
			Description: "Anteil der Kinder von 3 bis unter 6 Jahren in Bedarfsgemeinschaften nach dem SGB II."},
		{Code: "armutsgefaehrdung", NameDE: "Armutsgefährdungsquote", NameEN: "At-risk-of-poverty rate",
			ShortDE: "Armutsgefährdung", Unit: "%", Kind: KindRate, Polarity: HigherIsWorse, Levels: []Level{LevelKommune},
			Source: "Mikrozensus, Amtliche Sozialberichterstattung", Licence: licenceDLDE,
			Description: "Anteil der Personen mit einem Äquivalenzeinkommen unter 60 % des Medians (Landesmedian)."},
		{Code: "alleinerziehende_bg", NameDE: "Kinder in Bedarfsgemeinschaften Alleinerziehender", NameEN: "Children in single-parent benefit households",
			ShortDE: "Kinder in BG Alleinerziehender", Unit: "%", Kind: KindRate, Polarity: HigherIsWorse, Levels: both,
			Source: "Statistik der Bundesagentur für Arbeit, Grundsicherung für Arbeitsuchende", Licence: licenceBA,
			Description: "Anteil der Kinder unter 18 Jahren in Bedarfsgemeinschaften von Alleinerziehenden an allen Kindern unter 18 Jahren."},
		{Code: "betreuung_u3", NameDE: "Betreuungsquote unter 3 Jahren", NameEN: "Childcare rate under 3",
			ShortDE: "Betreuungsquote u3", Unit: "%", Kind: KindRate, Polarity: HigherIsBetter, Levels: both,
			Source: "Statistik der Kinder- und Jugendhilfe (Kindertagesbetreuung)", Licence: licenceDLDE,
			Description: "Anteil der Kinder unter 3 Jahren in Kindertageseinrichtungen oder Kindertagespflege."},
		{Code: "betreuung_3_6", NameDE: "Betreuungsquote 3 bis unter 6 Jahre", NameEN: "Childcare rate aged 3 to 5",
			ShortDE: "Betreuungsquote 3–6", Unit: "%", Kind: KindRate, Polarity: HigherIsBetter, Levels: both,
			Source: "Statistik der Kinder- und Jugendhilfe (Kindertagesbetreuung)", Licence: licenceDLDE,
			Description: "Anteil der Kinder von 3 bis unter 6 Jahren in Kindertageseinrichtungen oder Kindertagespflege."},
		{Code: "seu_sprachfoerderung", NameDE: "Schuleingangsuntersuchung: Sprachförderbedarf", NameEN: "School entry examination: need for language support",
			ShortDE: "Sprachförderbedarf", Unit: "%", Kind: KindRate, Polarity: HigherIsWorse, Levels: both,
			Source: "Gesundheitsamt, Schuleingangsuntersuchung", Licence: licenceOwn,
			Description: "Anteil der untersuchten Kinder mit festgestelltem Sprachförderbedarf."},
		{Code: "seu_uebergewicht", NameDE: "Schuleingangsuntersuchung: Übergewicht", NameEN: "School entry examination: overweight",
			ShortDE: "Übergewicht", Unit: "%", Kind: KindRate, Polarity: HigherIsWorse, Levels: both,
			Source: "Gesundheitsamt, Schuleingangsuntersuchung", Licence: licenceOwn,
			Description: "Anteil der untersuchten Kinder mit Übergewicht oder Adipositas (BMI über dem 90. Perzentil)."},
		{Code: "seu_u9", NameDE: "Schuleingangsuntersuchung: U9 vorgelegt", NameEN: "School entry examination: U9 check-up documented",
			ShortDE: "U9 vorgelegt", Unit: "%", Kind: KindRate, Polarity: HigherIsBetter, Levels: both,
			Source: "Gesundheitsamt, Schuleingangsuntersuchung", Licence: licenceOwn,
			Description: "Anteil der untersuchten Kinder, deren Vorsorgeheft eine durchgeführte U9 zeigt."},
	}
	bands := []struct{ band, de, en string }{
		{"0-2", "0 bis unter 3 Jahre", "aged 0 to 2"},
		{"3-5", "3 bis unter 6 Jahre", "aged 3 to 5"},
		{"6-9", "6 bis unter 10 Jahre", "aged 6 to 9"},
		{"10-15", "10 bis unter 16 Jahre", "aged 10 to 15"},
		{"16-20", "16 bis unter 21 Jahre", "aged 16 to 20"},
	}
	for _, b := range bands {
		cat = append(cat, Indicator{Code: ChildrenCode(b.band), NameDE: "Kinder und Jugendliche " + b.de,
			NameEN: "Children " + b.en, ShortDE: "Kinder " + strings.Replace(b.de, " Jahre", "", 1), Unit: "Anzahl", Kind: KindCount,
			Polarity: HigherIsWorse, Levels: both, Source: "Einwohnermeldeamt bzw. Fortschreibung des Bevölkerungsstandes",
			Licence: licenceOwn, AgeBand: b.band,
			Description: "Einwohnerinnen und Einwohner " + b.de + " (Hauptwohnsitz) am Stichtag."})
	}
	aliases := map[string][]string{
		"sgb2_u15":      {"SGB II-Quote unter 15 Jahren", "SGB-II-Quote u15", "SGB II Quote u15"},
		"betreuung_u3":  {"Betreuungsquote (unter 3 Jahre)", "Betreuungsquote unter 3 Jahren"},
		"betreuung_3_6": {"Betreuungsquote (3 bis unter 6 Jahre)", "Betreuungsquote 3 bis unter 6 Jahren"},
		// The age groups of the Regionaldatenbank's population tables (12411) that match the Sozialräume's bands.
		"children_0_2": {"unter 3 Jahre", "0 bis unter 3 Jahre"},
		"children_3_5": {"3 bis unter 6 Jahre"},
		"children_6_9": {"6 bis unter 10 Jahre"},
	}
	for i := range cat {
		cat[i].Sort = (i + 1) * 10
		cat[i].Aliases = aliases[cat[i].Code]
	}
	return cat
}

// ChildrenCode is the indicator code of a child count for an age band of region.AgeBands ("0-2" → children_0_2).
func ChildrenCode(band string) string { return "children_" + strings.ReplaceAll(band, "-", "_") }

// Lookup finds an indicator of a catalogue by its code, its German name or its short name, ignoring case,
// spaces and punctuation, so that a column "SGB-II-Quote u15" or "sgb2_u15" both name it.
func Lookup(cat []Indicator, name string) (Indicator, bool) {
	n := fold(name)
	if n == "" {
		return Indicator{}, false
	}
	for _, ind := range cat {
		if fold(ind.Code) == n || fold(ind.NameDE) == n || fold(ind.ShortDE) == n {
			return ind, true
		}
		for _, a := range ind.Aliases {
			if fold(a) == n {
				return ind, true
			}
		}
	}
	return Indicator{}, false
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9äöüß]+`)

func fold(s string) string {
	return nonAlnum.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), "")
}

// DefaultMinCell is the minimum cell size unless a Kommune configures another.
const DefaultMinCell = 3

// Privacy holds the suppression rule. The zero value uses DefaultMinCell.
type Privacy struct {
	MinCell int
}

// Min is the effective minimum cell size.
func (p Privacy) Min() int {
	if p.MinCell <= 0 {
		return DefaultMinCell
	}
	return p.MinCell
}

// Disclose returns the value to show and whether it may be shown at all. Every door that shows or exports
// an indicator value must go through it: a count below the minimum cell size, and a rate whose numerator count
// is below it, are never shown. A rate without a known numerator is shown (the office that published it has
// suppressed already); a count of zero is suppressed like any small count, because "0" next to "gesperrt"
// would reveal which small cells are empty.
func (p Privacy) Disclose(ind Indicator, v Value) (float64, bool) {
	m := int64(p.Min())
	switch {
	case ind.Kind == KindCount && v.Value < float64(m):
		return 0, false
	case v.Count != nil && *v.Count < m:
		return 0, false
	}
	return v.Value, true
}

// FormatGerman writes a number the German way: decimal comma, thousands with a dot, at most the given
// decimals and no trailing zeros ("1.234,5").
func FormatGerman(f float64, decimals int) string {
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "," + frac
	}
	if neg && out != "0" {
		out = "−" + out
	}
	return out
}
