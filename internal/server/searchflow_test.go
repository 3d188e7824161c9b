package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestChromiumFamilySearchesFiltersAndOpensAnOffer is a parent on a phone: types a word, ticks a life phase
// and free of charge, sends the form, and opens the first result – the counts on the way are the API's.
func TestChromiumFamilySearchesFiltersAndOpensAnOffer(t *testing.T) {
	exe := chromium(t)
	srv, _ := axeSite(t)
	ctx, cancel := context.WithTimeout(axeBrowser(t, exe, 375, 812), 2*time.Minute)
	defer cancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	apiTotal := func(query string) int {
		t.Helper()
		var r struct {
			Total int `json:"total"`
		}
		axeGetJSON(t, srv.URL+"/api/v1/offers?"+query, &r)
		return r.Total
	}
	shownTotal := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`[...document.querySelectorAll('#ergebnisse [role=status]')].map(e => e.textContent).join(' ').replace(/\s+/g, ' ')`))
		must("read the count", err)
		return s
	}

	must("open the search", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/angebote?lang=de")))
	must("type a word", chromedp.Do(ctx, chromedp.SendKeys(`#f-q`, "Beratung")))
	_, err := chromedp.RunResponse(ctx, chromedp.Click(`.search__form button[type=submit]`))
	must("search", err)
	all := apiTotal("q=Beratung")
	if all == 0 || !containsNumber(shownTotal(), formatGerman(all)) {
		t.Fatalf("after searching Beratung the page says %q, the API counts %d", shownTotal(), all)
	}

	must("tick 0–3 years", chromedp.Do(ctx, chromedp.Click(`input[name=phase][value=age_0_3]`)))
	must("tick free of charge", chromedp.Do(ctx, chromedp.Click(`input[name=free]`)))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`.search__form button[type=submit]`))
	must("filter", err)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	u, err := url.Parse(loc)
	must("parse "+loc, err)
	if q := u.Query(); q.Get("q") != "Beratung" || q.Get("phase") != "age_0_3" || q.Get("free") != "1" {
		t.Fatalf("the filtered search is not in the address (bookmarkable): %s", loc)
	}
	filtered := apiTotal("q=Beratung&phase=age_0_3&free=1")
	if filtered == 0 || filtered >= all || !containsNumber(shownTotal(), formatGerman(filtered)) {
		t.Fatalf("filtered: the page says %q, the API counts %d of %d", shownTotal(), filtered, all)
	}
	ticked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name=phase][value=age_0_3]').checked`))
	must("read the box", err)
	if !ticked {
		t.Error("the ticked phase is not ticked on the results page")
	}

	name, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#ergebnisse .results a').textContent.trim()`))
	must("read the first result", err)
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`#ergebnisse .results a`))
	must("open the first result", err)
	h1, err := chromedp.Run(ctx, chromedp.Text(`h1`))
	must("read the heading", err)
	if strings.TrimSpace(h1) != name {
		t.Fatalf("the offer page is headed %q, the result was %q", h1, name)
	}
}
