package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
)

type errorPage struct {
	base
	Status  int
	Heading string
	Message string
	Fields  []string
}

// fail answers with the error page of err: its status from errs.HTTPStatus, its message from the catalogue.
// Internal errors are logged and shown only with the generic message.
func (s *server) fail(w http.ResponseWriter, r *http.Request, lang string, err error) {
	code := errs.CodeOf(err)
	if code == errs.Unauthenticated && r.Method == http.MethodGet {
		// A page behind the login: sign in, then come back here.
		http.Redirect(w, r, "/anmelden?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := errs.HTTPStatus(code)
	l := s.i18n.For(lang)
	if status >= 500 {
		s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	}
	message := l.ErrorMessage(err)
	var fields []string
	if e := errs.As(err); code == errs.Invalid {
		// Pages take input only through their address, so a broken rule there is a bad request, and the
		// message speaks of the address rather than of form fields.
		status, message = http.StatusBadRequest, l.T("errorpage.invalid", map[string]any{"Count": len(e.Fields)})
		for _, f := range e.Fields {
			fields = append(fields, l.FieldMessage(f))
		}
	}
	s.renderError(w, r, lang, status, message, fields)
}

func (s *server) renderError(w http.ResponseWriter, r *http.Request, lang string, status int, message string, fields []string) {
	l := s.i18n.For(lang)
	heading := l.T("errorpage.heading." + strconv.Itoa(status))
	if heading == "errorpage.heading."+strconv.Itoa(status) {
		heading = l.T("errorpage.heading.other")
	}
	s.render(w, r, status, lang, "error", errorPage{base: s.newBase(r, lang, heading), Status: status, Heading: heading,
		Message: message, Fields: fields})
}

// notFound is the page of every unknown path.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, s.language(w, r), errs.E(errs.NotFound, "error.not_found"))
}

// pathID parses the {id} of a path; a malformed id is a bad request.
func pathID(r *http.Request) (uuid.UUID, error) {
	raw := r.PathValue("id")
	id, err := uuid.Parse(raw)
	if err != nil || len(raw) != 36 {
		return uuid.Nil, errs.E(errs.BadRequest, "error.malformed_id")
	}
	return id, nil
}

// pathAGS checks the {ags} of a path.
func pathAGS(r *http.Request) (string, error) {
	ags := r.PathValue("ags")
	if !region.ValidAGS(ags) {
		return "", errs.E(errs.BadRequest, "error.malformed_ags")
	}
	return ags, nil
}
