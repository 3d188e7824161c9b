package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// bigIndicatorFile is a CSV of lines data lines: one SGB-II-Quote per Sozialraum and day, days counted from 1990.
func bigIndicatorFile(keys []string, lines int) []byte {
	var b strings.Builder
	b.WriteString("Sozialraum;Stichtag;SGB-II-Quote u15\n")
	day := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < lines; i++ {
		if i > 0 && i%len(keys) == 0 {
			day = day.AddDate(0, 0, 1)
		}
		fmt.Fprintf(&b, "%s;%s;%d,%d\n", keys[i%len(keys)], day.Format("02.01.2006"), 5+i%30, i%10)
	}
	return []byte(b.String())
}

// A large upload shows its progress before its preview: the parse is held at its first progress report (as a
// slow file would hold it), and the waiting page at that moment has the progress bar with its text and
// refreshes itself; once the parse goes on, the same page becomes the preview of all 50,000 values.
func TestLargeUploadShowsProgressBeforeThePreview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.Load(ctx, st, nil); err != nil {
			t.Fatal(err)
		}
		sys := tenant.System()
		k, err := st.GetKommuneByAGS(ctx, sys, demo.GapHealthKommuneAGS)
		if err != nil {
			t.Fatal(err)
		}
		areas, err := st.ListAreas(ctx, sys, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		u := auth.User{Email: "gross@hannover.example", DisplayName: "Koordination", Role: auth.KommuneCoordinator, KommuneID: k.ID}
		if err := st.CreateUser(ctx, sys, audit.System("test"), &u, ""); err != nil {
			t.Fatal(err)
		}
		bundle, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		s, err := newServer(Deps{Store: st, I18n: bundle, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		// Hold the parse at its first report until the test has looked at the page.
		reached, release := make(chan indicator.Progress, 1), make(chan struct{})
		var once, closeOnce sync.Once
		s.imports.pause = func(p indicator.Progress) {
			once.Do(func() {
				reached <- p
				<-release
			})
		}
		t.Cleanup(func() { closeOnce.Do(func() { close(release) }) })
		pages := &Pages{Handler: withCookieWriter(s.withPortal(s.routes())), s: s}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pages.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: u, Via: "session", CSRF: "x"})))
		}))
		t.Cleanup(srv.Close)
		imp := srv.URL + "/verwaltung/kommunen/" + k.AGS + "/indikatoren/import"

		keys := make([]string, len(areas))
		for i, a := range areas {
			keys[i] = a.Key
		}
		const lines = 50000
		data := bigIndicatorFile(keys, lines)
		var body strings.Builder
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("datei", "gross.csv")
		_, _ = fw.Write(data)
		_ = w.Close()
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Post(imp, w.FormDataContentType(), strings.NewReader(body.String()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", resp.StatusCode)
		}

		held := <-reached
		if held.Rows == 0 || held.Read <= 0 || held.Read >= held.Total {
			t.Fatalf("first report: %+v, want some but not all of the file", held)
		}
		page := fetchPage(t, imp)
		percent := int(float64(held.Read) * 100 / float64(held.Total))
		for _, want := range []string{
			`<meta http-equiv="refresh" content="2">`,
			`<progress id="fortschritt" max="100" value="` + strconv.Itoa(percent) + `"`,
			fmt.Sprintf("%d Zeilen gelesen, %d %% der Datei", held.Rows, percent),
			"gross.csv",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("waiting page: %q missing\n%s", want, page)
			}
		}
		if strings.Contains(page, "/uebernehmen") || strings.Contains(page, `type="file"`) {
			t.Error("the waiting page offers a button or a new upload while the file is read")
		}
		// Whom a reload interrupts (a screen reader starts over) can stop it and reload by hand.
		if !strings.Contains(page, `href="/verwaltung/kommunen/`+k.AGS+`/indikatoren/import?aktualisieren=aus"`) {
			t.Error("the waiting page has no link to stop the refresh")
		}
		paused := fetchPage(t, imp+"?aktualisieren=aus")
		if strings.Contains(paused, "http-equiv") || !strings.Contains(paused, "<progress") ||
			!strings.Contains(paused, fmt.Sprintf("%d Zeilen gelesen", held.Rows)) || !strings.Contains(paused, "Automatisch aktualisieren") {
			t.Errorf("the paused waiting page:\n%s", paused)
		}

		closeOnce.Do(func() { close(release) })
		deadline := time.Now().Add(2 * time.Minute)
		for strings.Contains(page, "http-equiv=\"refresh\"") {
			if time.Now().After(deadline) {
				t.Fatal("no preview within two minutes")
			}
			time.Sleep(50 * time.Millisecond)
			page = fetchPage(t, imp)
		}
		counts := regexp.MustCompile(`([0-9.]+) neue, 0 geänderte und 0 unveränderte Werte`).FindStringSubmatch(page)
		if counts == nil || strings.ReplaceAll(counts[1], ".", "") != strconv.Itoa(lines) {
			t.Fatalf("preview: %v\n%s", counts, page)
		}
		if !strings.Contains(page, "/uebernehmen") {
			t.Error("the preview has no „Übernehmen“")
		}
	})
}

func fetchPage(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", url, resp.StatusCode, b)
	}
	return string(b)
}
