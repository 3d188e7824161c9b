package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/workflow"
)

// adminOfferRoutes registers the offer editor and the Freigabe workflow.
func (s *server) adminOfferRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/angebote", s.page(s.adminOffers))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/angebote/neu", s.page(s.newOfferForm))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/angebote/neu", s.page(s.createOffer))
	mux.HandleFunc("GET /verwaltung/angebote/{id}", s.page(s.editOfferForm))
	mux.HandleFunc("POST /verwaltung/angebote/{id}", s.page(s.saveOffer))
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/freigaben", s.page(s.changeList))
	mux.HandleFunc("GET /verwaltung/freigaben/{id}", s.page(s.changePage))
	mux.HandleFunc("POST /verwaltung/freigaben/{id}", s.page(s.saveChange))
	mux.HandleFunc("POST /verwaltung/freigaben/{id}/{step}", s.page(s.changeStep))
}

// adminKommune resolves the {ags} of an admin page in the principal's scope: another tenant's Kommune is not found.
func (s *server) adminKommune(r *http.Request) (auth.Principal, region.Kommune, error) {
	p, err := signedIn(r)
	if err != nil {
		return p, region.Kommune{}, err
	}
	ags, err := pathAGS(r)
	if err != nil {
		return p, region.Kommune{}, err
	}
	k, err := s.store.GetKommuneByAGS(r.Context(), p.Scope(), ags)
	return p, k, err
}

// adminTrail is the breadcrumb of an admin page of a Kommune.
func (s *server) adminTrail(lang string, k region.Kommune, steps ...crumb) []crumb {
	l := s.i18n.For(lang)
	return s.trail(lang, append([]crumb{{Name: l.T("admin.title"), Href: "/verwaltung"},
		{Name: k.Name, Href: "/verwaltung#k-" + k.AGS}}, steps...)...)
}

// offerListPage lists the offers a user may edit and the open requests.
type offerListPage struct {
	base
	Kommune region.Kommune
	Offers  []catalog.OfferSummary
	Changes []workflow.ChangeRequest
	Pager   pager
}

func (s *server) adminOffers(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	scope := p.Scope()
	d := offerListPage{base: s.newBase(r, lang, s.i18n.For(lang).T("admin.offers")), Kommune: k}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	page, err := readPage(r)
	if err != nil {
		return "", nil, err
	}
	if scope.Limited() {
		// A provider editor has a few organizations: all their offers on one page.
		for _, org := range scope.OrganizationIDs {
			list, _, err := s.store.ListOffers(r.Context(), scope, store.OfferFilter{KommuneID: k.ID, OrganizationID: org, Limit: 1000})
			if err != nil {
				return "", nil, err
			}
			d.Offers = append(d.Offers, list...)
		}
		d.Pager = pager{Page: 1, Pages: 1, Total: len(d.Offers)}
	} else {
		list, total, err := s.store.ListOffers(r.Context(), scope, store.OfferFilter{KommuneID: k.ID, Limit: s.pageSize,
			Offset: (page - 1) * s.pageSize})
		if err != nil {
			return "", nil, err
		}
		d.Offers = list
		if d.Pager, err = newPager(r, page, s.pageSize, total, "angebote"); err != nil {
			return "", nil, err
		}
	}
	d.Changes, err = s.store.ListChanges(r.Context(), scope, store.ChangeFilter{KommuneID: k.ID,
		States: []workflow.State{workflow.Draft, workflow.Submitted, workflow.Returned}})
	if err != nil {
		return "", nil, err
	}
	return "admin_offers", d, nil
}

// offerForm is the editor of an offer with every catalogue field.
type offerForm struct {
	form
	Action        string
	Kommune       region.Kommune
	Organization  catalog.Organization
	Organizations []option
	Terms         []termGroup
	Delivery      []checkItem
	Statuses      []option
	Costs         []option
	Accesses      []option
	Hours         []hoursRow
	Locations     []checkItem
	ServiceAreas  []checkItem
	Direct        bool // a coordinator's edit of a published offer applies at once
	Change        *workflow.ChangeRequest
	Diff          []diffRow
	Can           changeRights
}

