package searchlog_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/place"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

func TestWordsDropEverythingThatCouldIdentifySomebody(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Hebamme Braunschweig", []string{"hebamme", "braunschweig"}},
		{"Musterstraße 12, 38100 Braunschweig", []string{"braunschweig"}},
		{"Am Lindenweg Hauptstr. Kitaplatz", []string{"am", "kitaplatz"}},
		{"mama.mueller@example.de sucht Krabbelgruppe", []string{"sucht", "krabbelgruppe"}},
		{"Tel. 0531/123456 Beratung", []string{"tel", "beratung"}},
		{"geb. 3.4.2025 Kita!", []string{"geb", "kita"}},
		{"www.familie.de familienzentrum.de Eltern-Kind-Gruppe", []string{"eltern-kind-gruppe"}},
		{"Kita Kita KITA", []string{"kita"}},
		{"a b c", nil},
		{"Schritt4you ÄRZTIN", []string{"ärztin"}},
		{strings.Repeat("wort ", 3) + "eins zwei drei vier fünf sechs sieben acht neun", []string{"wort", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben"}},
	} {
		if got := searchlog.Words(c.text); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestEntryKeepsTheAreaAndFilterCodesButNoPointOrPostcode(t *testing.T) {
	kommune, area := uuid.New(), uuid.New()
	age := 27
	p := search.Params{
		Query: search.Query{Text: "Hebamme 38100", Phases: []string{"age_0_3"}, Languages: []string{"tr"}, Free: true,
			AgeMonths: &age, Lat: 52.2612, Lon: 10.5213, HasPoint: true, RadiusKm: 3, Weekday: 2},
		Place: &place.Match{Kind: place.Postcode, Name: "38100 Braunschweig", Latitude: 52.2612, Longitude: 10.5213,
			KommuneID: kommune, AreaID: &area},
	}
	at := time.Date(2026, 11, 23, 9, 15, 42, 123456789, time.UTC)
	e := searchlog.Entry(searchlog.Web, p, 0, at)
	if e.KommuneID == nil || *e.KommuneID != kommune || e.AreaID == nil || *e.AreaID != area {
		t.Errorf("area = %v / %v, want the place's Kommune and Sozialraum", e.KommuneID, e.AreaID)
	}
	want := []string{"phase:age_0_3", "lang:tr", "free:1", "weekday:2", "age_years:2", "radius_km:5"}
	if !slices.Equal(e.Filters, want) {
		t.Errorf("filters = %q, want %q", e.Filters, want)
	}
	if !slices.Equal(e.Words, []string{"hebamme"}) {
		t.Errorf("words = %q", e.Words)
	}
	all := strings.Join(append(append([]string{}, e.Words...), e.Filters...), " ")
	for _, leak := range []string{"38100", "52.26", "10.52", "Braunschweig"} {
		if strings.Contains(all, leak) {
			t.Errorf("entry holds %q: %s", leak, all)
		}
	}
	if !e.At.Equal(at.Truncate(time.Second)) || e.Results != 0 || e.Channel != searchlog.Web {
		t.Errorf("entry = %+v", e)
	}
}

func TestRecorderWritesInTheBackgroundAndJobFoldsAfterNinetyDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		rec := searchlog.New(s, nil)
		done := make(chan struct{})
		go func() { rec.Run(ctx); close(done) }()
		now := time.Now().UTC()
		for !rec.Running() { // a Record before Run starts would write at once; this test is about the queue
			time.Sleep(time.Millisecond)
		}
		rec.Record(ctx, searchlog.Entry(searchlog.API, search.Params{Query: search.Query{Text: "Schwimmkurs"}}, 0, now.Add(-100*24*time.Hour)))
		rec.Record(ctx, searchlog.Entry(searchlog.API, search.Params{Query: search.Query{Text: "Kita"}}, 3, now))
		cancel()
		<-done // Run writes what is queued before it returns
		raw, err := s.SearchLogEntries(context.Background(), tenant.System(), uuid.Nil, time.Time{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != 2 {
			t.Fatalf("raw entries = %d, want 2", len(raw))
		}
		if err := searchlog.Job(s).Run(context.Background(), now); err != nil {
			t.Fatal(err)
		}
		raw, err = s.SearchLogEntries(context.Background(), tenant.System(), uuid.Nil, time.Time{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != 1 || !slices.Equal(raw[0].Words, []string{"kita"}) {
			t.Errorf("after folding: %+v, want only the recent search", raw)
		}
	})
}
