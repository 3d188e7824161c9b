package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/portal"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// axeDir holds the pinned axe-core (tools/axe/package.json and its lock); node_modules is installed, never committed.
var axeDir = filepath.Join("..", "..", "tools", "axe")

// axeScript returns axe.min.js, installing it with `npm ci` when it is missing. Without npm the test is skipped on
// a workstation, but fails in CI, so CI can never pass without the accessibility check.
func axeScript(t *testing.T) string {
	t.Helper()
	file := filepath.Join(axeDir, "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		npm, err := exec.LookPath("npm")
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("npm not found: CI must install axe-core (tools/axe) for the accessibility test")
			}
			t.Skip("npm not found; install Node.js and npm to run the accessibility test")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefix", axeDir).CombinedOutput()
		if err != nil {
			t.Fatalf("npm ci --prefix %s: %v\n%s", axeDir, err, out)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// axeSite is the whole application on the demo data of Niedersachsen with the search index built, as
// `kette serve` runs it, so /angebote answers.
func axeSite(t *testing.T) (*httptest.Server, *i18n.Bundle) {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite)
	log := slog.New(slog.DiscardHandler)
	if err := demo.Load(ctx, s, log); err != nil {
		t.Fatal(err)
	}
	// Hannover publishes every view of its Präventionskette, so that its public page is checked too.
	hannover, err := s.GetKommuneByAGS(ctx, tenant.System(), "03241001")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveChainViews(ctx, tenant.System(), audit.System("test"), hannover.ID, portal.ChainViews); err != nil {
		t.Fatal(err)
	}
	idx := search.New(search.Options{Logger: log})
	if err := idx.Build(ctx, s); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(server.Deps{Store: s, I18n: b, Log: log, Version: "test", Search: idx})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, b
}

// axeBrowser starts a headless Chromium with a viewport of the given width; the returned context carries no
// timeout, since the first run starts the browser and a timeout would end the browser with it.
func axeBrowser(t *testing.T, exe string, width, height int64) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Headless, chromedp.WindowSize(int(width), int(height)))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// axeLanguages are the UI languages the accessibility check runs in: German, English, Arabic (right to left)
// and Ukrainian (Cyrillic). A language missing from the catalogue fails the check instead of shrinking it;
// that the public pages are fully translated is checked in internal/i18n.
func axeLanguages(b *i18n.Bundle) []string {
	langs := []string{"de", "en", "ar", "uk"}
	for _, l := range langs {
		if !slices.Contains(b.Languages(), l) {
			panic("the accessibility check needs the UI language " + l + ", which the catalogue lacks")
		}
	}
	return langs
}

// axeViolation is one failed rule of axe-core on one page, with the elements it failed on.
type axeViolation struct {
	ID, Impact, Help string
	Targets          []string
}

// axeResult is what runAxe returns: the number of rules that passed and the violations.
type axeResult struct {
	Passes     int
	Violations []axeViolation
}

