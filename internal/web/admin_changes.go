package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/workflow"
)

// changeListPage lists the requests waiting for a decision and the recently decided ones.
type changeListPage struct {
	base
	Kommune  region.Kommune
	Waiting  []workflow.ChangeRequest
	Decided  []workflow.ChangeRequest
	Reviewer bool
}

func (s *server) changeList(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	d := changeListPage{base: s.newBase(r, lang, s.i18n.For(lang).T("admin.changes")), Kommune: k, Reviewer: p.Scope().MayAdminister()}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	if d.Waiting, err = s.store.ListChanges(r.Context(), p.Scope(), store.ChangeFilter{KommuneID: k.ID,
		States: []workflow.State{workflow.Submitted, workflow.Draft, workflow.Returned}}); err != nil {
		return "", nil, err
	}
	if d.Decided, err = s.store.ListChanges(r.Context(), p.Scope(), store.ChangeFilter{KommuneID: k.ID,
		States: []workflow.State{workflow.Approved, workflow.Withdrawn}, Limit: 50}); err != nil {
		return "", nil, err
	}
	return "admin_changes", d, nil
}

// rights says what the principal may do with a request.
func rights(p auth.Principal, cr workflow.ChangeRequest) changeRights {
	reviewer := p.Scope().MayAdminister()
	own := (cr.AuthorID == p.User.ID && !p.Scope().ReadOnly) || reviewer
	return changeRights{
		Edit:     cr.State.Open() && own,
		Submit:   (cr.State == workflow.Draft || cr.State == workflow.Returned) && own,
		Decide:   reviewer && (cr.State == workflow.Submitted || cr.State == workflow.Draft),
		Withdraw: cr.State.Open() && own,
	}
}

// changePage shows a request: the side-by-side comparison, the editor while it is open, and the steps allowed.
func (s *server) changePage(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	cr, err := s.store.GetChange(r.Context(), p.Scope(), id)
	if err != nil {
		return "", nil, err
	}
	of, err := s.changeForm(r, lang, p, cr)
	return "admin_change", of, err
}

func (s *server) changeForm(r *http.Request, lang string, p auth.Principal, cr workflow.ChangeRequest) (offerForm, error) {
	k, err := s.store.GetKommune(r.Context(), p.Scope(), cr.KommuneID)
	if err != nil {
		return offerForm{}, err
	}
	l := s.i18n.For(lang)
	of := offerForm{form: s.newForm(r, lang, "change.title"), Kommune: k, Change: &cr, Can: rights(p, cr),
		Action: "/verwaltung/freigaben/" + cr.ID.String()}
	of.Title = l.T("change.title") + ": " + cr.Proposed.Name
	of.Crumbs = s.adminTrail(lang, k, crumb{Name: l.T("admin.changes"), Href: "/verwaltung/kommunen/" + k.AGS + "/freigaben"},
		crumb{Name: cr.Proposed.Name})
	if err := s.fillOfferForm(r, lang, p.Scope(), &of, cr.Proposed); err != nil {
		return of, err
	}
	of.Diff = s.diffRows(r, lang, p.Scope(), cr)
	switch {
	case r.URL.Query().Has("eingereicht"):
		of.Notice = l.T("change.notice.submitted")
	case r.URL.Query().Has("gespeichert"):
		of.Notice = l.T("change.notice.saved")
	}
	return of, nil
}

// diffRows renders the comparison in the reader's language: labels instead of codes and weekday names.
func (s *server) diffRows(r *http.Request, lang string, scope tenant.Scope, cr workflow.ChangeRequest) []diffRow {
	l := s.i18n.For(lang)
	tax := s.store.Taxonomies()
	names := map[string]string{}
	if locs, err := s.store.ListLocations(r.Context(), scope, store.LocationFilter{OrganizationID: cr.OrganizationID}); err == nil {
		for _, loc := range locs {
			names[loc.ID.String()] = loc.Name
		}
	}
	if areas, err := s.store.ListAreas(r.Context(), scope, cr.KommuneID); err == nil {
		for _, a := range areas {
			names[a.ID.String()] = a.Name
		}
	}
	show := func(c workflow.Change, vals []string) string {
		out := make([]string, len(vals))
		for i, v := range vals {
			out[i] = s.diffValue(l, lang, tax.Label, names, c, v)
		}
		return strings.Join(out, "; ")
	}
	var rows []diffRow
	for _, c := range workflow.Diff(cr.Base, cr.Proposed) {
		rows = append(rows, diffRow{Label: fieldLabel(l, c.Field), Before: show(c, c.Before), After: show(c, c.After), Changed: c.Changed})
	}
	return rows
}

