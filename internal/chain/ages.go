package chain

import "github.com/kette-org/kette/internal/region"

// bandMonths are the age bands of region.Children in months, inclusive, in the order of Children.Bands:
// 0–2, 3–5, 6–9, 10–15 and 16–20 years.
func bandMonths() [5][2]int {
	return [5][2]int{{0, 35}, {36, 71}, {72, 119}, {120, 191}, {192, 251}}
}

// ChildrenInAges estimates how many children of an Area are minMonths to maxMonths old (both inclusive) from
// its counts per age band. Within a band children are assumed to be spread evenly over its months, so a band
// that overlaps the range by k of its m months contributes k/m of its count: the phase "Schwangerschaft &
// Geburt" (0–2 months) gets 3/36 of the 0–2-year-olds, a range of 5–6 years (60–83 months) gets a third of the
// 3–5-year-olds and a quarter of the 6–9-year-olds. Nobody older than 20 is counted, because the Areas hold no
// counts beyond that (the phase "Übergang Schule–Beruf", 16–26 years, counts the 16–20-year-olds). Months, not
// years, because the taxonomy's phases and the offers' ages are in months.
func ChildrenInAges(c region.Children, minMonths, maxMonths int) float64 {
	counts := c.Bands()
	total := 0.0
	for i, b := range bandMonths() {
		lo, hi := max(minMonths, b[0]), min(maxMonths, b[1])
		if lo > hi {
			continue
		}
		total += float64(counts[i]) * float64(hi-lo+1) / float64(b[1]-b[0]+1)
	}
	return total
}

// transitionAges is the age range whose children a transition row counts: the two age bands on either side
// of the transition. ok is false for a transition the analysis does not know (a Land's own code): it gets no
// rows rather than made-up numbers.
func transitionAges(code string) (minMonths, maxMonths int, ok bool) {
	b := bandMonths()
	switch code {
	case "family_kita": // at home (0–2) → Krippe and Kindergarten (3–5)
		return b[0][0], b[1][1], true
	case "kita_school": // Kita (3–5) → Grundschule (6–9)
		return b[1][0], b[2][1], true
	case "primary_secondary": // Grundschule (6–9) → weiterführende Schule (10–15)
		return b[2][0], b[3][1], true
	case "school_work": // Schule (10–15) → Ausbildung and Beruf (16–20)
		return b[3][0], b[4][1], true
	}
	return 0, 0, false
}
