package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
)

// Mailer sends the e-mails of the account pages; without one, links are only logged (development).
type Mailer interface {
	Invitation(ctx context.Context, to, lang, link, inviter string) error
	PasswordReset(ctx context.Context, to, lang, link string) error
}

// sessionRoutes registers login, logout, invitations and password resets.
func (s *server) sessionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /anmelden", s.page(s.loginForm))
	mux.HandleFunc("POST /anmelden", s.page(s.login))
	mux.HandleFunc("POST /abmelden", s.logout)
	mux.HandleFunc("GET /einladung/{token}", s.page(s.invitationForm))
	mux.HandleFunc("POST /einladung/{token}", s.page(s.acceptInvitation))
	mux.HandleFunc("GET /passwort-vergessen", s.page(s.forgotForm))
	mux.HandleFunc("POST /passwort-vergessen", s.page(s.forgot))
	mux.HandleFunc("GET /passwort-neu/{token}", s.page(s.resetForm))
	mux.HandleFunc("POST /passwort-neu/{token}", s.page(s.reset))
}

// form is the state of a form page: the values sent back and the messages per field and overall.
type form struct {
	base
	Values  map[string]string
	Errors  map[string]string
	Message string   // an error about the whole form
	Summary []string // every field message with its label, listed above the form
	Notice  string   // a success message
	Next    string
	Token   string
	SSO     bool // the login offers single sign-on
}

func (s *server) newForm(r *http.Request, lang, titleID string) form {
	return form{base: s.newBase(r, lang, s.i18n.For(lang).T(titleID)), Values: map[string]string{}, Errors: map[string]string{}}
}

// refuse puts err into the form: field errors beside their fields, anything else as the form's message.
// Internal errors are not shown but returned, so the error page (and the log) take them.
func (s *server) refuse(f *form, lang string, err error) (any, error) {
	code := errs.CodeOf(err)
	if code == errs.Internal || code == errs.Unavailable {
		return nil, err
	}
	l := s.i18n.For(lang)
	e := errs.As(err)
	if code == errs.Invalid && len(e.Fields) > 0 {
		for _, fe := range e.Fields {
			if _, dup := f.Errors[fe.Field]; !dup {
				f.Errors[fe.Field] = l.T(fe.Message, fe.Data)
			}
			f.Summary = append(f.Summary, l.FieldMessage(fe))
		}
		f.Message = l.T("form.check_fields", map[string]any{"Count": len(e.Fields)})
	} else {
		f.Message = l.ErrorMessage(err)
	}
	return withStatus{status: errs.HTTPStatus(code), data: *f}, nil
}

// safeNext keeps a redirect target on this site: a local absolute path, never "//host" or a URL.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}

func (s *server) loginForm(r *http.Request, lang string) (string, any, error) {
	f := s.newForm(r, lang, "login.title")
	f.SSO = s.oidc != nil
	f.Next = safeNext(r.URL.Query().Get("next"), "")
	if r.URL.Query().Has("abgemeldet") {
		f.Notice = s.i18n.For(lang).T("login.logged_out")
	}
	if r.URL.Query().Has("passwort") {
		f.Notice = s.i18n.For(lang).T("login.password_set")
	}
	return "login", f, nil
}

func (s *server) login(r *http.Request, lang string) (string, any, error) {
	f := s.newForm(r, lang, "login.title")
	f.SSO = s.oidc != nil
	f.Values["email"] = r.PostFormValue("email")
	f.Next = safeNext(r.PostFormValue("next"), "")
	token, _, err := s.auth.Login(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), remoteHost(r), r.UserAgent())
	if err != nil {
		data, err := s.refuse(&f, lang, err)
		return "login", data, err
	}
	s.setSession(r, token)
	return "", seeOther(safeNext(f.Next, "/verwaltung")), nil
}

// setSession hands the new session to the response through the request's cookie writer.
func (s *server) setSession(r *http.Request, token string) {
	if w, ok := r.Context().Value(cookieWriterKey{}).(http.ResponseWriter); ok {
		http.SetCookie(w, sessionCookie(r, token, int(s.auth.SessionTTL/time.Second)))
	}
}

// sessionCookie is HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs) and Secure
// whenever the site is served over TLS.
func sessionCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: auth.SessionCookie, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"}
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if p, ok := auth.PrincipalFrom(r.Context()); ok && p.SessionToken != "" {
		if err := s.store.RevokeSession(r.Context(), p.SessionToken); err != nil {
			s.fail(w, r, s.language(w, r), err)
			return
		}
	}
	http.SetCookie(w, sessionCookie(r, "", -1))
	http.Redirect(w, r, "/anmelden?abgemeldet", http.StatusSeeOther)
}

