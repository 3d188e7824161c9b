package search_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/place"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

func builtinTaxonomies(t *testing.T) *taxonomy.Set {
	t.Helper()
	tax, err := taxonomy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

var parseNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func parse(t *testing.T, raw string, opt search.ParseOptions) (search.Params, error) {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Now.IsZero() {
		opt.Now = parseNow
	}
	return search.ParseParams(v, builtinTaxonomies(t), nil, opt)
}

func TestParseParamsReadsEveryFilter(t *testing.T) {
	p, err := parse(t, "q=+Hebamme+&phase=age_0_3&phase=pregnancy&field=health,early_help&target=migration"+
		"&transition=family_kita&lang=tr&access=open&delivery=on_site&organization_kind=familienzentrum"+
		"&free=1&open_now=ja&weekday=3&lat=52.26&lon=10,52&radius_km=2,5&age_months=14&page=2&per_page=10"+
		"&kommune=&area=", search.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q := p.Query
	if q.Text != "Hebamme" || !slices.Equal(q.Phases, []string{"age_0_3", "pregnancy"}) ||
		!slices.Equal(q.Fields, []string{"health", "early_help"}) || !slices.Equal(q.TargetGroups, []string{"migration"}) ||
		!slices.Equal(q.Transitions, []string{"family_kita"}) || !slices.Equal(q.Languages, []string{"tr"}) ||
		!slices.Equal(q.Access, []string{"open"}) || !slices.Equal(q.Delivery, []string{"on_site"}) ||
		!slices.Equal(q.OrganizationKinds, []string{"familienzentrum"}) {
		t.Errorf("codes read wrong: %+v", q)
	}
	if !q.Free || !q.OpenNow || q.Weekday != 3 || q.Page != 2 || q.PerPage != 10 {
		t.Errorf("flags and numbers read wrong: %+v", q)
	}
	if !q.HasPoint || q.Lat != 52.26 || q.Lon != 10.52 || q.RadiusKm != 2.5 {
		t.Errorf("point read wrong (decimal comma allowed): %+v", q)
	}
	if q.AgeMonths == nil || *q.AgeMonths != 14 {
		t.Errorf("age = %v, want 14", q.AgeMonths)
	}
	if len(q.KommuneIDs) != 0 || len(q.AreaIDs) != 0 {
		t.Errorf("empty form fields must not filter: %+v", q)
	}
	if !q.Now.Equal(parseNow) {
		t.Errorf("now = %v", q.Now)
	}
}

func TestParseParamsCountsTheAgeFromABirthDate(t *testing.T) {
	for _, c := range []struct {
		birth string
		want  int
	}{
		{"2024-11-23", 24},  // the second birthday is today
		{"2024-11-24", 23},  // and not yet tomorrow's
		{"24.11.2024", 23},  // German date format
		{"2026-11-23", 0},   // born today
		{"2026-10-31", 0},   // not yet a month: 30 November ends the month
		{"2025-01-31", 21},  // 31st: counted at the end of a shorter month
		{" 2026-05-01 ", 6}, // spaces from a form
		{"2000-01-01", 26*12 + 10},
	} {
		p, err := parse(t, "birth_date="+url.QueryEscape(c.birth), search.ParseOptions{})
		if err != nil {
			t.Errorf("%s: %v", c.birth, err)
			continue
		}
		if p.Query.AgeMonths == nil || *p.Query.AgeMonths != c.want {
			t.Errorf("born %s: age %v months, want %d", c.birth, p.Query.AgeMonths, c.want)
		}
	}
}

// fieldsOf maps every field error to its German message, as a person would read it.
func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("error %v, want invalid with field errors", err)
	}
	b, berr := i18n.New()
	if berr != nil {
		t.Fatal(berr)
	}
	l := b.For("de")
	out := map[string]string{}
	for _, f := range errs.As(err).Fields {
		out[f.Field] = l.FieldMessage(f)
	}
	return out
}

