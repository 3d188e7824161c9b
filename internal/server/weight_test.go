package server_test

import (
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
)

var (
	externalAsset = regexp.MustCompile(`(?i)<(script|img|iframe|link)[^>]+(src|href)="(https?:)?//`)
	staticAsset   = regexp.MustCompile(`/static/[^"/]+/kette\.css`)
)

// TestAResultsPageOfTwentyHitsIsSmallLoadsNothingFromOthersAndItsAssetsAreCachedForever reads the page as a
// browser on a slow phone line would: compressed, counting the bytes on the wire.
func TestAResultsPageOfTwentyHitsIsSmallLoadsNothingFromOthersAndItsAssetsAreCachedForever(t *testing.T) {
	srv0, s, _ := demoSite(t, store.SQLite)
	srv0.Close()
	idx := search.New(search.Options{})
	if err := idx.Build(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(server.Deps{Store: s, I18n: b, Log: slog.New(slog.DiscardHandler), Version: "test", Search: idx})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	// Go's transport would decompress on its own and hide the size; ask for gzip explicitly.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/angebote?ort=30159&per_page=20", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	wire, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("results page: %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(string(wire)))
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	hits := strings.Count(string(page), `href="/angebote/`)
	if hits < 20 {
		t.Fatalf("the page links %d offers, want at least 20 hits", hits)
	}
	if len(wire) >= 60*1024 {
		t.Errorf("results page of 20 hits: %d bytes on the wire (%d uncompressed), want under 60 KB", len(wire), len(page))
	}
	t.Logf("results page: %d bytes gzip, %d uncompressed, %d offer links", len(wire), len(page), hits)
	if m := externalAsset.FindString(string(page)); m != "" {
		t.Errorf("the page loads from another site: %s", m)
	}
	css := staticAsset.FindString(string(page))
	if css == "" {
		t.Fatal("no fingerprinted style sheet on the page")
	}
	r2, err := client.Get(srv.URL + css)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if cc := r2.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("style sheet cache: %q", cc)
	}
}