func (s *server) invitationForm(r *http.Request, lang string) (string, any, error) {
	inv, err := s.store.GetInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return "", nil, err
	}
	f := s.newForm(r, lang, "invitation.title")
	f.Values["email"] = inv.Email
	f.Values["role"] = s.i18n.For(lang).T(inv.Role.LabelID())
	f.Token = r.PathValue("token")
	return "invitation", f, nil
}

func (s *server) acceptInvitation(r *http.Request, lang string) (string, any, error) {
	inv, err := s.store.GetInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return "", nil, err
	}
	f := s.newForm(r, lang, "invitation.title")
	f.Values["email"], f.Values["display_name"] = inv.Email, r.PostFormValue("display_name")
	f.Values["role"] = s.i18n.For(lang).T(inv.Role.LabelID())
	f.Token = r.PathValue("token")
	if err := samePasswords(r); err != nil {
		data, err := s.refuse(&f, lang, err)
		return "invitation", data, err
	}
	if _, err := s.auth.AcceptInvitation(r.Context(), f.Token, r.PostFormValue("display_name"), r.PostFormValue("password")); err != nil {
		data, err := s.refuse(&f, lang, err)
		return "invitation", data, err
	}
	token, _, err := s.auth.Login(r.Context(), inv.Email, r.PostFormValue("password"), remoteHost(r), r.UserAgent())
	if err != nil {
		return "", seeOther("/anmelden?passwort"), nil
	}
	s.setSession(r, token)
	return "", seeOther("/verwaltung"), nil
}

// samePasswords checks the repeated password of a form.
func samePasswords(r *http.Request) error {
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		var v errs.Validation
		v.Add("password2", "auth.validation.passwords_differ", nil)
		return v.Err()
	}
	return nil
}

func (s *server) forgotForm(r *http.Request, lang string) (string, any, error) {
	return "forgot", s.newForm(r, lang, "forgot.title"), nil
}

// forgot sends a reset link when the address has an account, and answers the same either way, so the form
// does not tell who has an account.
func (s *server) forgot(r *http.Request, lang string) (string, any, error) {
	f := s.newForm(r, lang, "forgot.title")
	email := auth.NormalizeEmail(r.PostFormValue("email"))
	f.Values["email"] = email
	if email == "" {
		var v errs.Validation
		v.Add("email", "validation.required", nil)
		data, err := s.refuse(&f, lang, v.Err())
		return "forgot", data, err
	}
	token, u, err := s.store.CreatePasswordReset(r.Context(), audit.System("passwort-vergessen"), email, auth.ResetTTL)
	switch {
	case errs.Is(err, errs.NotFound):
	case err != nil:
		return "", nil, err
	default:
		link := absoluteURL(r, "/passwort-neu/"+token)
		if s.mail == nil {
			s.log.Warn("no mail server configured; password reset link only logged", "email", u.Email, "link", link)
		} else if err := s.mail.PasswordReset(r.Context(), u.Email, lang, link); err != nil {
			s.log.Error("send password reset", "err", err)
		}
	}
	f.Notice = s.i18n.For(lang).T("forgot.sent")
	return "forgot", f, nil
}

func (s *server) resetForm(r *http.Request, lang string) (string, any, error) {
	if _, err := s.store.UserForReset(r.Context(), r.PathValue("token")); err != nil {
		return "", nil, err
	}
	f := s.newForm(r, lang, "reset.title")
	f.Token = r.PathValue("token")
	return "reset", f, nil
}

func (s *server) reset(r *http.Request, lang string) (string, any, error) {
	f := s.newForm(r, lang, "reset.title")
	f.Token = r.PathValue("token")
	if err := samePasswords(r); err != nil {
		data, err := s.refuse(&f, lang, err)
		return "reset", data, err
	}
	if _, err := s.auth.ResetPassword(r.Context(), f.Token, r.PostFormValue("password")); err != nil {
		if errs.Is(err, errs.NotFound) {
			return "", nil, err
		}
		data, err := s.refuse(&f, lang, err)
		return "reset", data, err
	}
	return "", seeOther("/anmelden?passwort"), nil
}

// remoteHost is the client's address for login throttling, without the port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// absoluteURL makes a link for an e-mail from the host the request came to, unless a public URL is set.
func absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

type cookieWriterKey struct{}

// withCookieWriter lets page funcs, which do not see the ResponseWriter, set cookies (the session at login).
func withCookieWriter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), cookieWriterKey{}, w)))
	})
}
