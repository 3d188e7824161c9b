// Package mail sends Kette's e-mails: plain-text German-first messages rendered from the i18n catalogue
// (locales/mail.<lang>.json) and delivered over SMTP. github.com/wneessen/go-mail does the SMTP part (STARTTLS,
// implicit TLS, authentication, MIME and header encoding of umlauts), which net/smtp leaves to the caller.
// Code that sends mail depends on the Sender interface, so tests and deployments without a mail server can
// pass something else.
package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/kette-org/kette/internal/errs"
)

// TLSMode is how the connection to the SMTP server is secured.
type TLSMode string

const (
	TLSNone     TLSMode = "none"     // plain SMTP, e.g. a relay on the same host
	TLSStartTLS TLSMode = "starttls" // upgrade with STARTTLS; refused when the server does not offer it
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (SMTPS, usually port 465)
)

// Config is the SMTP server Kette sends through.
type Config struct {
	Host     string
	Port     int // 0: 25 for none, 587 for starttls, 465 for tls
	Username string
	Password string
	From     string // sender address, e.g. "Kette <kette@kommune.example>"
	TLS      TLSMode
	Timeout  time.Duration // per connection; 0: 30 seconds
}

// Enabled reports whether a server is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// Validate checks the settings, naming the field that is wrong.
func (c Config) Validate() error {
	var v errs.Validation
	if c.Host == "" {
		v.Add("smtp_host", "validation.required", nil)
	}
	if c.Port < 0 || c.Port > 65535 {
		v.Add("smtp_port", "mail.validation.port", map[string]any{"Value": c.Port})
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		v.Add("smtp_from", "mail.validation.from", map[string]any{"Value": c.From})
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit, "":
	default:
		v.Add("smtp_tls", "mail.validation.tls", map[string]any{"Value": string(c.TLS)})
	}
	return v.Err()
}

// Message is one plain-text e-mail.
type Message struct {
	To      []string
	Subject string
	Body    string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP is a Sender that delivers through an SMTP server, one connection per message: Kette sends few mails,
// and a fresh connection never fails on a connection the server has long closed.
type SMTP struct {
	cfg       Config
	tlsConfig *tls.Config
}

// NewSMTP checks cfg and returns its Sender. tlsConfig may be nil (the system's roots verify the server);
// tests pass one trusting their own server's certificate.
func NewSMTP(cfg Config, tlsConfig *tls.Config) (*SMTP, error) {
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg, tlsConfig: tlsConfig}, nil
}

// Send delivers m. Errors carry no password; they name the server.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if len(m.To) == 0 {
		return errs.E(errs.Invalid, "mail.error.no_recipient")
	}
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return errs.Wrap(err, "mail from")
	}
	if err := msg.To(m.To...); err != nil {
		return &errs.Error{Code: errs.Invalid, Message: "mail.error.recipient", Err: err}
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	c, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return errs.Wrap(err, "mail client")
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return &errs.Error{Code: errs.Unavailable, Message: "mail.error.send",
			Err: fmt.Errorf("send mail via %s:%d: %w", s.cfg.Host, s.port(), err)}
	}
	return nil
}

func (s *SMTP) port() int {
	if s.cfg.Port != 0 {
		return s.cfg.Port
	}
	switch s.cfg.TLS {
	case TLSNone:
		return 25
	case TLSImplicit:
		return 465
	}
	return 587
}

func (s *SMTP) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.port()), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.tlsConfig != nil {
		tc := s.tlsConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = s.cfg.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if s.cfg.Username != "" {
		// PLAIN is refused over an unencrypted connection except to localhost, so a password never crosses
		// the network in the clear.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// Discard is a Sender that sends nothing, for deployments without a mail server.
type Discard struct{}

// Send drops m.
func (Discard) Send(context.Context, Message) error { return nil }
