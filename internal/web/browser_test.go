package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// chromium finds a Chromium or Chrome. Without one the test is skipped on a workstation, but fails in CI, so
// CI can never pass without the browser test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found (chromium, chromium-browser, google-chrome): CI must run the browser test")
	}
	t.Skip("no Chromium found (chromium, chromium-browser, google-chrome); install it to run the browser test")
	return ""
}

// TestChromiumClickThroughOnAPhone is a family on a phone: from the start page to a Kommune, its map, and one
// of its offers, in a real browser with the real style sheet, at phone widths.
func TestChromiumClickThroughOnAPhone(t *testing.T) {
	exe := chromium(t)
	srv := site(t, storetest.Open(t, store.SQLite))

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Headless, chromedp.WindowSize(375, 812))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	// The first run starts the browser and must not carry the timeout, which would stop the browser with it.
	if err := chromedp.Do(browserCtx, chromedp.EmulateViewport(375, 812)); err != nil {
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

	must("open the start page", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")))
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[href="/kommunen/03101000"]`)))
	must("click Braunschweig", err)
	kommuneURL, err := chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	if !strings.HasSuffix(kommuneURL, "/kommunen/03101000") {
		t.Fatalf("the click led to %s", kommuneURL)
	}

	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](
		`(() => { const r = document.querySelector('svg.map__svg').getBoundingClientRect(); return [r.width, r.height]; })()`))
	must("measure the map", err)
	if len(box) != 2 || box[0] < 200 || box[1] < 200 || box[0] > 375 {
		t.Errorf("the map is drawn %v px (width, height) on a 375 px phone", box)
	}
	areas, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('svg.map__svg a[href^="/sozialraeume/"]').length`))
	must("count the map's links", err)
	if areas != 9 {
		t.Errorf("%d Sozialräume on the map of Braunschweig, want 9", areas)
	}
	// The fills come from the style sheet only; a path without them would be black.
	fills, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[0, 1, 2, 3].map(n => { const p = document.querySelector('.shade-' + n + ' path'); return p ? getComputedStyle(p).fill : ''; })`))
	must("read the fills", err)
	seen := map[string]bool{}
	for _, f := range fills {
		if f != "" && (f == "rgb(0, 0, 0)" || seen[f]) {
			t.Errorf("map fills %v: each shade needs its own colour from kette.css", fills)
			break
		}
		seen[f] = true
	}

	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#angebote .cards a[href^="/angebote/"]`)))
	must("click the first offer", err)
	offerURL, err := chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	if !strings.Contains(offerURL, "/angebote/") {
		t.Fatalf("the click led to %s", offerURL)
	}
	calls, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href^="tel:"]').length`))
	must("find the phone link", err)
	if calls == 0 {
		t.Error("the offer page has no phone link to tap")
	}

	for _, width := range []int64{375, 320} {
		must("resize", chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)))
		for _, url := range []string{srv.URL + "/", kommuneURL, offerURL, srv.URL + "/angebote/kein-uuid"} {
			must("open "+url, chromedp.Do(ctx, chromedp.Navigate(url)))
			fitsTheScreen(t, ctx, url, width)
		}
	}
}

// fitsTheScreen checks that the page needs no sideways scrolling; wide tables scroll inside their own box.
func fitsTheScreen(t *testing.T, ctx context.Context, url string, width int64) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if err != nil {
		t.Fatalf("measure %s: %v", url, err)
	}
	if w[0] > w[1] {
		culprits, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('body *')]
			.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))
			.slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className).join(', ')`))
		t.Errorf("%s at %d px: the page is %d px wide in a %d px window (too wide: %s)", url, width, w[0], w[1], culprits)
	}
}
