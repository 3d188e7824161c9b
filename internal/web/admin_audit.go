package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// auditPageSize is the number of audit entries per page.
const auditPageSize = 50

// adminAuditRoutes registers the coordinators' view of the audit log.
func (s *server) adminAuditRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/protokoll", s.page(s.auditLog))
}

// auditPage is the audit log of a Kommune, filtered by kind of object, action, person and period.
type auditPage struct {
	form
	Kommune  region.Kommune
	Entities []option
	Actions  []option
	People   []option
	Rows     []auditRow
	Older    string
}

type auditRow struct {
	At       time.Time
	Actor    string
	Action   string
	Entity   string
	Name     string
	Href     string
	Changed  []string
	Filtered bool
}

// auditEntities are the kinds of objects whose changes coordinators look for.
var auditEntities = []string{"offer", "change_request", "organization", "location", "area", "user", "invitation", "api_token"}

func (s *server) auditLog(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	if !p.Scope().MayAdminister() {
		return "", nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	l := s.i18n.For(lang)
	q := r.URL.Query()
	d := auditPage{form: s.newForm(r, lang, "auditlog.title"), Kommune: k}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	f := audit.Filter{KommuneID: k.ID, Limit: auditPageSize + 1}
	var v errs.Validation
	if e := q.Get("art"); e != "" {
		if !slices.Contains(auditEntities, e) {
			v.Add("art", "validation.unknown_code", map[string]any{"Value": e})
		}
		f.Entity = e
	}
	if a := q.Get("aktion"); a != "" {
		if !slices.Contains([]string{"create", "update", "delete"}, a) {
			v.Add("aktion", "validation.unknown_code", map[string]any{"Value": a})
		}
		f.Action = audit.Action(a)
	}
	f.Actor = q.Get("person")
	f.Since = s.auditDate(&v, "von", q.Get("von"), 0)
	f.Until = s.auditDate(&v, "bis", q.Get("bis"), 1)
	if raw := q.Get("vor"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			v.Add("vor", "validation.page", map[string]any{"Value": raw})
		}
		f.BeforeID = n
	}
	for _, key := range []string{"art", "aktion", "person", "von", "bis"} {
		d.Values[key] = q.Get(key)
	}
	users, err := s.store.ListUsers(r.Context(), p.Scope(), store.UserFilter{KommuneID: k.ID, Limit: 1000})
	if err != nil {
		return "", nil, err
	}
	names := map[string]string{}
	d.People = []option{{Value: "", Label: l.T("auditlog.everyone")}}
	for _, u := range users {
		a := actorOf(authPrincipal(u)).String()
		names[a] = u.DisplayName
		d.People = append(d.People, option{Value: a, Label: u.DisplayName, Selected: a == f.Actor})
	}
	d.Entities = []option{{Value: "", Label: l.T("auditlog.all")}}
	for _, e := range auditEntities {
		d.Entities = append(d.Entities, option{Value: e, Label: l.T("auditlog.entity." + e), Selected: e == f.Entity})
	}
	d.Actions = []option{{Value: "", Label: l.T("auditlog.all")}}
	for _, a := range []string{"create", "update", "delete"} {
		d.Actions = append(d.Actions, option{Value: a, Label: l.T("auditlog.action." + a), Selected: a == string(f.Action)})
	}
	if err := v.Err(); err != nil {
		data, err := s.refuse(&d.form, lang, err)
		if ws, ok := data.(withStatus); ok {
			d.form = ws.data.(form)
			return "admin_audit", withStatus{status: http.StatusBadRequest, data: d}, nil
		}
		return "", nil, err
	}
	entries, err := s.store.ListAudit(r.Context(), p.Scope(), f)
	if err != nil {
		return "", nil, err
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		older := r.URL.Query()
		older.Set("vor", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		d.Older = (&url.URL{Path: r.URL.Path, RawQuery: older.Encode()}).String()
	}
	for _, e := range entries {
		d.Rows = append(d.Rows, s.auditRow(l.T, names, e))
	}
	return "admin_audit", d, nil
}

// auditDate reads a day of the filter; the end day counts whole (plusDays 1).
func (s *server) auditDate(v *errs.Validation, field, raw string, plusDays int) time.Time {
	if raw == "" {
		return time.Time{}
	}
	d, err := catalog.ParseDate(raw)
	if err != nil {
		v.Add(field, "offerform.validation.date", map[string]any{"Value": raw})
		return time.Time{}
	}
	return time.Date(d.Y, time.Month(d.M), d.D+plusDays, 0, 0, 0, 0, s.berlin)
}

func (s *server) auditRow(t func(string, ...map[string]any) string, names map[string]string, e audit.Entry) auditRow {
	row := auditRow{At: e.At, Actor: e.Actor, Action: t("auditlog.action." + string(e.Action)), Entity: t("auditlog.entity." + e.Entity)}
	if n, ok := names[e.Actor]; ok {
		row.Actor = n
	} else if kind, id, ok := strings.Cut(e.Actor, ":"); ok && kind == "system" {
		row.Actor = t("auditlog.system") + " (" + id + ")"
	}
	var before, after map[string]any
	_ = json.Unmarshal(e.Before, &before)
	_ = json.Unmarshal(e.After, &after)
	for _, m := range []map[string]any{after, before} {
		for _, key := range []string{"name", "offer_name", "display_name", "email"} {
			if v, ok := m[key].(string); ok && row.Name == "" {
				row.Name = v
			}
		}
	}
	switch e.Entity {
	case "offer":
		row.Href = "/verwaltung/angebote/" + e.EntityID
	case "change_request":
		row.Href = "/verwaltung/freigaben/" + e.EntityID
		if st, ok := after["state"].(string); ok {
			row.Action += ": " + t("change.state."+st)
		}
	}
	if before != nil && after != nil {
		for key, a := range after {
			if key == "updated_at" || key == "created_at" {
				continue
			}
			if !reflect.DeepEqual(before[key], a) {
				row.Changed = append(row.Changed, fieldLabelT(t, key))
			}
		}
		slices.Sort(row.Changed)
	}
	return row
}

func fieldLabelT(t func(string, ...map[string]any) string, field string) string {
	if l := t("field." + field); l != "field."+field {
		return l
	}
	return field
}
