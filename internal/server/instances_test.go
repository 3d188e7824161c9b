package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// instance is one running Kette on a shared database: its own connection pool, its own search index kept
// fresh every second as `kette serve` does, and its own HTTP server.
type instance struct {
	store *store.Store
	url   string
}

func startInstance(t *testing.T, ctx context.Context, dsn string) instance {
	t.Helper()
	s, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	idx := search.New(search.Options{})
	if err := idx.Build(ctx, s); err != nil {
		t.Fatal(err)
	}
	go idx.Run(ctx, time.Second)
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err := Handler(Deps{Store: s, I18n: b, Log: slog.New(slog.DiscardHandler), Version: "test", Search: idx})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return instance{store: s, url: srv.URL}
}

func apiHits(t *testing.T, base, q string) int {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/offers?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Total int `json:"total"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&r) != nil {
		t.Fatalf("search %q: status %d", q, resp.StatusCode)
	}
	return r.Total
}

// TestAnEditIsSearchableOnEveryInstanceWithinTwoSeconds runs two instances on one PostgreSQL database: an offer
// created, renamed and archived through the first is found, renamed and gone in the search of both within the
// two seconds the issue allows — each follows the shared change log, nothing is sent between them.
func TestAnEditIsSearchableOnEveryInstanceWithinTwoSeconds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := storetest.DSN(t, store.Postgres)
	seed, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, seed, nil); err != nil {
		t.Fatal(err)
	}
	seed.Close()
	a, b := startInstance(t, ctx, dsn), startInstance(t, ctx, dsn)

	list, _, err := a.store.ListOffers(ctx, tenant.System(), store.OfferFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var o catalog.Offer
	for _, sum := range list {
		if o, err = a.store.GetOffer(ctx, tenant.System(), sum.ID); err == nil && o.Status == catalog.StatusActive {
			break
		}
	}
	if o.Status != catalog.StatusActive {
		t.Fatal("no active demo offer to copy")
	}
	o.ID, o.Name = uuid.Nil, "Zwergentreff Lindenhof"
	actor := audit.System("test")
	within := func(what, q string, want int) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for _, in := range []instance{a, b} {
			for apiHits(t, in.url, q) != want {
				if time.Now().After(deadline) {
					t.Fatalf("%s: %q on %s not %d hit(s) within 2 s", what, q, in.url, want)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}

	within("before", "Zwergentreff", 0)
	if err := a.store.CreateOffer(ctx, tenant.System(), actor, &o); err != nil {
		t.Fatal(err)
	}
	within("created on the first instance", "Zwergentreff", 1)
	o.Name = "Minitreff Lindenhof"
	if err := a.store.UpdateOffer(ctx, tenant.System(), actor, &o); err != nil {
		t.Fatal(err)
	}
	within("renamed", "Minitreff", 1)
	within("renamed", "Zwergentreff", 0)
	o.Status = catalog.StatusInactive
	if err := b.store.UpdateOffer(ctx, tenant.System(), actor, &o); err != nil {
		t.Fatal(err)
	}
	within("archived through the second instance", "Minitreff", 0)
}
