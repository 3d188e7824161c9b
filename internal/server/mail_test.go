package server_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	kmail "github.com/kette-org/kette/internal/mail"
	"github.com/kette-org/kette/internal/mail/mailtest"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/webtest"
)

var mailedLink = regexp.MustCompile(`http://\S+/(einladung|passwort-neu)/\S+`)

// TestInvitationAndPasswordResetArriveByMailAndTheirLinksWork sends through a real SMTP server started in the
// test: the invited person uses the mailed link, forgets the password, and sets a new one with the second link.
func TestInvitationAndPasswordResetArriveByMailAndTheirLinksWork(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			smtp := mailtest.Start(t, kmail.TLSStartTLS)
			dsn := storetest.DSN(t, d)
			s, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := demo.Load(ctx, s, nil); err != nil {
				t.Fatal(err)
			}
			b, err := i18n.New()
			if err != nil {
				t.Fatal(err)
			}
			h, err := server.Handler(server.Deps{Store: s, I18n: b, Log: slog.New(slog.DiscardHandler), Version: "test",
				Mail: &kmail.Templates{Sender: smtp.Sender(t), I18n: b}})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)

			runCLI(t, "user", "add", "--db", dsn, "--email", "k@hannover.example", "--role", "kommune_coordinator",
				"--kommune", hannover, "--password", "Koordinations-Passwort")
			coord := login(t, srv.URL, "k@hannover.example", "Koordinations-Passwort")
			invite(t, coord, "neu@hannover.example", "reviewer")
			got := smtp.To("neu@hannover.example")
			if len(got) != 1 || !strings.Contains(got[0].Subject, "Einladung") {
				t.Fatalf("invitation mails: %+v", got)
			}
			link := mailedLink.FindString(got[0].Body)
			if !strings.Contains(link, "/einladung/") {
				t.Fatalf("no link in the invitation:\n%s", got[0].Body)
			}
			accept(t, srv.URL, link, "Nele Neu", "Erstes-Passwort-1")

			visitor := webtest.New(t, srv.URL)
			f := visitor.Get("/passwort-vergessen").Form(t, "/passwort-vergessen")
			f.Values.Set("email", "neu@hannover.example")
			if p := visitor.Submit(f); p.Status != 200 || !strings.Contains(p.Body, "unterwegs") {
				t.Fatalf("forgot password: %d", p.Status)
			}
			// An unknown address gets the same answer and no mail.
			if p := visitor.Post("/passwort-vergessen", url.Values{"email": {"niemand@hannover.example"}}); p.Status != 200 ||
				!strings.Contains(p.Body, "unterwegs") || len(smtp.To("niemand@hannover.example")) != 0 {
				t.Fatalf("unknown address: %d", p.Status)
			}
			got = smtp.To("neu@hannover.example")
			if len(got) != 2 || !strings.Contains(got[1].Subject, "Passwort") {
				t.Fatalf("reset mails: %+v", got)
			}
			reset := mailedLink.FindString(got[1].Body)
			rf := visitor.Get(reset).Form(t, reset[strings.Index(reset, "/passwort-neu/"):])
			rf.Values.Set("password", "Zweites-Passwort-2")
			rf.Values.Set("password2", "Zweites-Passwort-2")
			if p := visitor.Submit(rf); p.Status != 303 {
				t.Fatalf("new password: %d\n%s", p.Status, webtest.Excerpt(p.Body))
			}
			login(t, srv.URL, "neu@hannover.example", "Zweites-Passwort-2")
			if p := visitor.Get(reset); p.Status != 404 {
				t.Fatalf("the reset link works twice: %d", p.Status)
			}
		})
	}
}