func TestParseParamsNamesTheFieldOfEveryBadValueInGerman(t *testing.T) {
	long := strings.Repeat("Beratung ", 10*1024/9)
	for _, c := range []struct {
		name, raw, field, says string
	}{
		{"negative radius", "lat=52&lon=10&radius_km=-5", "radius_km", "Umkreis"},
		{"radius without a place", "radius_km=5", "radius_km", "Ort"},
		{"radius as text", "lat=52&lon=10&radius_km=weit", "radius_km", "Umkreis"},
		{"age as text", "age_months=abc", "age_months", "Monaten"},
		{"negative age", "age_months=-3", "age_months", "Monaten"},
		{"age too high", "age_months=9999", "age_months", "Monaten"},
		{"age twice", "age_months=3&birth_date=2026-01-01", "age_months", "Geburtsdatum"},
		{"birth date as text", "birth_date=gestern", "birth_date", "Geburtsdatum"},
		{"birth date in the future", "birth_date=2027-01-01", "birth_date", "Zukunft"},
		{"10 KB of text", "q=" + url.QueryEscape(long), "q", "zu lang"},
		{"unknown phase", "phase=age_0_3&phase=teenager", "phase", "teenager"},
		{"unknown field", "field=astrologie", "field", "astrologie"},
		{"unknown language", "lang=klingonisch", "lang", "klingonisch"},
		{"unknown access", "access=vip", "access", "vip"},
		{"bad kommune id", "kommune=braunschweig", "kommune", "braunschweig"},
		{"latitude out of range", "lat=123&lon=10", "lat", "Breite"},
		{"latitude without longitude", "lat=52", "lat", "Länge"},
		{"weekday 9", "weekday=9", "weekday", "Wochentag"},
		{"weekday as text", "weekday=Montag", "weekday", "Wochentag"},
		{"page as text", "page=zwei", "page", "Seite"},
		{"page too far", "page=5000", "page", "Seite"},
		{"per page too many", "per_page=1000", "per_page", "Seite"},
		{"free as text", "free=vielleicht", "free", "ja"},
		{"place without gazetteer", "ort=Braunschweig", "ort", "Braunschweig"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(t, c.raw, search.ParseOptions{})
			fields := fieldsOf(t, err)
			msg, ok := fields[c.field]
			if !ok {
				t.Fatalf("no message for %s: %v", c.field, fields)
			}
			if !strings.Contains(msg, c.says) {
				t.Errorf("%s says %q, want it to mention %q", c.field, msg, c.says)
			}
			if len(msg) > 300 {
				t.Errorf("message too long to show beside a field: %d bytes", len(msg))
			}
		})
	}
}

func TestParseParamsNamesTheOfferLanguageAsThePageCallsIt(t *testing.T) {
	p, err := parse(t, "sprache=ar&lang=en", search.ParseOptions{LangParam: "sprache"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Query.Languages, []string{"ar"}) {
		t.Errorf("languages = %v; on the page ?lang= is the UI language, the filter is ?sprache=", p.Query.Languages)
	}
	_, err = parse(t, "sprache=xx", search.ParseOptions{LangParam: "sprache"})
	if _, ok := fieldsOf(t, err)["sprache"]; !ok {
		t.Errorf("the error must name the page's field sprache: %v", err)
	}
}

func TestParseParamsResolvesAPlaceFromTheCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoWorld(t, s)
		places := search.NewPlaceCache(w.s, time.Minute)
		// Any postcode of a demo location resolves to a point in its Kommune.
		var postcode string
		var kommune string
		for _, d := range w.docs {
			if len(d.Locations) > 0 && d.Locations[0].PostalCode != "" {
				postcode, kommune = d.Locations[0].PostalCode, d.Offer.KommuneID.String()
				break
			}
		}
		if postcode == "" {
			t.Fatal("demo data without postcodes")
		}
		v := url.Values{"ort": {postcode}, "radius_km": {"5"}}
		p, err := search.ParseParams(v, s.Taxonomies(), places, search.ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Place == nil || p.Place.Kind != place.Postcode || p.Place.KommuneID.String() != kommune {
			t.Fatalf("place = %+v, want the postcode %s in Kommune %s", p.Place, postcode, kommune)
		}
		if !p.Query.HasPoint || p.Query.Lat != p.Place.Latitude || p.Query.RadiusKm != 5 {
			t.Errorf("query point = %+v", p.Query)
		}
		// Unknown places and malformed postcodes are field errors, never a silent search everywhere.
		for _, bad := range []string{"Atlantis", "123", "99999"} {
			_, err := search.ParseParams(url.Values{"ort": {bad}}, s.Taxonomies(), places, search.ParseOptions{})
			if _, ok := fieldsOf(t, err)["ort"]; !ok {
				t.Errorf("ort=%s: %v, want a message on ort", bad, err)
			}
		}
		// A Kommune's name resolves too.
		ks, err := s.ListKommunen(ctx, tenant.Public())
		if err != nil {
			t.Fatal(err)
		}
		p, err = search.ParseParams(url.Values{"ort": {ks[0].Name}}, s.Taxonomies(), places, search.ParseOptions{})
		if err != nil || p.Place == nil || p.Place.KommuneID != ks[0].ID {
			t.Errorf("ort=%s: %+v, %v", ks[0].Name, p.Place, err)
		}
	})
}

