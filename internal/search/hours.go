package search

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/de"

	"github.com/kette-org/kette/internal/catalog"
)

// Public holidays come from github.com/rickar/cal/v2/de: a maintained calendar library whose German lists are
// per Land and compute the Easter-based days (Karfreitag, Ostermontag, Himmelfahrt, Pfingstmontag,
// Fronleichnam) and Buß- und Bettag for any year; writing the Gauss Easter formula here would add nothing.
var landHolidays = map[string][]*cal.Holiday{
	"01": de.HolidaysSH, "02": de.HolidaysHH, "03": de.HolidaysNI, "04": de.HolidaysHB, "05": de.HolidaysNW,
	"06": de.HolidaysHE, "07": de.HolidaysRP, "08": de.HolidaysBW, "09": de.HolidaysBY, "10": de.HolidaysSL,
	"11": de.HolidaysBE, "12": de.HolidaysBB, "13": de.HolidaysMV, "14": de.HolidaysSN, "15": de.HolidaysST,
	"16": de.HolidaysTH,
}

// IsHoliday reports whether the calendar day of t (in t's location) is a public holiday in the Land with the
// given code (01–16). An unknown code gets the national holidays.
func IsHoliday(landCode string, t time.Time) bool {
	list, ok := landHolidays[landCode]
	if !ok {
		list = de.Holidays
	}
	y, m, d := t.Date()
	for _, h := range list {
		actual, _ := h.Calc(y)
		if ay, am, ad := actual.Date(); ay == y && am == m && ad == d {
			return true
		}
	}
	return false
}

// slot is a weekly opening in minutes after midnight, local time.
type slot struct {
	day      uint8 // 1 Monday … 7 Sunday
	from, to uint16
}

// hours is when an offer is open: its weekly slots (its own schedule, else its locations' opening hours),
// its dated events and its validity, in its time zone. A doc keeps them in the state's arrays (state.hours).
type hours struct {
	zone       *time.Location
	slots      []slot
	events     [][2]int64 // unix seconds
	validFrom  int32      // yyyymmdd, 0: open-ended
	validUntil int32
}

// dayNumber is a date as yyyymmdd, which orders as the dates do.
func dayNumber(y int, m time.Month, d int) int32 { return int32(y*10000 + int(m)*100 + d) }

func makeHours(zone *time.Location, weekly []catalog.Weekly, events []catalog.Event, from, to *catalog.Date) hours {
	h := hours{zone: zone}
	for _, w := range weekly {
		o, okO := minutes(w.Opens)
		c, okC := minutes(w.Closes)
		if okO && okC && w.Weekday >= 1 && w.Weekday <= 7 && c > o {
			h.slots = append(h.slots, slot{day: uint8(w.Weekday), from: o, to: c})
		}
	}
	for _, e := range events {
		h.events = append(h.events, [2]int64{e.Starts.Unix(), e.Ends.Unix()})
	}
	if from != nil {
		h.validFrom = dayNumber(from.Y, time.Month(from.M), from.D)
	}
	if to != nil {
		h.validUntil = dayNumber(to.Y, time.Month(to.M), to.D)
	}
	return h
}

func minutes(hhmm string) (uint16, bool) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return 0, false
	}
	return uint16(t.Hour()*60 + t.Minute()), true
}

// weekdays is the set of weekdays with a weekly slot, bit d for weekday d.
func (h hours) weekdays() uint8 {
	var set uint8
	for _, s := range h.slots {
		set |= 1 << s.day
	}
	return set
}

// localTime is an instant as the clock of one time zone shows it; a search over a million offers in one
// zone computes it once instead of per offer.
type localTime struct {
	t   time.Time // in the zone
	day int32     // yyyymmdd
	wd  uint8     // 1 Monday … 7 Sunday
	m   uint16    // minutes after midnight
}

func newLocalTime(t time.Time, zone *time.Location) *localTime {
	local := t.In(zone)
	wd := uint8(local.Weekday())
	if wd == 0 {
		wd = 7
	}
	return &localTime{t: local, day: dayNumber(local.Date()), wd: wd, m: uint16(local.Hour()*60 + local.Minute())}
}

// openAtLocal reports whether the offer is open at the instant u (unix seconds), lt on the clock of h's zone:
// during a dated event, or in a weekly slot on a day that is within its validity and no public holiday of its
// Land (holiday tells).
func (h hours) openAtLocal(u int64, lt *localTime, holiday func(time.Time) bool) bool {
	for _, e := range h.events {
		if u >= e[0] && u < e[1] {
			return true
		}
	}
	if len(h.slots) == 0 {
		return false
	}
	if (h.validFrom != 0 && lt.day < h.validFrom) || (h.validUntil != 0 && lt.day > h.validUntil) {
		return false
	}
	for _, s := range h.slots {
		if s.day == lt.wd && lt.m >= s.from && lt.m < s.to {
			return !holiday(lt.t)
		}
	}
	return false
}