// runAxe injects axe-core through DevTools (the page's CSP forbids inline scripts, not DevTools evaluation) and
// checks the page against the WCAG 2.0 and 2.1 A and AA rules.
const runAxe = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
  .then(r => ({Passes: r.passes.length, Violations: r.violations.map(v => ({ID: v.id, Impact: v.impact || '', Help: v.help,
    Targets: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' '))}))}))`

// TestChromiumAxeFindsNoWCAGViolationsOnThePublicPages runs axe-core in Chromium on every page a family or a provider
// sees without signing in, on a phone and on a desktop, in every tested UI language: zero violations of the
// WCAG 2.1 A and AA rules.
func TestChromiumAxeFindsNoWCAGViolationsOnThePublicPages(t *testing.T) {
	exe := chromium(t)
	axe := axeScript(t)
	srv, bundle := axeSite(t)
	langs := axeLanguages(bundle)
	if !slices.Contains(langs, "ar") || !slices.Contains(langs, "uk") {
		t.Fatalf("the catalogue lacks Arabic or Ukrainian (languages %v)", bundle.Languages())
	}
	offer := firstOfferHref(t, srv.URL, "Beratung")
	// Every page in German, English and Arabic; in Ukrainian the pages a family goes through (start, search
	// with and without filters, an offer), which share their layout with the rest.
	everyPage := []string{"de", "en", "ar"}
	familyPath := []string{"/", "/angebote", "/angebote?q=Beratung&phase=age_0_3", "/angebote?ort=Braunschweig&radius_km=10&free=1", offer}
	area := firstLink(t, srv.URL+"/kommunen/03101000", "/sozialraeume/")
	org := firstLink(t, srv.URL+offer, "/einrichtungen/")

	// Each page with the HTTP status it must answer, so an error page is never checked in its place.
	pages := []struct {
		path   string
		status int
	}{
		{"/", http.StatusOK},
		{"/kommunen/03101000", http.StatusOK},
		{"/angebote", http.StatusOK},
		{"/angebote?q=Beratung&phase=age_0_3", http.StatusOK},
		{"/angebote?ort=Braunschweig&radius_km=10&free=1", http.StatusOK},
		{"/angebote?age_months=abc", http.StatusBadRequest}, // the form with its error messages
		{offer, http.StatusOK},
		{org, http.StatusOK},
		{area, http.StatusOK},
		{"/anmelden", http.StatusOK},
		{"/impressum", http.StatusOK},
		{"/datenschutz", http.StatusOK},
		{"/barrierefreiheit", http.StatusOK},
		{"/leichte-sprache", http.StatusOK},
		{"/portal/03241001", http.StatusOK},
		{"/angebote?portal=03241001&q=Kita", http.StatusOK},
		{"/portal/03241001/barrierefreiheit", http.StatusOK},
		{"/portal/03241001/praeventionskette", http.StatusOK},
	}
	// Forms sent empty show their messages; those pages are checked too.
	forms := []struct{ path, submit string }{
		{"/barrierefreiheit", `main form button[type=submit]`},
		{"/anmelden", `form[action="/anmelden"] button[type=submit]`},
	}
	for _, size := range [][2]int64{{375, 812}, {1280, 900}} {
		t.Run(fmt.Sprintf("%dpx", size[0]), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(axeBrowser(t, exe, size[0], size[1]), 10*time.Minute)
			defer cancel()
			// axe-core must find a planted fault, or a silent axe (blocked, not loaded) would pass every page.
			axeMust(t, "open the start page", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?lang=de")))
			found := checkPage(t, ctx, axe, `document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/x.png"><button></button>')`)
			if !slices.ContainsFunc(found, func(v axeViolation) bool { return v.ID == "image-alt" }) ||
				!slices.ContainsFunc(found, func(v axeViolation) bool { return v.ID == "button-name" }) {
				t.Fatalf("axe-core did not report an image without alt text and an empty button: %+v", found)
			}
			for _, lang := range langs {
				for _, page := range pages {
					if !slices.Contains(everyPage, lang) && !slices.Contains(familyPath, page.path) {
						continue
					}
					if strings.HasSuffix(page.path, "/praeventionskette") && lang != "de" && lang != "en" {
						continue // the published chain views exist in German and English only
					}
					u := withLang(srv.URL+page.path, lang)
					resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(u))
					axeMust(t, "open "+u, err)
					if resp == nil || int(resp.Status) != page.status {
						t.Fatalf("%s answered %v, want %d", u, resp, page.status)
					}
					// axe checks that the language is valid, not that it is the right one; right to left for Arabic.
					langDir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang + ' ' + document.documentElement.dir`))
					axeMust(t, "read the page's language", err)
					if want := lang + " " + textDirection(lang); langDir != want {
						t.Errorf("%s [%s]: <html> has lang and dir %q, want %q", page.path, lang, langDir, want)
					}
					for _, v := range checkPage(t, ctx, axe, "") {
						t.Errorf("%s [%s]: %s (%s) — %s\n\t%s", page.path, lang, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
					}
				}
				for _, f := range forms {
					if !slices.Contains(everyPage, lang) {
						continue
					}
					u := withLang(srv.URL+f.path, lang)
					axeMust(t, "open "+u, chromedp.Do(ctx, chromedp.Navigate(u)))
					resp, err := chromedp.RunResponse(ctx, chromedp.Click(f.submit))
					axeMust(t, "send the empty form of "+f.path, err)
					if resp == nil || resp.Status < 400 || resp.Status >= 500 {
						t.Fatalf("the empty form of %s answered %v, want its messages with a 4xx status", f.path, resp)
					}
					for _, v := range checkPage(t, ctx, axe, "") {
						t.Errorf("%s sent empty [%s]: %s (%s) — %s\n\t%s", f.path, lang, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
					}
				}
			}
		})
	}
}

// TestChromiumArabicPagesAreRightToLeftAndFitAPhone opens the pages a family uses in Arabic on a 375 px phone:
// the page runs right to left (its text starts at the right edge), nothing sticks out sideways (which in
// right-to-left would be cut off at the left, where no scroll bar reaches), and what must stay left to right –
// phone numbers, maps – does.
func TestChromiumArabicPagesAreRightToLeftAndFitAPhone(t *testing.T) {
	exe := chromium(t)
	srv, _ := axeSite(t)
	offer := firstOfferHref(t, srv.URL, "Beratung")
	org := firstLink(t, srv.URL+offer, "/einrichtungen/")
	ctx, cancel := context.WithTimeout(axeBrowser(t, exe, 375, 812), 5*time.Minute)
	defer cancel()
	// layout reports the direction, where the heading's text ends against the content's right edge, and every
	// element reaching beyond the viewport that no scrolling or clipping box of its own holds.
	const layout = `(() => {
	  const W = document.documentElement.clientWidth, bad = [];
	  const held = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
	    if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
	  for (const e of document.body.querySelectorAll('*')) {
	    const r = e.getBoundingClientRect();
	    if (r.width <= 1 || r.height <= 1 || e.closest('.skip-link, .visually-hidden')) continue;
	    if ((r.left < -1 || r.right > W + 1) && !held(e)) {
	      bad.push(e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
	        ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + ']');
	    }
	  }
	  const main = document.querySelector('main'), ms = getComputedStyle(main), h1 = document.querySelector('h1');
	  const range = document.createRange(); range.selectNodeContents(h1);
	  const contentRight = main.getBoundingClientRect().right - parseFloat(ms.paddingRight) - parseFloat(ms.borderRightWidth);
	  return {Dir: document.documentElement.dir, Direction: getComputedStyle(document.body).direction,
	    ScrollWidth: document.documentElement.scrollWidth, Width: W, Outside: bad.slice(0, 10),
	    HeadingGap: Math.round(contentRight - range.getBoundingClientRect().right)};
	})()`
	type measured struct {
		Dir, Direction     string
		ScrollWidth, Width int
		Outside            []string
		HeadingGap         int
	}
	for _, path := range []string{"/", "/kommunen/03101000", "/angebote", "/angebote?q=Beratung&phase=age_0_3&free=1",
		offer, org, "/impressum", "/portal/03241001"} {
		u := withLang(srv.URL+path, "ar")
		resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(u))
		axeMust(t, "open "+u, err)
		if resp == nil || resp.Status != http.StatusOK {
			t.Fatalf("%s answered %v", u, resp)
		}
		m, err := chromedp.Run(ctx, chromedp.Evaluate[measured](layout))
		axeMust(t, "measure "+path, err)
		if m.Dir != "rtl" || m.Direction != "rtl" {
			t.Errorf("%s: dir=%q, body direction %q, want rtl", path, m.Dir, m.Direction)
		}
		if m.ScrollWidth > m.Width || len(m.Outside) > 0 {
			t.Errorf("%s: wider than the %d px phone (scroll width %d): %v", path, m.Width, m.ScrollWidth, m.Outside)
		}
		if m.HeadingGap < -1 || m.HeadingGap > 1 {
			t.Errorf("%s: the heading's text ends %d px before the right edge of the content; right to left it starts there", path, m.HeadingGap)
		}
	}
	// What stays left to right: the phone number on the offer page and the map of the Kommune.
	axeMust(t, "open the offer", chromedp.Do(ctx, chromedp.Navigate(withLang(srv.URL+offer, "ar"))))
	phone, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const a = document.querySelector('a[href^="tel:"]');
	  return a ? getComputedStyle(a).direction : 'none'; })()`))
	axeMust(t, "read the phone link", err)
	if phone != "ltr" {
		t.Errorf("the phone number is written %q in Arabic, want ltr", phone)
	}
	axeMust(t, "open the Kommune", chromedp.Do(ctx, chromedp.Navigate(withLang(srv.URL+"/kommunen/03101000", "ar"))))
	svg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('svg')).direction`))
	axeMust(t, "read the map", err)
	if svg != "ltr" {
		t.Errorf("the map of the Sozialräume runs %q in Arabic; maps are not mirrored", svg)
	}
}

// checkPage injects axe-core into the open page, runs prepare (if any) and returns the violations. It also
// makes sure axe-core ran rules at all: a page with no passed and no failed rule was not checked.
func checkPage(t *testing.T, ctx context.Context, axe, prepare string) []axeViolation {
	t.Helper()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[string](axe+"\n;typeof axe"))
	if err != nil || loaded != "object" {
		t.Fatalf("inject axe-core: %q, %v", loaded, err)
	}
	if prepare != "" {
		axeMust(t, "prepare the page", chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](prepare)))
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](runAxe, chromedp.EvalAwaitPromise))
	axeMust(t, "run axe-core", err)
	if res.Passes == 0 && len(res.Violations) == 0 {
		t.Fatal("axe-core checked no rule on the page")
	}
	return res.Violations
}

func axeMust(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestChromiumKeyboardOnlySearchWithVisibleFocusAndAnnouncedCount is a family without a mouse: the first Tab reaches
// the skip link, which moves focus to the content; every focused element shows a visible outline; the search is
// typed and sent with the keyboard, its number of results is in a live region, and an offer opens with Enter.
func TestChromiumKeyboardOnlySearchWithVisibleFocusAndAnnouncedCount(t *testing.T) {
	exe := chromium(t)
	srv, _ := axeSite(t)
	ctx, cancel := context.WithTimeout(axeBrowser(t, exe, 1280, 900), 3*time.Minute)
	defer cancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	active := func() string {
		t.Helper()
		d, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const e = document.activeElement;
			return e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') : ''; })()`))
		must("read the focused element", err)
		return d
	}
	tab := func() { t.Helper(); must("press Tab", chromedp.Do(ctx, chromedp.KeyEvent("\t"))) }

	// Every element the keyboard reaches has a visible focus indicator: an outline of at least 2 px in a colour
	// that is not transparent, or a ring (box-shadow).
	const focusStyle = `(() => { const e = document.activeElement, s = getComputedStyle(e);
		const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && !/rgba\(.*, 0\)$|transparent/.test(s.outlineColor);
		const ring = s.boxShadow && s.boxShadow !== 'none';
		return outline || ring ? '' : e.outerHTML.slice(0, 160) + ' has outline ' + s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor; })()`
	focusVisible := func(page string) {
		t.Helper()
		bad, err := chromedp.Run(ctx, chromedp.Evaluate[string](focusStyle))
		must("read the focus style", err)
		if bad != "" {
			t.Errorf("%s: focus not visible: %s", page, bad)
		}
	}
	// skipLink: the first Tab from the top reaches the skip link, visible in the viewport, and Enter on it moves
	// the focus to the content.
	skipLink := func(page string) {
		t.Helper()
		must("open "+page, chromedp.Do(ctx, chromedp.Navigate(srv.URL+page)))
		tab()
		if got := active(); !strings.Contains(got, "skip-link") {
			t.Fatalf("%s: the first Tab focuses %q, want the skip link", page, got)
		}
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const r = document.activeElement.getBoundingClientRect();
			return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; })()`))
		must("measure the skip link", err)
		if !shown {
			t.Errorf("%s: the focused skip link is not visible in the viewport", page)
		}
		must("follow the skip link", chromedp.Do(ctx, chromedp.KeyEvent("\r")))
		if got := active(); !strings.HasPrefix(got, "main#inhalt") {
			t.Fatalf("%s: after the skip link the focus is on %q, want main#inhalt", page, got)
		}
	}
	// walk tabs through a whole page, from the top to the end, checking every stop.
	walk := func(page string) {
		t.Helper()
		must("open "+page, chromedp.Do(ctx, chromedp.Navigate(srv.URL+page)))
		seen := map[string]bool{}
		stops := 0
		for range 400 {
			tab()
			at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const e = document.activeElement;
				if (!e || e === document.body) return '';
				const path = []; for (let n = e; n && n !== document.body; n = n.parentElement) path.unshift([...n.parentElement.children].indexOf(n));
				return path.join('/'); })()`))
			must("locate the focus", err)
			if at == "" || seen[at] {
				break
			}
			seen[at] = true
			stops++
			focusVisible(page)
		}
		if stops < 10 {
			t.Errorf("%s: only %d elements reachable with Tab", page, stops)
		}
		t.Logf("%s: the focus indicator of all %d elements reached with Tab is visible", page, stops)
	}
	for _, width := range []int64{375, 1280} { // a phone, then the desktop the search below runs on
		must("resize", chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)))
		for _, page := range []string{"/angebote?lang=de", "/?lang=de"} {
			skipLink(page)
		}
		walk("/angebote?lang=de&q=Beratung&phase=age_0_3")
		walk("/?lang=de")
	}

	must("open the search", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/angebote?lang=de")))
	tab()
	tab() // past the skip link, so Tab from the content must lead to the search field
	reached := false
	for range 40 {
		if active() == "input#f-q" {
			reached = true
			break
		}
		tab()
	}
	if !reached {
		t.Fatal("40 Tabs never reached the search field #f-q")
	}

	must("type the search", chromedp.Do(ctx, chromedp.KeyEvent("Beratung")))
	_, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r"))
	must("send the search with Enter", err)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	if !strings.Contains(loc, "q=Beratung") {
		t.Fatalf("Enter in the search field led to %s", loc)
	}

	// The number of results is read out by screen readers: it stands in a status or live region, and it is the
	// number the API counts for the same search.
	var api struct {
		Total int `json:"total"`
	}
	axeGetJSON(t, srv.URL+"/api/v1/offers?q=Beratung", &api)
	if api.Total == 0 {
		t.Fatal("the demo data has no offer for Beratung")
	}
	announced, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#ergebnisse [role=status], #ergebnisse [aria-live]')].map(e => e.textContent.replace(/\s+/g, ' ').trim())`))
	must("read the live regions", err)
	want := formatGerman(api.Total)
	if !slices.ContainsFunc(announced, func(s string) bool { return containsNumber(s, want) }) {
		t.Errorf("the live regions of the results say %q, want the count %s", announced, want)
	}

	// To the first result with Tab only, and open it with Enter.
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#ergebnisse .results a').getAttribute('href')`))
	must("read the first result", err)
	opened := false
	for range 200 {
		tab()
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute('href') || ''`))
		must("read the focused link", err)
		focusVisible("the results")
		if href == first {
			_, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r"))
			must("open the offer with Enter", err)
			opened = true
			break
		}
	}
	if !opened {
		t.Fatalf("200 Tabs never reached the first result %s", first)
	}
	loc, err = chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	if !strings.HasSuffix(loc, first) {
		t.Fatalf("Enter on the first result led to %s, want %s", loc, first)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(`h1`))
	must("read the offer's heading", err)
	if strings.TrimSpace(h1) == "" {
		t.Error("the offer page has an empty heading")
	}
}

// textDirection is the writing direction of a UI language.
func textDirection(lang string) string {
	if lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// withLang adds ?lang= to a page address.
func withLang(raw, lang string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}

// firstOfferHref finds an offer page through the public API, as a family would find one through the search.
func firstOfferHref(t *testing.T, base, text string) string {
	t.Helper()
	var res struct {
		Hits []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	axeGetJSON(t, base+"/api/v1/offers?q="+url.QueryEscape(text), &res)
	if len(res.Hits) == 0 || res.Hits[0].ID == "" {
		t.Fatalf("no offer found for %q", text)
	}
	return "/angebote/" + res.Hits[0].ID
}

// firstLink returns the first link on a page whose address starts with prefix.
func firstLink(t *testing.T, u, prefix string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(prefix) + `[^"?#]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("%s has no link to %s…", u, prefix)
	}
	return string(m[1])
}

func axeGetJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

// formatGerman writes n with the German thousands separator, as the pages do.
func formatGerman(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// containsNumber reports whether text has the number n as a whole number, not as a part of a longer one.
func containsNumber(text, n string) bool {
	return regexp.MustCompile(`(^|[^0-9.])` + regexp.QuoteMeta(n) + `($|[^0-9.])`).MatchString(text)
}