type termGroup struct {
	Name, Legend string
	Items        []checkItem
}

type checkItem struct {
	Name, Value, Label string
	Checked            bool
}

// hoursRow is one opening slot of a weekday; two per day cover a lunch break.
type hoursRow struct {
	Weekday, Slot  int
	Opens, Closes  string
	OpensName, End string
}

type diffRow struct {
	Label         string
	Before, After string
	Changed       bool
}

type changeRights struct{ Edit, Submit, Decide, Withdraw bool }

// newOfferForm asks for the organization first, then shows the editor for it.
func (s *server) newOfferForm(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	f := s.newForm(r, lang, "offerform.new_title")
	of := offerForm{form: f, Kommune: k, Action: "/verwaltung/kommunen/" + k.AGS + "/angebote/neu"}
	of.Crumbs = s.adminTrail(lang, k, crumb{Name: s.i18n.For(lang).T("admin.offers"), Href: "/verwaltung/kommunen/" + k.AGS + "/angebote"}, crumb{Name: f.Title})
	orgID, _ := uuid.Parse(r.URL.Query().Get("einrichtung"))
	if orgID == uuid.Nil {
		opts, err := s.orgOptions(r, p.Scope(), k)
		if err != nil {
			return "", nil, err
		}
		of.Organizations = opts
		return "admin_offer_org", of, nil
	}
	o := catalog.Offer{OrganizationID: orgID, Status: catalog.StatusActive, Cost: catalog.CostFree, Access: catalog.AccessOpen,
		Delivery: []string{catalog.DeliveryOnSite}}
	if err := s.fillOfferForm(r, lang, p.Scope(), &of, o); err != nil {
		return "", nil, err
	}
	return "admin_offer", of, nil
}

