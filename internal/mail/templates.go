package mail

import (
	"context"
	"strings"

	"github.com/kette-org/kette/internal/i18n"
)

// Templates renders Kette's e-mails from the catalogue and sends them. A mail "x" has the message ids
// mail.x.subject and mail.x.body (a go-i18n template over the data); every body ends with mail.signature.
type Templates struct {
	Sender Sender
	I18n   *i18n.Bundle
}

// Compose renders the mail id in lang (German when the language lacks it) for the recipients.
func (t *Templates) Compose(lang, id string, data map[string]any, to ...string) Message {
	l := t.I18n.For(lang)
	body := strings.TrimRight(l.T("mail."+id+".body", data), "\n") + "\n\n" + l.T("mail.signature") + "\n"
	return Message{To: to, Subject: l.T("mail."+id+".subject", data), Body: body}
}

// Send renders and sends the mail id.
func (t *Templates) Send(ctx context.Context, lang, id string, data map[string]any, to ...string) error {
	return t.Sender.Send(ctx, t.Compose(lang, id, data, to...))
}

// Invitation sends "Einladung zu Kette" with the link that creates the account; inviter is who invited.
func (t *Templates) Invitation(ctx context.Context, to, lang, link, inviter string) error {
	return t.Send(ctx, lang, "invitation", map[string]any{"Link": link, "Inviter": inviter, "Email": to}, to)
}

// PasswordReset sends "Passwort zurücksetzen" with the link that sets a new password.
func (t *Templates) PasswordReset(ctx context.Context, to, lang, link string) error {
	return t.Send(ctx, lang, "password_reset", map[string]any{"Link": link, "Email": to}, to)
}
