package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/mail"
	"github.com/kette-org/kette/internal/mail/mailtest"
	"github.com/kette-org/kette/internal/web"
)

var ctx = context.Background()

func bundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAMailArrivesOverEveryTLSMode(t *testing.T) {
	for _, mode := range []mail.TLSMode{mail.TLSNone, mail.TLSStartTLS, mail.TLSImplicit} {
		t.Run(string(mode), func(t *testing.T) {
			srv := mailtest.Start(t, mode)
			m := mail.Message{To: []string{"koordination@hannover.example"}, Subject: "Grüße aus Kette",
				Body: "Schöne Grüße – äöüß.\nZweite Zeile."}
			if err := srv.Sender(t).Send(ctx, m); err != nil {
				t.Fatal(err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("%d messages arrived, want 1", len(got))
			}
			r := got[0]
			if strings.Join(r.To, ",") != "koordination@hannover.example" || r.From != "kette@kommune.example" {
				t.Errorf("envelope from %q to %v", r.From, r.To)
			}
			if r.Subject != m.Subject || !strings.Contains(r.Body, m.Body) || r.User != srv.Username {
				t.Errorf("arrived subject %q body %q user %q", r.Subject, r.Body, r.User)
			}
		})
	}
}

func TestAWrongPasswordIsRefusedByTheServer(t *testing.T) {
	srv := mailtest.Start(t, mail.TLSStartTLS)
	cfg := srv.Config()
	cfg.Password = "falsch"
	snd, err := mail.NewSMTP(cfg, srv.ClientTLS)
	if err != nil {
		t.Fatal(err)
	}
	err = snd.Send(ctx, mail.Message{To: []string{"a@example.org"}, Subject: "x", Body: "y"})
	if !errs.Is(err, errs.Unavailable) || strings.Contains(err.Error(), "falsch") {
		t.Fatalf("send with a wrong password: %v, want unavailable without the password", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages arrived", n)
	}
}

func TestStartTLSRefusesAServerItDoesNotTrust(t *testing.T) {
	srv := mailtest.Start(t, mail.TLSStartTLS)
	snd, err := mail.NewSMTP(srv.Config(), nil) // the system roots do not know the test certificate
	if err != nil {
		t.Fatal(err)
	}
	if err := snd.Send(ctx, mail.Message{To: []string{"a@example.org"}, Subject: "x", Body: "y"}); err == nil {
		t.Fatal("sent to an untrusted server")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages arrived", n)
	}
}

func TestConfigNamesTheWrongSetting(t *testing.T) {
	err := mail.Config{Host: "", From: "kein-absender", TLS: "ssl3", Port: 70000}.Validate()
	e := errs.As(err)
	got := map[string]string{}
	for _, f := range e.Fields {
		got[f.Field] = f.Message
	}
	want := map[string]string{"smtp_host": "validation.required", "smtp_from": "mail.validation.from",
		"smtp_tls": "mail.validation.tls", "smtp_port": "mail.validation.port"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestInvitationAndPasswordResetArriveInGermanWithTheirLinks(t *testing.T) {
	srv := mailtest.Start(t, mail.TLSStartTLS)
	tm := &mail.Templates{Sender: srv.Sender(t), I18n: bundle(t)}
	invite := "https://kette.example/einladung/abc123"
	if err := tm.Invitation(ctx, "neu@fz.example", "de", invite, "Koordination Hannover"); err != nil {
		t.Fatal(err)
	}
	reset := "https://kette.example/passwort-neu/xyz789"
	if err := tm.PasswordReset(ctx, "alt@fz.example", "de", reset); err != nil {
		t.Fatal(err)
	}
	inv := srv.To("neu@fz.example")
	if len(inv) != 1 || inv[0].Subject != "Einladung zu Kette" || !strings.Contains(inv[0].Body, invite) ||
		!strings.Contains(inv[0].Body, "Koordination Hannover lädt Sie ein") {
		t.Fatalf("invitation: %+v", inv)
	}
	rs := srv.To("alt@fz.example")
	if len(rs) != 1 || rs[0].Subject != "Passwort zurücksetzen" || !strings.Contains(rs[0].Body, reset) {
		t.Fatalf("password reset: %+v", rs)
	}
	if ct := rs[0].Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("content type %q, want plain UTF-8 text", ct)
	}
	if err := tm.PasswordReset(ctx, "alt@fz.example", "en", reset); err != nil {
		t.Fatal(err)
	}
	if en := srv.To("alt@fz.example"); len(en) != 2 || en[1].Subject != "Reset your password" {
		t.Fatalf("English reset: %+v", en)
	}
}

func TestEveryMailHasItsTextsInBothLanguages(t *testing.T) {
	b := bundle(t)
	for _, lang := range []string{"de", "en"} {
		for _, id := range []string{"invitation", "password_reset", "freshness_reminder", "freshness_hidden"} {
			for _, part := range []string{"subject", "body"} {
				if !b.Has(lang, "mail."+id+"."+part) {
					t.Errorf("%s: mail.%s.%s missing", lang, id, part)
				}
			}
		}
	}
}

// The account pages of package web send through Templates.
var _ web.Mailer = (*mail.Templates)(nil)
