// Package api is the JSON door of Kette under /api/v1, read-only for now. Handlers read in the public scope,
// answer errors as {"error":{"code":…,"message":…,"fields":[…]}} with the status from errs.HTTPStatus, and
// never show internal error text: that is logged.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
	"github.com/kette-org/kette/internal/store"
)

// Deps are what the API needs.
type Deps struct {
	Store *store.Store
	I18n  *i18n.Bundle
	Log   *slog.Logger
	// Search is the public search index; without it the search answers 503.
	Search *search.Index
	// SearchLog records the searches without personal data; nil records nothing.
	SearchLog *searchlog.Recorder
	// Privacy is the minimum cell size of indicator values; zero is the default.
	Privacy indicator.Privacy
}

type api struct {
	Deps
	places *search.PlaceCache // resolves ?ort= of the search
}

// geoJSON marks a result that is answered as application/geo+json.
type geoJSON struct{ v any }

// file marks a result that is answered as a download (a report) rather than as JSON.
type file struct {
	contentType, name string
	body              []byte
}

// read turns a handler that returns its result or an error into an http.HandlerFunc: errors are answered by
// fail in one place, results are written as JSON.
func (a *api) read(f func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := f(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if f, ok := v.(file); ok {
			w.Header().Set("Content-Type", f.contentType)
			w.Header().Set("Content-Disposition", `attachment; filename="`+f.name+`"`)
			_, _ = w.Write(f.body)
			return
		}
		if g, ok := v.(geoJSON); ok {
			writeJSONTyped(w, "application/geo+json", g.v)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// New returns the handler of /api/v1.
func New(d Deps) http.Handler {
	a := &api{Deps: d, places: search.NewPlaceCache(d.Store, 0)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/kommunen", a.read(a.listKommunen))
	mux.HandleFunc("GET /api/v1/kommunen/{ags}", a.read(a.getKommune))
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/areas", a.read(a.listAreas))
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/organizations", a.read(a.listOrganizations))
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/offers", a.read(a.listOffers))
	mux.HandleFunc("GET /api/v1/areas/{id}", a.read(a.getArea))
	mux.HandleFunc("GET /api/v1/organizations/{id}", a.read(a.getOrganization))
	mux.HandleFunc("GET /api/v1/offers", a.read(a.searchOffers))
	mux.HandleFunc("GET /api/v1/offers/{id}", a.read(a.getOffer))
	mux.HandleFunc("GET /api/v1/taxonomies", a.read(a.listTaxonomies))
	mux.HandleFunc("POST /api/v1/validate/{entity}", a.validate)
	a.chainRoutes(mux)
	a.indicatorRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		// The catch-all matches every method: tell a wrong method (405) from an unknown path (404).
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/api/" {
				w.Header().Set("Allow", m)
				a.fail(w, r, errs.E(errs.MethodNotAllowed, "error.method_not_allowed"))
				return
			}
		}
		a.fail(w, r, errs.E(errs.NotFound, "error.not_found"))
	})
	return mux
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Fields  []fieldDetail `json:"fields,omitempty"`
}

type fieldDetail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (a *api) localizer(r *http.Request) *i18n.Localizer {
	return a.I18n.For(a.I18n.Match(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language")))
}

// fail writes err as the JSON error body; internal errors are logged and shown only as the generic message.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e.Code == errs.Internal || e.Code == errs.Unavailable {
		a.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	l := a.localizer(r)
	body := errorBody{Error: errorDetail{Code: string(e.Code), Message: l.ErrorMessage(e)}}
	for _, f := range e.Fields {
		body.Error.Fields = append(body.Error.Fields, fieldDetail{Field: f.Field, Message: l.FieldMessage(f)})
	}
	writeJSON(w, errs.HTTPStatus(e.Code), body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// Compact: machines read it, and indenting a search answer cost a tenth of its time and a third more bytes.
	_ = json.NewEncoder(w).Encode(v)
}

// pathID parses the {id} path value; a malformed one is a bad request.
func pathID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil || len(r.PathValue("id")) != 36 {
		return uuid.Nil, errs.E(errs.BadRequest, "error.malformed_id")
	}
	return id, nil
}

// page reads ?page= (1-based) and ?per_page= (1–200); malformed values are field errors.
func page(r *http.Request) (limit, offset int, err error) {
	var v errs.Validation
	p, per := 1, 50
	if s := r.URL.Query().Get("page"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 {
			v.Add("page", "validation.page", map[string]any{"Value": s})
		}
		p = n
	}
	if s := r.URL.Query().Get("per_page"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 || n > 200 {
			v.Add("per_page", "validation.per_page", map[string]any{"Value": s})
		}
		per = n
	}
	if err := v.Err(); err != nil {
		return 0, 0, err
	}
	return per, (p - 1) * per, nil
}

// list is the envelope of paginated lists.
type list[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func newList[T any](items []T, total, limit, offset int) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: total, Page: offset/limit + 1, PerPage: limit}
}

// Fail answers err as the API's JSON error, for the middleware in front of the API (a refused bearer token).
func Fail(d Deps, w http.ResponseWriter, r *http.Request, err error) {
	if errs.CodeOf(err) == errs.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kette"`)
	}
	(&api{Deps: d}).fail(w, r, err)
}
