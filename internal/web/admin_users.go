package web

import (
	"net/http"
	"slices"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// adminUserRoutes registers the accounts of a Kommune: list, invite, disable.
func (s *server) adminUserRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/benutzer", s.page(s.users))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/benutzer", s.page(s.invite))
	mux.HandleFunc("POST /verwaltung/benutzer/{id}/sperren", s.page(s.disableUser))
}

// usersPage lists the accounts of a Kommune and offers the invitation form.
type usersPage struct {
	form
	Kommune       region.Kommune
	Users         []userRow
	Roles         []option
	Organizations []checkItem
	Link          string // the invitation link, shown once so it can also be passed on by hand
}

type userRow struct {
	auth.User
	RoleLabel string
	Self      bool
}

// invitableRoles are the roles a Kommune's coordination gives; Land administrators are made by the Land.
var invitableRoles = []auth.Role{auth.KommuneCoordinator, auth.ProviderEditor, auth.Reviewer, auth.ProgrammeOfficer}

func (s *server) usersForm(r *http.Request, lang string) (auth.Principal, usersPage, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return p, usersPage{}, err
	}
	if !p.Scope().MayAdminister() {
		return p, usersPage{}, errs.E(errs.Forbidden, "error.forbidden")
	}
	l := s.i18n.For(lang)
	d := usersPage{form: s.newForm(r, lang, "users.title"), Kommune: k}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	users, err := s.store.ListUsers(r.Context(), p.Scope(), store.UserFilter{KommuneID: k.ID, Limit: 1000})
	if err != nil {
		return p, d, err
	}
	for _, u := range users {
		d.Users = append(d.Users, userRow{User: u, RoleLabel: l.T(u.Role.LabelID()), Self: u.ID == p.User.ID})
	}
	for _, role := range invitableRoles {
		d.Roles = append(d.Roles, option{Value: string(role), Label: l.T(role.LabelID()), Selected: r.PostFormValue("role") == string(role)})
	}
	orgs, _, err := s.store.ListOrganizations(r.Context(), p.Scope(), store.OrganizationFilter{KommuneID: k.ID, Limit: 1000})
	if err != nil {
		return p, d, err
	}
	chosen := r.PostForm["organization_ids"]
	for _, o := range orgs {
		d.Organizations = append(d.Organizations, checkItem{Name: "organization_ids", Value: o.ID.String(), Label: o.Name,
			Checked: slices.Contains(chosen, o.ID.String())})
	}
	return p, d, nil
}

func (s *server) users(r *http.Request, lang string) (string, any, error) {
	_, d, err := s.usersForm(r, lang)
	if r.URL.Query().Has("gesperrt") {
		d.Notice = s.i18n.For(lang).T("users.disabled")
	}
	return "admin_users", d, err
}

// invite creates an invitation and mails its link; the link is also shown once.
func (s *server) invite(r *http.Request, lang string) (string, any, error) {
	if err := r.ParseForm(); err != nil {
		return "", nil, errs.E(errs.BadRequest, "error.bad_request")
	}
	p, d, err := s.usersForm(r, lang)
	if err != nil {
		return "", nil, err
	}
	d.Values["email"] = r.PostFormValue("email")
	inv := auth.Invitation{Email: r.PostFormValue("email"), Role: auth.Role(r.PostFormValue("role")), KommuneID: d.Kommune.ID,
		InvitedBy: p.User.ID}
	if !slices.Contains(invitableRoles, inv.Role) {
		var v errs.Validation
		v.Add("role", "auth.validation.role", map[string]any{"Value": r.PostFormValue("role")})
		data, err := s.refuse(&d.form, lang, v.Err())
		return "admin_users", s.withUsers(data, d), err
	}
	if inv.Role == auth.ProviderEditor {
		for _, raw := range r.PostForm["organization_ids"] {
			if id, err := uuid.Parse(raw); err == nil {
				inv.OrganizationIDs = append(inv.OrganizationIDs, id)
			}
		}
	}
	token, err := s.store.CreateInvitation(r.Context(), p.Scope(), actorOf(p), &inv, auth.InvitationTTL)
	if err != nil {
		data, err := s.refuse(&d.form, lang, err)
		return "admin_users", s.withUsers(data, d), err
	}
	d.Link = absoluteURL(r, "/einladung/"+token)
	if s.mail == nil {
		s.log.Warn("no mail server configured; invitation link only shown", "email", inv.Email)
	} else if err := s.mail.Invitation(r.Context(), inv.Email, lang, d.Link, p.User.DisplayName); err != nil {
		s.log.Error("send invitation", "err", err)
		d.Message = s.i18n.For(lang).T("users.mail_failed")
	}
	d.Notice = s.i18n.For(lang).T("users.invited", map[string]any{"Email": inv.Email})
	d.Values = map[string]string{}
	return "admin_users", d, nil
}

// withUsers puts the form state that refuse produced back into the users page.
func (s *server) withUsers(data any, d usersPage) any {
	if ws, ok := data.(withStatus); ok {
		d.form = ws.data.(form)
		return withStatus{status: ws.status, data: d}
	}
	return data
}

// disableUser locks an account in scope and ends its sessions; nobody locks themselves out.
func (s *server) disableUser(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	u, err := s.store.GetUser(r.Context(), p.Scope(), id)
	if err != nil {
		return "", nil, err
	}
	if u.ID == p.User.ID {
		return "", nil, errs.E(errs.Conflict, "users.error.self")
	}
	if err := s.store.DisableUser(r.Context(), p.Scope(), actorOf(p), id); err != nil {
		return "", nil, err
	}
	k, err := s.store.GetKommune(r.Context(), p.Scope(), u.KommuneID)
	if err != nil {
		return "", seeOther("/verwaltung"), nil
	}
	return "", seeOther("/verwaltung/kommunen/" + k.AGS + "/benutzer?gesperrt"), nil
}
