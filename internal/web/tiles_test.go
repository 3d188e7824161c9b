package web

import (
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

func TestTileServersAreCheckedAndNamedForTheContentSecurityPolicy(t *testing.T) {
	for url, want := range map[string]string{
		"": "https://tile.openstreetmap.org",
		"https://tile.openstreetmap.org/{z}/{x}/{y}.png":      "https://tile.openstreetmap.org",
		"https://{s}.tile.example.org/osm/{z}/{x}/{y}.png":    "https://*.tile.example.org",
		"http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png?key=abc": "http://127.0.0.1:8081",
	} {
		got, err := Tiles{URL: url}.Origin()
		if err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", url, got, err, want)
		}
	}
	for _, url := range []string{
		"https://tile.example.org/{z}/{x}.png",             // no {y}
		"ftp://tile.example.org/{z}/{x}/{y}.png",           // not the web
		"/tiles/{z}/{x}/{y}.png",                           // no host
		"https://tile-{s}.example.org/{z}/{x}/{y}.png",     // {s} not a whole first label
		"https://{z}.example.org/{z}/{x}/{y}.png",          // a placeholder in the host
		"https://user:pw@tile.example.org/{z}/{x}/{y}.png", // credentials would end up in the page
	} {
		if got, err := (Tiles{URL: url}).Origin(); err == nil {
			t.Errorf("%q accepted as %q", url, got)
		}
	}
	if _, err := (Tiles{URL: DefaultTileURL, AttributionURL: "javascript:alert(1)"}).Origin(); err == nil {
		t.Error("a javascript: link accepted as the attribution's link")
	}
}

func TestTheTileHostIsAddedToImgSrcOnly(t *testing.T) {
	csp := "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
	if got := addSource(csp, "img-src", "https://tile.openstreetmap.org"); got != "default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; frame-ancestors 'none'" {
		t.Errorf("img-src: %q", got)
	}
	if got := addSource("default-src 'self'", "img-src", "https://t.example"); got != "default-src 'self'; img-src https://t.example" {
		t.Errorf("missing directive: %q", got)
	}
}

// TestWithoutLeafletTheMapStaysTheSVGAndTheServerSaysSo: a binary built without `make assets` embeds no
// Leaflet; the server logs that once, offers no interactive map and allows no tile host.
func TestWithoutLeafletTheMapStaysTheSVGAndTheServerSaysSo(t *testing.T) {
	files := fstest.MapFS{"static/kette.css": {Data: []byte("body{}")}, "static/kette.js": {Data: []byte("")}}
	without, err := loadStatic(files)
	if err != nil {
		t.Fatal(err)
	}
	files["static/vendor/leaflet/leaflet.js"] = &fstest.MapFile{Data: []byte("L={}")}
	files["static/vendor/leaflet/leaflet.css"] = &fstest.MapFile{Data: []byte(".leaflet-container{}")}
	files["static/vendor/leaflet/images/marker-icon.png"] = &fstest.MapFile{Data: []byte("png")}
	with, err := loadStatic(files)
	if err != nil {
		t.Fatal(err)
	}
	if without.hasLeaflet() || !with.hasLeaflet() || with.files["vendor/leaflet/images/marker-icon.png"] == nil {
		t.Fatalf("Leaflet found without: %v, with: %v", without.hasLeaflet(), with.hasLeaflet())
	}
	if with.version == without.version {
		t.Error("the assets' version does not change with Leaflet")
	}

	s := storetest.Open(t, store.SQLite)
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	srv := &server{store: s, i18n: b, log: slog.New(slog.NewTextHandler(&logged, nil)), static: without}
	if err := srv.setupTiles(Tiles{}); err != nil {
		t.Fatal(err)
	}
	if srv.tileOrigin != "" || strings.Count(logged.String(), "Leaflet is not built in") != 1 {
		t.Errorf("without Leaflet: tile origin %q, log %q", srv.tileOrigin, logged.String())
	}
	logged.Reset()
	srv.static = with
	if err := srv.setupTiles(Tiles{URL: "https://{s}.tile.example.org/{z}/{x}/{y}.png"}); err != nil {
		t.Fatal(err)
	}
	if srv.tileOrigin != "https://*.tile.example.org" || logged.Len() != 0 {
		t.Errorf("with Leaflet: tile origin %q, log %q", srv.tileOrigin, logged.String())
	}
	if err := srv.setupTiles(Tiles{URL: "https://tile.example.org/"}); err == nil {
		t.Error("a tile URL without placeholders was accepted")
	}
}