func (s *server) diffValue(l *i18n.Localizer, lang string, label func(string, string, string) string, names map[string]string,
	c workflow.Change, v string) string {
	switch {
	case c.Taxonomy != "":
		return label(c.Taxonomy, v, lang)
	case c.Field == "status" || c.Field == "cost" || c.Field == "access" || c.Field == "delivery":
		return l.T(c.Field + "." + v)
	case c.Field == "location_ids" || c.Field == "service_area_ids":
		if n, ok := names[v]; ok {
			return n
		}
	case c.Field == "schedule":
		if day, rest, ok := strings.Cut(v, " "); ok {
			if n, err := strconv.Atoi(day); err == nil && n >= 1 && n <= 7 {
				return l.T("weekday.long."+day) + " " + rest
			}
		}
	}
	return v
}

func fieldLabel(l *i18n.Localizer, field string) string {
	if t := l.T("field." + field); t != "field."+field {
		return t
	}
	return field
}

// saveChange stores edits to an open request; with action=submit it is sent for approval at once.
func (s *server) saveChange(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	cr, err := s.store.GetChange(r.Context(), p.Scope(), id)
	if err != nil {
		return "", nil, err
	}
	if !rights(p, cr).Edit {
		return "", nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	o, perr := s.parseOffer(r)
	if perr == nil {
		next := cr
		next.Proposed = o
		perr = s.store.SaveChange(r.Context(), p.Scope(), actorOf(p), p.User.ID, &next)
	}
	if perr != nil {
		of, err := s.changeForm(r, lang, p, cr)
		if err != nil {
			return "", nil, err
		}
		return s.offerFormErrorAs(r, lang, p, &of, o, perr, "admin_change")
	}
	return s.afterSave(r, p, id)
}

// changeStep is one step of the Freigabe: einreichen, freigeben, zurueckgeben (with comment), zurueckziehen.
func (s *server) changeStep(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	cr, err := s.store.GetChange(r.Context(), p.Scope(), id)
	if err != nil {
		return "", nil, err
	}
	scope, act := p.Scope(), actorOf(p)
	var next workflow.ChangeRequest
	switch r.PathValue("step") {
	case "einreichen":
		if !rights(p, cr).Submit {
			return "", nil, errs.E(errs.Forbidden, "error.forbidden")
		}
		next, err = s.store.SubmitChange(r.Context(), scope, act, id)
	case "freigeben":
		next, err = s.store.ApproveChange(r.Context(), scope, act, p.User.ID, id)
	case "zurueckgeben":
		next, err = s.store.ReturnChange(r.Context(), scope, act, p.User.ID, id, r.PostFormValue("comment"))
	case "zurueckziehen":
		if !rights(p, cr).Withdraw {
			return "", nil, errs.E(errs.Forbidden, "error.forbidden")
		}
		next, err = s.store.WithdrawChange(r.Context(), scope, act, id)
	default:
		return "", nil, errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		if errs.CodeOf(err) == errs.Invalid || errs.CodeOf(err) == errs.Conflict {
			of, ferr := s.changeForm(r, lang, p, cr)
			if ferr != nil {
				return "", nil, ferr
			}
			of.Values["comment"] = r.PostFormValue("comment")
			data, rerr := s.refuse(&of.form, lang, err)
			if ws, ok := data.(withStatus); ok {
				of.form = ws.data.(form)
				return "admin_change", withStatus{status: ws.status, data: of}, nil
			}
			return "", nil, rerr
		}
		return "", nil, err
	}
	k, err := s.store.GetKommune(r.Context(), scope, next.KommuneID)
	if err != nil {
		return "", nil, err
	}
	return "", seeOther("/verwaltung/kommunen/" + k.AGS + "/freigaben?" + string(next.State)), nil
}

// offerFormErrorAs is offerFormError for another template.
func (s *server) offerFormErrorAs(r *http.Request, lang string, p auth.Principal, of *offerForm, o catalog.Offer, err error, tmpl string) (string, any, error) {
	_, data, ferr := s.offerFormError(r, lang, p, of, o, err)
	return tmpl, data, ferr
}
