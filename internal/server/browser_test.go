package server_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// chromium finds a Chromium or Chrome. Without one the test is skipped on a workstation, but fails in CI.
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
	t.Skip("no Chromium found; install it to run the browser test")
	return ""
}

// TestChromiumEditorChangesAnOfferAndCoordinatorApprovesIt is the Freigabe in a real browser without any
// JavaScript of ours: the provider editor signs in, edits an offer and submits it; the coordinator signs in,
// compares and approves; the public page shows the change.
func TestChromiumEditorChangesAnOfferAndCoordinatorApprovesIt(t *testing.T) {
	exe := chromium(t)
	srv, s, _ := demoSite(t, store.SQLite)
	bg := context.Background()
	if _, err := demo.Accounts(bg, s, auth.DefaultParams()); err != nil {
		t.Fatal(err)
	}
	editor, err := s.GetUserByEmail(bg, tenant.System(), "redaktion@demo.kette.example")
	if err != nil {
		t.Fatal(err)
	}
	offers, _, err := s.ListOffers(bg, editor.Scope(), store.OfferFilter{OrganizationID: editor.OrganizationIDs[0], Limit: 1})
	if err != nil || len(offers) == 0 {
		t.Fatalf("an offer of the editor's organization: %v", err)
	}
	offer := offers[0]

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Headless, chromedp.WindowSize(1024, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(bg, opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browserCtx, 120*time.Second)
	defer cancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	location := func() string {
		t.Helper()
		u, err := chromedp.Run(ctx, chromedp.Location())
		must("location", err)
		return u
	}
	signIn := func(email string) {
		t.Helper()
		must("open login", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/anmelden?lang=de")))
		must("type e-mail", chromedp.Do(ctx, chromedp.SendKeys(`#f-email`, email)))
		must("type password", chromedp.Do(ctx, chromedp.SendKeys(`#f-password`, demo.Password)))
		_, err := chromedp.RunResponse(ctx, chromedp.Click(`form[action="/anmelden"] button[type=submit]`))
		must("submit login", err)
		if !strings.HasSuffix(location(), "/verwaltung") {
			t.Fatalf("after login %s is at %s", email, location())
		}
	}
	signOut := func() {
		t.Helper()
		_, err := chromedp.RunResponse(ctx, chromedp.Click(`form[action="/abmelden"] button`))
		must("sign out", err)
	}

	signIn("redaktion@demo.kette.example")
	must("open the offer editor", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/verwaltung/angebote/"+offer.ID.String())))
	newName := offer.Name + " (im Browser geändert)"
	must("change the name", chromedp.Do(ctx, chromedp.SetValue(`#f-name`, newName)))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`button[name=action][value=submit]`))
	must("submit for approval", err)
	changeURL := location()
	if !strings.Contains(changeURL, "/verwaltung/freigaben/") {
		t.Fatalf("after submitting the editor is at %s", changeURL)
	}
	status, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('[role=status]') || {}).textContent || ''`))
	must("read the notice", err)
	if !strings.Contains(status, "eingereicht") {
		t.Errorf("notice after submitting: %q", status)
	}
	signOut()

	signIn("koordination@demo.kette.example")
	must("open the request", chromedp.Do(ctx, chromedp.Navigate(strings.Split(changeURL, "?")[0])))
	changed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr.diff__changed').length`))
	must("count changed rows", err)
	if changed != 1 {
		t.Errorf("%d changed rows in the comparison, want 1 (the name)", changed)
	}
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`form[action$="/freigeben"] button`))
	must("approve", err)
	if !strings.Contains(location(), "/freigaben") {
		t.Fatalf("after approving the coordinator is at %s", location())
	}
	signOut()

	must("open the public offer", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/angebote/"+offer.ID.String())))
	h1, err := chromedp.Run(ctx, chromedp.Text(`h1`))
	must("read the heading", err)
	if h1 != newName {
		t.Fatalf("public heading %q, want %q", h1, newName)
	}
}
