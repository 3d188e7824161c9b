package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/cli"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/webtest"
)

const hannover = "03241001"

// demoSite is the demo data behind the real handler with all its middleware, and the database's DSN.
func demoSite(t *testing.T, d store.Dialect) (*httptest.Server, *store.Store, string) {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, d)
	s, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(server.Deps{Store: s, I18n: b, Log: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, s, dsn
}

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{Args: args, Getenv: func(string) string { return "" },
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Version: "test"})
	if code != 0 {
		t.Fatalf("kette %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	}
	return out.String()
}

// login signs in through the login form and returns the client.
func login(t *testing.T, base, email, password string) *webtest.Client {
	t.Helper()
	c := webtest.New(t, base)
	f := c.Get("/anmelden").Form(t, "/anmelden")
	f.Values.Set("email", email)
	f.Values.Set("password", password)
	p := c.Submit(f)
	if p.Status != 303 || p.Location != "/verwaltung" {
		t.Fatalf("login %s: %d %s\n%s", email, p.Status, p.Location, webtest.Excerpt(p.Body))
	}
	return c
}

var inviteLink = regexp.MustCompile(`http://[^<"\s]+/einladung/ki_[A-Za-z0-9_-]+`)

// invite sends the invitation form of a Kommune and returns the link shown once on the page.
func invite(t *testing.T, c *webtest.Client, email, role string, orgs ...string) string {
	t.Helper()
	page := c.Get("/verwaltung/kommunen/" + hannover + "/benutzer")
	if page.Status != 200 {
		t.Fatalf("users page: %d\n%s", page.Status, webtest.Excerpt(page.Body))
	}
	f := page.Form(t, "/verwaltung/kommunen/"+hannover+"/benutzer")
	f.Values.Set("email", email)
	f.Values.Set("role", role)
	f.Values["organization_ids"] = orgs
	p := c.Submit(f)
	link := inviteLink.FindString(p.Body)
	if p.Status != 200 || link == "" {
		t.Fatalf("invite %s: %d\n%s", email, p.Status, webtest.Excerpt(p.Body))
	}
	return link
}

// accept opens an invitation link as a new visitor and sets name and password; the visitor is then signed in.
func accept(t *testing.T, base, link, name, password string) *webtest.Client {
	t.Helper()
	c := webtest.New(t, base)
	page := c.Get(link)
	f := page.Form(t, "/einladung/"+link[strings.LastIndex(link, "/")+1:])
	f.Values.Set("display_name", name)
	f.Values.Set("password", password)
	f.Values.Set("password2", password)
	p := c.Submit(f)
	if p.Status != 303 || p.Location != "/verwaltung" {
		t.Fatalf("accept invitation: %d %s\n%s", p.Status, p.Location, webtest.Excerpt(p.Body))
	}
	return c
}

func TestAdministratorInvitesCoordinatorWhoInvitesEditorWhoseChangeIsApprovedAndPublished(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv, s, dsn := demoSite(t, d)
			runCLI(t, "user", "add", "--db", dsn, "--email", "land@niedersachsen.example", "--role", "land_admin",
				"--land", "03", "--name", "Landesjugendamt", "--password", "Landes-Passwort-1")
			admin := login(t, srv.URL, "land@niedersachsen.example", "Landes-Passwort-1")

			link := invite(t, admin, "koordination@hannover.example", "kommune_coordinator")
			coord := accept(t, srv.URL, link, "Kim Koordination", "Koordinations-Passwort")

			k, err := s.GetKommuneByAGS(ctx, tenant.System(), hannover)
			if err != nil {
				t.Fatal(err)
			}
			offers, _, err := s.ListOffers(ctx, tenant.Public(), store.OfferFilter{KommuneID: k.ID, Limit: 1})
			if err != nil || len(offers) == 0 {
				t.Fatalf("demo offers of Hannover: %v", err)
			}
			offer := offers[0]
			link = invite(t, coord, "redaktion@traeger.example", "provider_editor", offer.OrganizationID.String())
			editor := accept(t, srv.URL, link, "Eda Redaktion", "Redaktions-Passwort")

			// The editor changes the offer's name through the form the page offers.
			form := editor.Get("/verwaltung/angebote/"+offer.ID.String()).Form(t, "/verwaltung/angebote/"+offer.ID.String())
			newName := offer.Name + " – jetzt auch samstags"
			form.Values.Set("name", newName)
			form.Values.Set("action", "submit")
			p := editor.Submit(form)
			if p.Status != 303 || !strings.HasPrefix(p.Location, "/verwaltung/freigaben/") {
				t.Fatalf("editor saves: %d %s\n%s", p.Status, p.Location, webtest.Excerpt(p.Body))
			}
			changeURL := strings.TrimSuffix(p.Location, "?eingereicht")
			if body := webtest.New(t, srv.URL).Get("/angebote/" + offer.ID.String()).Body; strings.Contains(body, newName) {
				t.Fatal("the change is public before approval")
			}

			// The coordinator sees it waiting, compares and approves.
			list := coord.Get("/verwaltung/kommunen/" + hannover + "/freigaben")
			if !strings.Contains(list.Body, changeURL) {
				t.Fatalf("waiting list lacks the request:\n%s", webtest.Excerpt(list.Body))
			}
			review := coord.Get(changeURL)
			if !strings.Contains(review.Body, "diff__changed") || !strings.Contains(review.Body, newName) {
				t.Fatalf("review page shows no diff:\n%s", webtest.Excerpt(review.Body))
			}
			p = coord.Submit(review.Form(t, "/freigeben"))
			if p.Status != 303 {
				t.Fatalf("approve: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}
			public := webtest.New(t, srv.URL).Get("/angebote/" + offer.ID.String())
			if public.Status != 200 || !strings.Contains(public.Body, newName) {
				t.Fatalf("public page after approval lacks the new name: %d", public.Status)
			}

			// The audit log has the three steps: invitations, the editor's request, the coordinator's approval.
			entries, err := s.ListAudit(ctx, tenant.System(), audit.Filter{KommuneID: k.ID, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			steps := map[string]bool{}
			for _, e := range entries {
				steps[e.Entity+" "+string(e.Action)] = true
			}
			for _, want := range []string{"invitation create", "change_request create", "change_request update", "offer update"} {
				if !steps[want] {
					t.Errorf("audit log lacks %q: %v", want, steps)
				}
			}
			logPage := coord.Get("/verwaltung/kommunen/" + hannover + "/protokoll?art=change_request")
			for _, want := range []string{"Eda Redaktion", "Kim Koordination", "freigegeben", "wartet auf Freigabe"} {
				if !strings.Contains(logPage.Body, want) {
					t.Errorf("audit page lacks %q", want)
				}
			}
		})
	}
}

func TestFormsWithoutTheirTokenOrFromAnotherSiteAreRefused(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv, _, dsn := demoSite(t, d)
			runCLI(t, "user", "add", "--db", dsn, "--email", "k@hannover.example", "--role", "kommune_coordinator",
				"--kommune", hannover, "--password", "Koordinations-Passwort")
			c := login(t, srv.URL, "k@hannover.example", "Koordinations-Passwort")
			f := c.Get("/verwaltung/kommunen/"+hannover+"/benutzer").Form(t, "/benutzer")
			f.Values.Set("email", "neu@hannover.example")
			f.Values.Set("role", "reviewer")
			without := url.Values{}
			for k, v := range f.Values {
				if k != "csrf" {
					without[k] = v
				}
			}
			if p := c.Post(f.Action, without); p.Status != 403 || !strings.Contains(p.Body, "Formular ist abgelaufen") {
				t.Fatalf("POST without token: %d", p.Status)
			}
			wrong := url.Values{}
			for k, v := range without {
				wrong[k] = v
			}
			wrong.Set("csrf", "falsch")
			if p := c.Post(f.Action, wrong); p.Status != 403 {
				t.Fatalf("POST with a wrong token: %d", p.Status)
			}
			req := httptest.NewRequest("POST", srv.URL+f.Action, strings.NewReader(f.Values.Encode()))
			req.RequestURI = ""
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if p := c.Do(req); p.Status != 403 {
				t.Fatalf("cross-site POST with the right token: %d", p.Status)
			}
			if p := c.Submit(f); p.Status != 200 {
				t.Fatalf("the form as the page sends it: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}
		})
	}
}

func TestSessionCookieIsHttpOnlyAndSameSiteAndLogoutEndsTheSession(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv, _, dsn := demoSite(t, d)
			runCLI(t, "user", "add", "--db", dsn, "--email", "k@hannover.example", "--role", "kommune_coordinator",
				"--kommune", hannover, "--password", "Koordinations-Passwort")
			c := webtest.New(t, srv.URL)
			f := c.Get("/anmelden").Form(t, "/anmelden")
			f.Values.Set("email", "k@hannover.example")
			f.Values.Set("password", "Koordinations-Passwort")
			p := c.Submit(f)
			cookie := p.Header.Get("Set-Cookie")
			for _, want := range []string{"kette_session=ks_", "HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(cookie, want) {
					t.Errorf("session cookie %q lacks %s", cookie, want)
				}
			}
			home := c.Get("/verwaltung")
			if home.Status != 200 || home.Header.Get("Cache-Control") != "private, no-store" {
				t.Fatalf("admin home: %d cache %q", home.Status, home.Header.Get("Cache-Control"))
			}
			out := c.Submit(home.Form(t, "/abmelden"))
			if out.Status != 303 {
				t.Fatalf("logout: %d", out.Status)
			}
			// The old cookie no longer opens anything, even when replayed.
			replay := webtest.New(t, srv.URL)
			req := httptest.NewRequest("GET", srv.URL+"/verwaltung", nil)
			req.RequestURI = ""
			req.Header.Set("Cookie", strings.SplitN(cookie, ";", 2)[0])
			if p := replay.Do(req); p.Status != 303 || !strings.HasPrefix(p.Location, "/anmelden") {
				t.Fatalf("replayed cookie after logout: %d %s", p.Status, p.Location)
			}
		})
	}
}