// orgOptions are the organizations a user may add offers to.
func (s *server) orgOptions(r *http.Request, scope tenant.Scope, k region.Kommune) ([]option, error) {
	orgs, _, err := s.store.ListOrganizations(r.Context(), scope, store.OrganizationFilter{KommuneID: k.ID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []option
	for _, o := range orgs {
		if scope.MayChange(o.ID) && o.ArchivedAt == nil {
			out = append(out, option{Value: o.ID.String(), Label: o.Name})
		}
	}
	return out, nil
}

func (s *server) createOffer(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	o, perr := s.parseOffer(r)
	of := offerForm{form: s.newForm(r, lang, "offerform.new_title"), Kommune: k, Action: "/verwaltung/kommunen/" + k.AGS + "/angebote/neu"}
	of.Crumbs = s.adminTrail(lang, k, crumb{Name: of.Title})
	cr := workflow.ChangeRequest{Proposed: o}
	if perr == nil {
		perr = s.store.SaveChange(r.Context(), p.Scope(), actorOf(p), p.User.ID, &cr)
	}
	if perr != nil {
		return s.offerFormError(r, lang, p, &of, o, perr)
	}
	return s.afterSave(r, p, cr.ID)
}

// offerFormError re-renders the editor with the messages of err and the values sent.
func (s *server) offerFormError(r *http.Request, lang string, p auth.Principal, of *offerForm, o catalog.Offer, err error) (string, any, error) {
	if errs.CodeOf(err) == errs.NotFound && o.OrganizationID == uuid.Nil {
		return "", nil, err
	}
	if ferr := s.fillOfferForm(r, lang, p.Scope(), of, o); ferr != nil {
		return "", nil, ferr
	}
	for _, k := range []string{"minimum_age_months", "maximum_age_months", "valid_from", "valid_to"} {
		of.Values[k] = r.PostFormValue(k) // what was typed, even when it could not be read
	}
	for i, h := range of.Hours {
		h.Opens = r.PostFormValue(fmt.Sprintf("h%d_%d_opens", h.Weekday, h.Slot))
		h.Closes = r.PostFormValue(fmt.Sprintf("h%d_%d_closes", h.Weekday, h.Slot))
		of.Hours[i] = h
	}
	data, err := s.refuse(&of.form, lang, err)
	if ws, ok := data.(withStatus); ok {
		of.form = ws.data.(form)
		return "admin_offer", withStatus{status: ws.status, data: *of}, nil
	}
	return "admin_offer", data, err
}

func (s *server) editOfferForm(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	o, err := s.store.GetOffer(r.Context(), p.Scope(), id)
	if err != nil {
		return "", nil, err
	}
	open, err := s.store.ListChanges(r.Context(), p.Scope(), store.ChangeFilter{OfferID: id,
		States: []workflow.State{workflow.Draft, workflow.Submitted, workflow.Returned}})
	if err != nil {
		return "", nil, err
	}
	if len(open) > 0 {
		return "", seeOther("/verwaltung/freigaben/" + open[0].ID.String()), nil
	}
	of, err := s.offerEditor(r, lang, p, o)
	return "admin_offer", of, err
}

func (s *server) offerEditor(r *http.Request, lang string, p auth.Principal, o catalog.Offer) (offerForm, error) {
	k, err := s.store.GetKommune(r.Context(), p.Scope(), o.KommuneID)
	if err != nil {
		return offerForm{}, err
	}
	of := offerForm{form: s.newForm(r, lang, "offerform.edit_title"), Kommune: k, Action: "/verwaltung/angebote/" + o.ID.String(),
		Direct: p.Scope().MayAdminister()}
	of.Crumbs = s.adminTrail(lang, k, crumb{Name: s.i18n.For(lang).T("admin.offers"), Href: "/verwaltung/kommunen/" + k.AGS + "/angebote"},
		crumb{Name: o.Name})
	if !p.Scope().MayChange(o.OrganizationID) {
		return of, errs.E(errs.Forbidden, "error.forbidden")
	}
	return of, s.fillOfferForm(r, lang, p.Scope(), &of, o)
}

// saveOffer applies a coordinator's edit at once; a provider editor's edit becomes a change request.
func (s *server) saveOffer(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	current, err := s.store.GetOffer(r.Context(), p.Scope(), id)
	if err != nil {
		return "", nil, err
	}
	of, err := s.offerEditor(r, lang, p, current)
	if err != nil {
		return "", nil, err
	}
	o, perr := s.parseOffer(r)
	o.ID = id
	if perr != nil {
		return s.offerFormError(r, lang, p, &of, o, perr)
	}
	if of.Direct {
		o.LastConfirmedAt, o.CreatedAt = current.LastConfirmedAt, current.CreatedAt
		if err := s.store.UpdateOffer(r.Context(), p.Scope(), actorOf(p), &o); err != nil {
			return s.offerFormError(r, lang, p, &of, o, err)
		}
		return "", seeOther("/verwaltung/kommunen/" + of.Kommune.AGS + "/angebote?gespeichert"), nil
	}
	cr := workflow.ChangeRequest{Proposed: o}
	if err := s.store.SaveChange(r.Context(), p.Scope(), actorOf(p), p.User.ID, &cr); err != nil {
		return s.offerFormError(r, lang, p, &of, o, err)
	}
	return s.afterSave(r, p, cr.ID)
}

// fillOfferForm puts an offer's values and the choices of every field into the form.
func (s *server) fillOfferForm(r *http.Request, lang string, scope tenant.Scope, of *offerForm, o catalog.Offer) error {
	org, err := s.store.GetOrganization(r.Context(), scope, o.OrganizationID)
	if err != nil {
		return err
	}
	of.Organization = org
	l := s.i18n.For(lang)
	tax := s.store.Taxonomies()
	v := of.Values
	v["organization_id"] = org.ID.String()
	v["name"], v["description"], v["cost_description"] = o.Name, o.Description, o.CostDescription
	v["x_easy_language_summary"] = o.EasySummary
	v["application_process"], v["email"], v["url"], v["phone"] = o.ApplicationProcess, o.Email, o.URL, o.Phone
	v["minimum_age_months"], v["maximum_age_months"] = intValue(o.MinimumAgeMonths), intValue(o.MaximumAgeMonths)
	v["valid_from"], v["valid_to"] = dateValue(o.ValidFrom), dateValue(o.ValidTo)
	v["schedule.notes"] = o.Schedule.Notes
	groups := []struct {
		name, tax string
		codes     []string
	}{{"phases", taxonomy.Phase, o.Phases}, {"fields", taxonomy.Field, o.Fields},
		{"target_groups", taxonomy.TargetGroup, o.TargetGroups}, {"transitions", taxonomy.Transition, o.Transitions},
		{"languages", taxonomy.Language, o.Languages}}
	of.Terms = nil
	for _, g := range groups {
		tg := termGroup{Name: g.name, Legend: l.T("field." + g.name)}
		for _, t := range tax.Terms(g.tax) {
			tg.Items = append(tg.Items, checkItem{Name: g.name, Value: t.Code, Label: t.Label(lang), Checked: slices.Contains(g.codes, t.Code)})
		}
		of.Terms = append(of.Terms, tg)
	}
	of.Delivery = nil
	for _, d := range catalog.Deliveries {
		of.Delivery = append(of.Delivery, checkItem{Name: "delivery", Value: d, Label: l.T("delivery." + d), Checked: slices.Contains(o.Delivery, d)})
	}
	of.Statuses = options(catalog.Statuses, o.Status, func(c string) string { return l.T("status." + c) })
	of.Costs = options(catalog.CostKinds, o.Cost, func(c string) string { return l.T("cost." + c) })
	of.Accesses = options(catalog.AccessKinds, o.Access, func(c string) string { return l.T("access." + c) })
	of.Hours = hoursRows(o.Schedule.Weekly)
	locs, err := s.store.ListLocations(r.Context(), scope, store.LocationFilter{OrganizationID: org.ID})
	if err != nil {
		return err
	}
	of.Locations = nil
	for _, loc := range locs {
		label := loc.Name
		if loc.Address1 != "" {
			label += " – " + loc.Address1 + ", " + loc.PostalCode + " " + loc.City
		}
		of.Locations = append(of.Locations, checkItem{Name: "location_ids", Value: loc.ID.String(), Label: label,
			Checked: slices.Contains(o.LocationIDs, loc.ID)})
	}
	areas, err := s.store.ListAreas(r.Context(), scope, org.KommuneID)
	if err != nil {
		return err
	}
	of.ServiceAreas = nil
	for _, a := range areas {
		of.ServiceAreas = append(of.ServiceAreas, checkItem{Name: "service_area_ids", Value: a.ID.String(), Label: a.Name,
			Checked: slices.Contains(o.ServiceAreaIDs, a.ID)})
	}
	return nil
}

func options(codes []string, selected string, label func(string) string) []option {
	out := make([]option, len(codes))
	for i, c := range codes {
		out[i] = option{Value: c, Label: label(c), Selected: c == selected}
	}
	return out
}

func hoursRows(weekly []catalog.Weekly) []hoursRow {
	var rows []hoursRow
	for day := 1; day <= 7; day++ {
		var slots []catalog.Weekly
		for _, w := range weekly {
			if w.Weekday == day {
				slots = append(slots, w)
			}
		}
		for slot := 0; slot < 2; slot++ {
			row := hoursRow{Weekday: day, Slot: slot}
			if slot < len(slots) {
				row.Opens, row.Closes = slots[slot].Opens, slots[slot].Closes
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func intValue(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func dateValue(d *catalog.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// parseOffer reads the editor's fields. Values that cannot even be read (a letter in an age, a wrong date) are
// reported per field; all other rules are the catalogue's and are checked by the store.
func (s *server) parseOffer(r *http.Request) (catalog.Offer, error) {
	if err := r.ParseForm(); err != nil {
		return catalog.Offer{}, errs.E(errs.BadRequest, "error.bad_request")
	}
	f := r.PostForm
	var v errs.Validation
	o := catalog.Offer{Name: strings.TrimSpace(f.Get("name")), Description: strings.TrimSpace(f.Get("description")),
		Status: f.Get("status"), Phases: nonEmpty(f["phases"]), Fields: nonEmpty(f["fields"]),
		TargetGroups: nonEmpty(f["target_groups"]), Transitions: nonEmpty(f["transitions"]), Languages: nonEmpty(f["languages"]),
		Cost: f.Get("cost"), CostDescription: strings.TrimSpace(f.Get("cost_description")), Access: f.Get("access"),
		Delivery: nonEmpty(f["delivery"]), ApplicationProcess: strings.TrimSpace(f.Get("application_process")),
		Email: strings.TrimSpace(f.Get("email")), URL: strings.TrimSpace(f.Get("url")), Phone: strings.TrimSpace(f.Get("phone"))}
	// Browsers send a textarea's line breaks as CRLF; one character each, as the limit counts them.
	o.EasySummary = strings.TrimSpace(strings.ReplaceAll(f.Get("x_easy_language_summary"), "\r\n", "\n"))
	o.OrganizationID, _ = uuid.Parse(f.Get("organization_id"))
	o.MinimumAgeMonths = formInt(&v, "minimum_age_months", f.Get("minimum_age_months"))
	o.MaximumAgeMonths = formInt(&v, "maximum_age_months", f.Get("maximum_age_months"))
	o.ValidFrom = formDate(&v, "valid_from", f.Get("valid_from"))
	o.ValidTo = formDate(&v, "valid_to", f.Get("valid_to"))
	o.Schedule = catalog.Schedule{Timezone: catalog.DefaultTimezone, Notes: strings.TrimSpace(f.Get("schedule.notes"))}
	for day := 1; day <= 7; day++ {
		for slot := 0; slot < 2; slot++ {
			opens := strings.TrimSpace(f.Get(fmt.Sprintf("h%d_%d_opens", day, slot)))
			closes := strings.TrimSpace(f.Get(fmt.Sprintf("h%d_%d_closes", day, slot)))
			if opens == "" && closes == "" {
				continue
			}
			o.Schedule.Weekly = append(o.Schedule.Weekly, catalog.Weekly{Weekday: day, Opens: opens, Closes: closes})
		}
	}
	for _, raw := range f["location_ids"] {
		id, err := uuid.Parse(raw)
		if err != nil {
			v.Add("location_ids", "validation.unknown_location", map[string]any{"Value": raw})
			continue
		}
		o.LocationIDs = append(o.LocationIDs, id)
	}
	for _, raw := range nonEmpty(f["service_area_ids"]) {
		id, err := uuid.Parse(raw)
		if err != nil {
			v.Add("service_area_ids", "validation.unknown_area", map[string]any{"Value": raw})
			continue
		}
		o.ServiceAreaIDs = append(o.ServiceAreaIDs, id)
	}
	return o, v.Err()
}

func nonEmpty(vals []string) []string {
	out := []string{}
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func formInt(v *errs.Validation, field, raw string) *int {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		v.Add(field, "offerform.validation.number", map[string]any{"Value": raw})
		return nil
	}
	return &n
}

func formDate(v *errs.Validation, field, raw string) *catalog.Date {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	d, err := catalog.ParseDate(raw)
	if err != nil {
		v.Add(field, "offerform.validation.date", map[string]any{"Value": raw})
		return nil
	}
	return &d
}

// afterSave submits a saved request when the editor pressed "Zur Freigabe einreichen" and shows it.
func (s *server) afterSave(r *http.Request, p auth.Principal, id uuid.UUID) (string, any, error) {
	if r.PostFormValue("action") != "submit" {
		return "", seeOther("/verwaltung/freigaben/" + id.String() + "?gespeichert"), nil
	}
	if _, err := s.store.SubmitChange(r.Context(), p.Scope(), actorOf(p), id); err != nil {
		return "", nil, err
	}
	return "", seeOther("/verwaltung/freigaben/" + id.String() + "?eingereicht"), nil
}
