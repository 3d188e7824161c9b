package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/i18n"
)

// formatDate writes a day in the layout of the language ("format.date", 02.01.2006 in German); times are shown
// as their day in Europe/Berlin. Nil values give "".
func formatDate(l *i18n.Localizer, v any, berlin *time.Location) string {
	layout := l.T("format.date")
	switch d := v.(type) {
	case time.Time:
		return d.In(berlin).Format(layout)
	case *time.Time:
		if d != nil {
			return d.In(berlin).Format(layout)
		}
	case catalog.Date:
		return d.Time().Format(layout)
	case *catalog.Date:
		if d != nil {
			return d.Time().Format(layout)
		}
	}
	return ""
}

// eventTimes is a dated event in words: its day and its hours, both in the schedule's zone.
type eventTimes struct {
	Day, Weekday, Starts, Ends, EndDay string
}

func eventTimesOf(l *i18n.Localizer, e catalog.Event, zone string, berlin *time.Location) eventTimes {
	loc := berlin
	if z, err := time.LoadLocation(zone); err == nil && zone != "" {
		loc = z
	}
	s, en := e.Starts.In(loc), e.Ends.In(loc)
	layout := l.T("format.date")
	out := eventTimes{Day: s.Format(layout), Weekday: l.T("weekday.short." + strconv.Itoa(isoWeekday(s))),
		Starts: s.Format("15:04"), Ends: en.Format("15:04")}
	if s.Format(time.DateOnly) != en.Format(time.DateOnly) {
		out.EndDay = en.Format(layout)
	}
	return out
}

// isoWeekday is 1 for Monday to 7 for Sunday.
func isoWeekday(t time.Time) int {
	if t.Weekday() == time.Sunday {
		return 7
	}
	return int(t.Weekday())
}

// telHref keeps what a tel: link needs: the digits and a leading plus.
func telHref(phone string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		if r >= '0' && r <= '9' || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// osmURL links to a point on openstreetmap.org.
func osmURL(lat, lon float64) string {
	la, lo := strconv.FormatFloat(lat, 'f', 5, 64), strconv.FormatFloat(lon, 'f', 5, 64)
	return "https://www.openstreetmap.org/?mlat=" + la + "&mlon=" + lo + "#map=17/" + la + "/" + lo
}
