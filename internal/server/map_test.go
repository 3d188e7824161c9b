package server_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/web"
)

// tileServer stands in for the map's tile server: a small PNG for every tile, and a record of what was asked.
type tileServer struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newTileServer(t *testing.T) *tileServer {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for x := range 256 {
		for y := range 256 {
			img.Set(x, y, color.RGBA{R: 0xe8, G: 0xee, B: 0xf2, A: 0xff})
		}
	}
	var tile bytes.Buffer
	if err := png.Encode(&tile, img); err != nil {
		t.Fatal(err)
	}
	ts := &tileServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ts.paths = append(ts.paths, r.URL.Path)
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(tile.Bytes())
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tileServer) requests() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]string(nil), ts.paths...)
}

// TestChromiumOpensTheInteractiveMapOnlyWhenAskedAndThenLoadsTilesFromTheConfiguredServer is a family on the
// results page: the page asks nothing of the tile server; the button "Interaktive Karte öffnen" loads Leaflet
// from Kette itself, shows a marker per result with the tile server's credit, and only now tiles are fetched.
// A marker is reached by keyboard and its popup leads to the offer.
func TestChromiumOpensTheInteractiveMapOnlyWhenAskedAndThenLoadsTilesFromTheConfiguredServer(t *testing.T) {
	exe := chromium(t)
	tiles := newTileServer(t)
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
	const credit = "© OpenStreetMap-Mitwirkende"
	h, err := server.Handler(server.Deps{Store: s, I18n: b, Log: slog.New(slog.DiscardHandler), Version: "test", Search: idx,
		Tiles: web.Tiles{URL: tiles.URL + "/{z}/{x}/{y}.png", Attribution: credit, AttributionURL: "https://www.openstreetmap.org/copyright"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	results := "/angebote?ort=30159&lang=de"

	// The policy names the tile server on the results page only.
	for path, want := range map[string]bool{results: true, "/?lang=de": false, "/angebote/" + firstOfferID(t, srv.URL+results): false} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		imgSrc := regexp.MustCompile(`img-src [^;]*`).FindString(resp.Header.Get("Content-Security-Policy"))
		if got := strings.Contains(imgSrc, tiles.URL); got != want {
			t.Errorf("%s: %q names the tile server: %v, want %v", path, imgSrc, got, want)
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Headless, chromedp.WindowSize(1024, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browserCtx, 90*time.Second)
	defer cancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	must("open the results", chromedp.Do(ctx, chromedp.Navigate(srv.URL+results)))
	live, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('figure[data-leaflet-js]')`))
	must("look for the map", err)
	if !live {
		t.Fatal("the results page offers no interactive map: Leaflet is not built in – run `make assets` (Node.js and npm) before the tests")
	}
	dots, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.result-map__dot').length`))
	must("count the dots", err)
	if dots == 0 {
		t.Fatal("the server-drawn map shows no result")
	}
	label, err := chromedp.Run(ctx, chromedp.Text(`.result-map__open button`))
	must("find the button", err)
	if label != "Interaktive Karte öffnen" {
		t.Errorf("button %q", label)
	}
	// Give a page that would fetch tiles on its own the time to do so.
	must("wait", chromedp.Do(ctx, chromedp.Sleep(time.Second)))
	if got := tiles.requests(); len(got) > 0 {
		t.Fatalf("the results page asked the tile server before the map was opened: %v", got)
	}

	// Whatever the Content-Security-Policy blocks (a tile host it does not name, an inline style) is recorded.
	must("listen for policy violations", chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.blocked = [];
		document.addEventListener('securitypolicyviolation', e => window.blocked.push(e.violatedDirective + ' ' + e.blockedURI))`)))
	must("open the map", chromedp.Do(ctx, chromedp.Click(`.result-map__open button`)))
	markers, err := chromedp.Run(ctx, chromedp.Poll[int](
		`document.querySelectorAll('.leaflet-marker-icon.result-map__marker').length || 0`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof L + ' | ' + document.querySelector('.result-map__status').textContent + ' | ' + document.querySelectorAll('.leaflet-marker-icon').length`))
		t.Fatalf("wait for the markers: %v (Leaflet, status, markers: %s)", err, state)
	}
	if markers != dots {
		t.Errorf("%d markers on the interactive map, want one per dot of the SVG map (%d)", markers, dots)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(tiles.requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	got := tiles.requests()
	if len(got) == 0 {
		t.Fatal("the open map requested no tile from the configured tile server")
	}
	for _, p := range got {
		if !regexp.MustCompile(`^/[0-9]+/[0-9]+/[0-9]+\.png$`).MatchString(p) {
			t.Errorf("tile request %q does not follow the template", p)
		}
	}
	attribution, err := chromedp.Run(ctx, chromedp.Text(`.leaflet-control-attribution`))
	must("read the attribution", err)
	if !strings.Contains(attribution, credit) {
		t.Errorf("attribution %q, want %q", attribution, credit)
	}
	blocked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.blocked`))
	must("read the policy violations", err)
	if len(blocked) > 0 {
		t.Errorf("the Content-Security-Policy blocked parts of the map: %v", blocked)
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('.result-map .map__svg')).display === 'none'`))
	must("look at the SVG map", err)
	if !hidden {
		t.Error("the SVG map is still shown beside the interactive one")
	}

	// The same button switches back to the server-drawn map and again to the interactive one.
	shown := func() (svgShown, liveShown bool, label string) {
		t.Helper()
		type view struct {
			SVG, Live bool
			Label     string
		}
		v, err := chromedp.Run(ctx, chromedp.Evaluate[view](`(() => {
			const shown = el => getComputedStyle(el).display !== 'none';
			return {SVG: shown(document.querySelector('.result-map .map__svg')), Live: shown(document.querySelector('.result-map__live')),
				Label: document.querySelector('.result-map__open button').textContent};
		})()`))
		must("look at the maps", err)
		return v.SVG, v.Live, v.Label
	}
	if svgShown, liveShown, label := shown(); svgShown || !liveShown || label != "Zur einfachen Karte wechseln" {
		t.Errorf("open map: SVG shown %v, interactive shown %v, button %q", svgShown, liveShown, label)
	}
	must("switch to the simple map", chromedp.Do(ctx, chromedp.Click(`.result-map__open button`)))
	if svgShown, liveShown, label := shown(); !svgShown || liveShown || label != "Interaktive Karte öffnen" {
		t.Errorf("after switching back: SVG shown %v, interactive shown %v, button %q", svgShown, liveShown, label)
	}
	must("switch to the interactive map", chromedp.Do(ctx, chromedp.Click(`.result-map__open button`)))
	if svgShown, liveShown, _ := shown(); svgShown || !liveShown {
		t.Errorf("opened again: SVG shown %v, interactive shown %v", svgShown, liveShown)
	}

	// The open map passes the same WCAG 2.1 A/AA rules as the pages around it.
	for _, v := range checkPage(t, ctx, axeScript(t), "") {
		t.Errorf("the open map: %s (%s) — %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
	}

	// Keyboard: a marker is a focusable button with the offer's name; Enter opens its popup and puts the focus
	// on the link to the offer, and Enter there opens the offer.
	name, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const m = document.querySelector('.result-map__marker');
		return m.tabIndex === 0 && m.getAttribute('role') === 'button' ? m.getAttribute('aria-label') : ''; })()`))
	must("inspect a marker", err)
	if name == "" {
		t.Fatal("the first marker is not a focusable button with a name")
	}
	must("focus the marker", chromedp.Do(ctx, chromedp.Focus(`.result-map__marker`)))
	must("press Enter", chromedp.Do(ctx, chromedp.KeyEvent("\r")))
	href, err := chromedp.Run(ctx, chromedp.Poll[string](
		`document.activeElement && document.activeElement.closest('.leaflet-popup') ? document.activeElement.getAttribute('href') : ''`,
		chromedp.WithPollingTimeout(10*time.Second)))
	must("focus the popup's link", err)
	if !strings.HasPrefix(href, "/angebote/") {
		t.Fatalf("the popup's link leads to %q", href)
	}
	_, err = chromedp.RunResponse(ctx, chromedp.KeyEvent("\r"))
	must("follow the link", err)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	if !strings.HasSuffix(loc, href) {
		t.Errorf("after the popup's link the browser is at %s, want %s", loc, href)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(`h1`))
	must("read the heading", err)
	if !strings.Contains(name, h1) {
		t.Errorf("the offer page %q is not the marker's offer %q", h1, name)
	}
}

// firstOfferID is the first offer a results page links to.
func firstOfferID(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page bytes.Buffer
	if _, err := page.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`href="/angebote/([0-9a-f-]{36})"`).FindStringSubmatch(page.String())
	if m == nil {
		t.Fatalf("%s links no offer", url)
	}
	return m[1]
}
