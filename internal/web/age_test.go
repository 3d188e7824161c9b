package web

import (
	"testing"
	"time"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/i18n"
)

func TestAgesAreSaidAsPeopleSayThem(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	n := func(v int) *int { return &v }
	cases := []struct {
		min, max *int
		de, en   string
	}{
		{nil, nil, "jedes Alter", "all ages"},
		{n(0), n(12), "0 bis 12 Monate", "0 to 12 months"},
		{n(0), n(1), "0 bis 1 Monat", "0 to 1 month"},
		{n(36), n(71), "3 bis 5 Jahre", "3 to 5 years"},   // 71 months: up to the day before the 6th birthday
		{n(0), n(191), "0 bis 15 Jahre", "0 to 15 years"}, // the 10–16 phase ends before the 16th birthday
		{n(192), nil, "ab 16 Jahren", "from 16 years"},    // dative after "ab"
		{n(12), nil, "ab 1 Jahr", "from 1 year"},          // singular
		{n(18), nil, "ab 1 Jahr und 6 Monaten", "from 1 year and 6 months"},
		{n(0), n(66), "bis 5 Jahre und 6 Monate", "up to 5 years and 6 months"},
		{n(6), n(35), "6 Monate bis 2 Jahre", "6 months to 2 years"},
		{n(24), n(24), "2 Jahre", "2 years"},
	}
	for _, c := range cases {
		if got := ageText(bundle.For("de"), c.min, c.max); got != c.de {
			t.Errorf("%v–%v: %q, want %q", deref(c.min), deref(c.max), got, c.de)
		}
		if got := ageText(bundle.For("en"), c.min, c.max); got != c.en {
			t.Errorf("%v–%v in English: %q, want %q", deref(c.min), deref(c.max), got, c.en)
		}
	}
}

func TestDatesAndEventsAreInBerlinTimeAndTheReadersLayout(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on 31 March is already 1 April in Berlin (summer time).
	late := time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)
	if got := formatDate(bundle.For("de"), late, berlin); got != "01.04.2026" {
		t.Errorf("German date %q", got)
	}
	if got := formatDate(bundle.For("en"), &late, berlin); got != "1 Apr 2026" {
		t.Errorf("English date %q", got)
	}
	if got := formatDate(bundle.For("de"), (*time.Time)(nil), berlin); got != "" {
		t.Errorf("no date: %q", got)
	}
	e := catalog.Event{Starts: time.Date(2026, 12, 2, 16, 0, 0, 0, time.UTC), Ends: time.Date(2026, 12, 2, 17, 30, 0, 0, time.UTC)}
	got := eventTimesOf(bundle.For("de"), e, "Europe/Berlin", berlin)
	if got.Weekday != "Mi" || got.Day != "02.12.2026" || got.Starts != "17:00" || got.Ends != "18:30" || got.EndDay != "" {
		t.Errorf("event %+v", got)
	}
}

func TestPhoneLinksKeepDigitsAndALeadingPlus(t *testing.T) {
	for in, want := range map[string]string{"0531 612920": "0531612920", "+49 (531) 61-29/20": "+49531612920", " 0441 1+2": "044112"} {
		if got := telHref(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return "open"
	}
	return *p
}
