package server_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
)

// TestChromiumSearchesNearTheBrowsersLocation is the family that allows the phone's location: the button exists
// only with JavaScript, and one tap searches around the position the browser reports.
func TestChromiumSearchesNearTheBrowsersLocation(t *testing.T) {
	exe := chromium(t)
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

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Headless, chromedp.WindowSize(375, 812))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browserCtx, 60*time.Second)
	defer cancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// Hannover, Kröpcke.
	lat, lon, acc := 52.3745, 9.7386, 20.0
	_, err = chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: srv.URL})
	must("grant geolocation", err)
	_, err = chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &acc})
	must("set the position", err)

	must("open the search", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/angebote?lang=de")))
	label, err := chromedp.Run(ctx, chromedp.Text(`button.locate`))
	must("find the location button", err)
	if label != "Meinen Standort verwenden" {
		t.Fatalf("button label %q", label)
	}
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`button.locate`))
	must("tap the button", err)
	u, err := chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	if !strings.Contains(u, "lat=52.3745") || !strings.Contains(u, "lon=9.7386") {
		t.Fatalf("the search did not use the position: %s", u)
	}
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('.results li') || {}).textContent || ''`))
	must("read the first hit", err)
	if !strings.Contains(first, "km") {
		t.Errorf("the first hit shows no distance: %q", first)
	}
}
