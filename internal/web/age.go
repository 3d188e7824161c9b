package web

import "github.com/kette-org/kette/internal/i18n"

// ageText says an offer's age range in words, from its bounds in months (both inclusive, nil for open):
// "0 bis 12 Monate", "3 bis 5 Jahre", "ab 16 Jahren", "bis 5 Jahre und 6 Monate", "6 Monate bis 2 Jahre".
//
// Up to 24 months a range is said in months. Above, a maximum just before a birthday (47 months) is said in
// completed years ("bis 3 Jahre": the child may be 3 years and 11 months old), because that is how ages are
// spoken of; other maxima keep their months. The grammar (plural, the dative after "ab") lives in the catalogue.
func ageText(l *i18n.Localizer, min, max *int) string {
	lo := 0
	if min != nil {
		lo = *min
	}
	switch {
	case max == nil && lo == 0:
		return l.T("age.all")
	case max == nil:
		return l.T("age.from", map[string]any{"Age": duration(l, lo, true)})
	case lo == *max:
		return duration(l, lo, false)
	case *max <= 24:
		return l.T("age.range_months", map[string]any{"Min": lo, "Count": *max})
	}
	hi := *max
	if (hi+1)%12 == 0 {
		hi = hi + 1 - 12 // completed years: 71 months is "5 Jahre"
	}
	switch {
	case lo%12 == 0 && hi%12 == 0:
		return l.T("age.range_years", map[string]any{"Min": lo / 12, "Count": hi / 12})
	case lo == 0:
		return l.T("age.to", map[string]any{"Age": duration(l, hi, false)})
	}
	return l.T("age.range", map[string]any{"Min": duration(l, lo, false), "Max": duration(l, hi, false)})
}

// duration says a number of months: "6 Monate", "3 Jahre", "1 Jahr und 6 Monate"; dative for "ab …".
func duration(l *i18n.Localizer, months int, dative bool) string {
	suffix := ""
	if dative {
		suffix = "_dative"
	}
	y, m := months/12, months%12
	switch {
	case y == 0:
		return l.T("age.months"+suffix, map[string]any{"Count": m})
	case m == 0:
		return l.T("age.years"+suffix, map[string]any{"Count": y})
	}
	return l.T("age.and", map[string]any{
		"Years":  l.T("age.years"+suffix, map[string]any{"Count": y}),
		"Months": l.T("age.months"+suffix, map[string]any{"Count": m}),
	})
}