func TestWrongPasswordTenTimesThrottlesTheAccountAndIsLogged(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv, s, dsn := demoSite(t, d)
			runCLI(t, "user", "add", "--db", dsn, "--email", "k@hannover.example", "--role", "kommune_coordinator",
				"--kommune", hannover, "--password", "Koordinations-Passwort")
			c := webtest.New(t, srv.URL)
			try := func(password string) webtest.Page {
				return c.Post("/anmelden", url.Values{"email": {"k@hannover.example"}, "password": {password}})
			}
			for i := range 10 {
				if p := try("falsch-falsch"); p.Status != 401 || !strings.Contains(p.Body, "E-Mail-Adresse oder Passwort ist falsch") {
					t.Fatalf("wrong password %d: %d", i+1, p.Status)
				}
			}
			if p := try("Koordinations-Passwort"); p.Status != 429 || !strings.Contains(p.Body, "Zu viele Anmeldeversuche") {
				t.Fatalf("right password while throttled: %d", p.Status)
			}
			attempts, err := s.LoginAttempts(ctx, "k@hannover.example", 20)
			if err != nil {
				t.Fatal(err)
			}
			if len(attempts) != 11 || !attempts[0].Throttled {
				t.Fatalf("attempts logged: %d, newest throttled %v", len(attempts), len(attempts) > 0 && attempts[0].Throttled)
			}
		})
	}
}