func TestDetailsSayOpenTodayByWeekdayButNotOnAPublicHoliday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoWorld(t, s)
		hasFriday := func(d store.SearchDoc) bool {
			weekly := d.Offer.Schedule.Weekly
			if len(weekly) == 0 {
				for _, l := range d.Locations {
					weekly = append(weekly, l.OpeningHours...)
				}
			}
			return slices.ContainsFunc(weekly, func(x catalog.Weekly) bool { return x.Weekday == 5 })
		}
		var open, closed []search.Hit
		for _, d := range w.docs {
			if len(d.Offer.Schedule.Events) > 0 {
				continue // an event day would be open whatever the weekday
			}
			if hasFriday(d) && len(open) < 5 {
				open = append(open, search.Hit{OfferID: d.Offer.ID, DistanceKm: -1})
			} else if !hasFriday(d) && len(closed) < 5 {
				closed = append(closed, search.Hit{OfferID: d.Offer.ID, DistanceKm: -1})
			}
		}
		if len(open) == 0 || len(closed) == 0 {
			t.Fatalf("demo data: %d offers open on Fridays, %d not", len(open), len(closed))
		}
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Fatal(err)
		}
		friday := time.Date(2026, 12, 18, 10, 0, 0, 0, berlin)
		christmas := time.Date(2026, 12, 25, 10, 0, 0, 0, berlin) // a Friday, a holiday in every Land
		for _, c := range []struct {
			name string
			hits []search.Hit
			now  time.Time
			want bool
		}{
			{"Friday hours on a Friday", open, friday, true},
			{"Friday hours on Christmas Day", open, christmas, false},
			{"no Friday hours on a Friday", closed, friday, false},
		} {
			found := w.idx.Details(c.hits, c.now)
			if len(found) != len(c.hits) {
				t.Fatalf("%s: %d details for %d hits", c.name, len(found), len(c.hits))
			}
			for i, f := range found {
				if f.OfferID != c.hits[i].OfferID {
					t.Errorf("%s: details out of the hits' order", c.name)
				}
				if f.OpenToday != c.want {
					t.Errorf("%s: %s open today = %v, want %v", c.name, f.Doc.Offer.Name, f.OpenToday, c.want)
				}
			}
		}
		if found := w.idx.Details(nil, friday); len(found) != 0 {
			t.Errorf("no hits: %d details", len(found))
		}
	})
}

// The details of a results list come from memory; they must be what the store holds.
func TestDetailsFromMemoryAreTheStoresFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoWorld(t, s)
		var hits []search.Hit
		for id := range w.docs {
			hits = append(hits, search.Hit{OfferID: id, DistanceKm: -1})
		}
		hits = append(hits, search.Hit{OfferID: uuid.New()}) // not in the index: left out
		found := w.idx.Details(hits, time.Now())
		if len(found) != len(w.docs) {
			t.Fatalf("%d details for %d offers", len(found), len(w.docs))
		}
		confirmed := 0
		for i, f := range found {
			want, got := w.docs[hits[i].OfferID], f.Doc
			wo, o := want.Offer, got.Offer
			if f.OfferID != hits[i].OfferID || o.ID != wo.ID || o.Name != wo.Name || got.OrganizationName != want.OrganizationName ||
				o.KommuneID != wo.KommuneID || o.Cost != wo.Cost || got.LandCode != want.LandCode {
				t.Errorf("%s: got %q/%q/%s/%q, want %q/%q/%s/%q", wo.ID, o.Name, got.OrganizationName, o.KommuneID, o.Cost,
					wo.Name, want.OrganizationName, wo.KommuneID, wo.Cost)
			}
			if !slices.Equal(o.Phases, wo.Phases) || !slices.Equal(o.Fields, wo.Fields) || !slices.Equal(o.Languages, wo.Languages) ||
				o.Phases == nil || o.Fields == nil || o.Languages == nil {
				t.Errorf("%s: terms %v %v %v, want %v %v %v", wo.Name, o.Phases, o.Fields, o.Languages, wo.Phases, wo.Fields, wo.Languages)
			}
			same := func(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
			if !same(o.MinimumAgeMonths, wo.MinimumAgeMonths) || !same(o.MaximumAgeMonths, wo.MaximumAgeMonths) {
				t.Errorf("%s: ages differ", wo.Name)
			}
			if (o.LastConfirmedAt == nil) != (wo.LastConfirmedAt == nil) ||
				(o.LastConfirmedAt != nil && (!o.LastConfirmedAt.Equal(*wo.LastConfirmedAt) || o.LastConfirmedAt.Location() != time.UTC)) {
				t.Errorf("%s: confirmed %v, want %v", wo.Name, o.LastConfirmedAt, wo.LastConfirmedAt)
			} else if o.LastConfirmedAt != nil {
				confirmed++
			}
			if len(got.Locations) != len(want.Locations) {
				t.Fatalf("%s: %d locations, want %d", wo.Name, len(got.Locations), len(want.Locations))
			}
			for j, l := range got.Locations {
				wl := want.Locations[j]
				if l.PostalCode != wl.PostalCode || l.City != wl.City || l.Latitude != wl.Latitude || l.Longitude != wl.Longitude {
					t.Errorf("%s: location %d = %+v, want %+v", wo.Name, j, l, wl)
				}
			}
		}
		if confirmed == 0 {
			t.Error("no confirmed offer in the demo data: the date went unchecked")
		}
	})
}
