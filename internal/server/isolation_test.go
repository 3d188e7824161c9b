package server_test

import (
	"cmp"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/planning"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/webtest"
	"github.com/kette-org/kette/internal/workflow"
)

// route is a pattern registered on a ServeMux of the doors, e.g. "POST /verwaltung/angebote/{id}".
type route struct{ method, path string }

// registeredRoutes reads every pattern registered in internal/web and internal/api from the source, so that a new
// route is in the isolation test without anyone remembering to add it. A pattern that is not a string literal
// fails the test: it could not be checked.
func registeredRoutes(t *testing.T) []route {
	t.Helper()
	var out []route
	fset := token.NewFileSet()
	for _, dir := range []string{"../web", "../api"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
					return true
				}
				lit, ok := call.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: a route pattern that is not a string literal cannot be checked", fset.Position(call.Pos()))
					return true
				}
				pattern, _ := strconv.Unquote(lit.Value)
				method, path, found := strings.Cut(pattern, " ")
				if !found {
					method, path = "ANY", pattern
				}
				out = append(out, route{method: method, path: path})
				return true
			})
		}
	}
	return out
}

// foreign is a tenant of another Land with one object of every kind, including a draft that must never show.
type foreign struct {
	land, ags     string
	kommune       region.Kommune
	area          region.Area
	org           catalog.Organization
	loc           catalog.Location
	offer         catalog.Offer
	change        workflow.ChangeRequest
	user          auth.User
	token         uuid.UUID
	cycle         planning.Cycle
	attachment    uuid.UUID
	measure       uuid.UUID
	draftName     string
	secretAddress string
}

func seedForeign(t *testing.T, s *store.Store) foreign {
	t.Helper()
	ctx := context.Background()
	sys, actor := tenant.System(), audit.System("test")
	f := foreign{land: "09", ags: "09162000", draftName: "Geheimer Entwurf Schwabing", secretAddress: "geheim@muenchen.example"}
	if err := s.UpsertLand(ctx, actor, region.Land{Code: "09", Name: "Bayern"}); err != nil {
		t.Fatal(err)
	}
	f.kommune = region.Kommune{AGS: f.ags, ARS: "091620000000", Name: "München", Type: region.TypeKreisfreieStadt, LandCode: "09"}
	if err := s.CreateKommune(ctx, actor, &f.kommune); err != nil {
		t.Fatal(err)
	}
	lat, lon, d := 48.137, 11.575, 0.02
	f.area = region.Area{KommuneID: f.kommune.ID, Key: "01", Name: "Altstadt", Geometry: orb.Polygon{{{lon - d, lat - d},
		{lon + d, lat - d}, {lon + d, lat + d}, {lon - d, lat + d}, {lon - d, lat - d}}}, Children: region.Children{Age0to2: 100}}
	if err := s.CreateArea(ctx, sys, actor, &f.area); err != nil {
		t.Fatal(err)
	}
	f.org = catalog.Organization{KommuneID: f.kommune.ID, Name: "Familienzentrum Altstadt", Kind: "familienzentrum"}
	if err := s.CreateOrganization(ctx, sys, actor, &f.org); err != nil {
		t.Fatal(err)
	}
	f.loc = catalog.Location{OrganizationID: f.org.ID, Name: "Haus", Address1: "Marienplatz 1", PostalCode: "80331", City: "München",
		Latitude: lat, Longitude: lon}
	if err := s.CreateLocation(ctx, sys, actor, &f.loc); err != nil {
		t.Fatal(err)
	}
	f.offer = catalog.Offer{OrganizationID: f.org.ID, Name: "Krabbelgruppe Altstadt", Status: catalog.StatusActive,
		Phases: []string{"age_0_3"}, Fields: []string{"family_education"}, TargetGroups: []string{}, Transitions: []string{},
		Languages: []string{"de"}, Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: []string{catalog.DeliveryOnSite},
		LocationIDs: []uuid.UUID{f.loc.ID}}
	if err := s.CreateOffer(ctx, sys, actor, &f.offer); err != nil {
		t.Fatal(err)
	}
	f.user = auth.User{Email: f.secretAddress, DisplayName: "Koordination München", Role: auth.KommuneCoordinator, KommuneID: f.kommune.ID}
	if err := s.CreateUser(ctx, sys, actor, &f.user, ""); err != nil {
		t.Fatal(err)
	}
	_, tok, err := s.CreateAPIToken(ctx, sys, actor, f.user.ID, "Portal München")
	if err != nil {
		t.Fatal(err)
	}
	f.token = tok.ID
	f.cycle = planning.Cycle{KommuneID: f.kommune.ID, Title: "Geheime Planung München", StartedOn: catalog.Date{Y: 2026, M: 1, D: 1}}
	if err := s.CreateCycle(ctx, sys, actor, &f.cycle); err != nil {
		t.Fatal(err)
	}
	att := planning.Attachment{CycleID: f.cycle.ID, Step: planning.Inventory, Filename: "bericht.pdf", ContentType: "application/pdf",
		Data: []byte("%PDF-1.4 geheim")}
	if err := s.AddAttachment(ctx, sys, actor, &att); err != nil {
		t.Fatal(err)
	}
	f.attachment = att.ID
	ms := planning.Measure{CycleID: f.cycle.ID, Title: "Geheime Maßnahme", AreaID: f.area.ID, Phase: "age_0_3", Field: "health", Status: planning.Planned}
	if err := s.SaveMeasure(ctx, sys, actor, &ms); err != nil {
		t.Fatal(err)
	}
	f.measure = ms.ID
	f.change = workflow.ChangeRequest{Proposed: f.offer}
	f.change.Proposed.Name = f.draftName
	if err := s.SaveChange(ctx, f.user.Scope(), actor, f.user.ID, &f.change); err != nil {
		t.Fatal(err)
	}
	return f
}

// fill puts the foreign tenant's keys into a route's path; ok is false for a variable the test does not know.
func (f foreign) fill(path string) (string, bool) {
	known := true
	idKind := regexp.MustCompile(`/([a-z]+)/\{id\}`)
	path = idKind.ReplaceAllStringFunc(path, func(m string) string {
		kind := idKind.FindStringSubmatch(m)[1]
		ids := map[string]uuid.UUID{"angebote": f.offer.ID, "offers": f.offer.ID, "freigaben": f.change.ID,
			"einrichtungen": f.org.ID, "organizations": f.org.ID, "standorte": f.loc.ID, "locations": f.loc.ID,
			"benutzer": f.user.ID, "users": f.user.ID, "sozialraeume": f.area.ID, "areas": f.area.ID,
			"schluessel": f.token, "planung": f.cycle.ID, "anhaenge": f.attachment, "massnahmen": f.measure}
		id, ok := ids[kind]
		if !ok {
			known = false
		}
		return "/" + kind + "/" + id.String()
	})
	vars := regexp.MustCompile(`\{[a-z]+\.*\}`)
	path = vars.ReplaceAllStringFunc(path, func(v string) string {
		switch strings.Trim(v, "{}.") {
		case "ags":
			return f.ags
		case "code", "land":
			return f.land
		case "step":
			return "freigeben"
		case "entity":
			return "offer"
		}
		known = false
		return v
	})
	return strings.TrimSuffix(path, "{$}"), known
}

// principal is one signed-in role of Hannover (or the Land administration of Niedersachsen).
type principal struct {
	name, cookie, csrf, bearer string
}

func principals(t *testing.T, s *store.Store) []principal {
	t.Helper()
	ctx := context.Background()
	k, err := s.GetKommuneByAGS(ctx, tenant.System(), hannover)
	if err != nil {
		t.Fatal(err)
	}
	orgs, _, err := s.ListOrganizations(ctx, tenant.System(), store.OrganizationFilter{KommuneID: k.ID, Limit: 1})
	if err != nil || len(orgs) == 0 {
		t.Fatalf("organizations of Hannover: %v", err)
	}
	users := []auth.User{
		{Role: auth.LandAdmin, LandCode: "03"},
		{Role: auth.KommuneCoordinator, KommuneID: k.ID},
		{Role: auth.ProviderEditor, KommuneID: k.ID, OrganizationIDs: []uuid.UUID{orgs[0].ID}},
		{Role: auth.Reviewer, KommuneID: k.ID},
		{Role: auth.ProgrammeOfficer, KommuneID: k.ID},
	}
	var out []principal
	for _, u := range users {
		u.Email, u.DisplayName = string(u.Role)+"@isolation.example", "Test "+string(u.Role)
		if err := s.CreateUser(ctx, tenant.System(), audit.System("test"), &u, ""); err != nil {
			t.Fatal(err)
		}
		session, _, err := s.CreateSession(ctx, u.ID, auth.SessionTTL, "test")
		if err != nil {
			t.Fatal(err)
		}
		bearer, _, err := s.CreateAPIToken(ctx, tenant.System(), audit.System("test"), u.ID, "isolation")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, principal{name: string(u.Role), cookie: session, csrf: auth.CSRFToken(session), bearer: bearer})
	}
	return out
}

// snapshot is what a foreign tenant's state looks like from the outside: its audit log and its objects.
func snapshot(t *testing.T, s *store.Store, f foreign) string {
	t.Helper()
	ctx := context.Background()
	sys := tenant.System()
	entries, err := s.ListAudit(ctx, sys, audit.Filter{KommuneID: f.kommune.ID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(entries)))
	for _, read := range []func() (any, error){
		func() (any, error) { return s.GetOffer(ctx, sys, f.offer.ID) },
		func() (any, error) { return s.GetOrganization(ctx, sys, f.org.ID) },
		func() (any, error) { return s.GetLocation(ctx, sys, f.loc.ID) },
		func() (any, error) { return s.GetArea(ctx, sys, f.area.ID) },
		func() (any, error) { return s.GetUser(ctx, sys, f.user.ID) },
		func() (any, error) { return s.GetChange(ctx, sys, f.change.ID) },
		func() (any, error) { return s.ListAPITokens(ctx, sys, f.user.ID) },
		func() (any, error) { return s.GetCycle(ctx, sys, f.cycle.ID) },
	} {
		v, err := read()
		if err != nil {
			t.Fatalf("foreign object gone: %v", err)
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("|")
		b.Write(j)
	}
	return b.String()
}

func TestNoRoleSeesOrChangesAnythingOfAnotherTenantOnAnyAdminOrAPIRoute(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv, s, _ := demoSite(t, d)
			f := seedForeign(t, s)
			actors := principals(t, s)
			routes := registeredRoutes(t)
			// Routes without a tenant key act on the signed-in user themselves ("überall abmelden" ends the
			// session), so they come last.
			slices.SortStableFunc(routes, func(a, b route) int {
				return cmp.Compare(strings.Count(b.path, "{"), strings.Count(a.path, "{"))
			})
			before := snapshot(t, s, f)
			checked := 0
			for _, r := range routes {
				admin := strings.HasPrefix(r.path, "/verwaltung")
				api := strings.HasPrefix(r.path, "/api/")
				if !admin && !api {
					continue
				}
				tenantPath := strings.Contains(r.path, "{") && r.path != "/verwaltung/{$}"
				path, ok := f.fill(r.path)
				if !ok {
					t.Errorf("%s %s: the isolation test has no foreign value for a path variable – add it to foreign.fill", r.method, r.path)
					continue
				}
				methods := []string{r.method}
				if r.method == "ANY" {
					methods = []string{http.MethodGet, http.MethodPost}
				}
				for _, method := range methods {
					anonymous := send(t, srv.URL, method, path, principal{})
					for _, p := range actors {
						for _, via := range []string{"session", "token"} {
							if via == "token" && !api {
								continue
							}
							q := p
							if via == "session" {
								q.bearer = ""
							} else {
								q.cookie = ""
							}
							got := send(t, srv.URL, method, path, q)
							checked++
							where := method + " " + path + " as " + p.name + " via " + via
							for _, secret := range []string{f.draftName, f.secretAddress, "Geheime Planung", "Geheime Maßnahme", "geheim"} {
								if strings.Contains(got.Body, secret) {
									t.Errorf("%s: the answer shows %q of the other tenant", where, secret)
								}
							}
							switch {
							case !tenantPath:
								// A route without a tenant key (the admin start page) shows the own tenant only;
								// the secrets check above is what matters there.
							case admin && got.Status != http.StatusNotFound:
								t.Errorf("%s: %d, want 404\n%s", where, got.Status, webtest.Excerpt(got.Body))
							case api && anonymous.Status == http.StatusOK && (got.Status != http.StatusOK || got.Body != anonymous.Body):
								t.Errorf("%s: a public API answer must be the same signed in (%d vs %d)", where, got.Status, anonymous.Status)
							case api && anonymous.Status != http.StatusOK && got.Status != http.StatusNotFound && got.Status != anonymous.Status:
								t.Errorf("%s: %d, want 404 (anonymous: %d)", where, got.Status, anonymous.Status)
							}
						}
					}
				}
			}
			if checked < 100 {
				t.Fatalf("only %d requests checked; the route scan found too little", checked)
			}
			if after := snapshot(t, s, f); after != before {
				t.Fatalf("the foreign tenant changed:\nbefore %s\nafter  %s", before, after)
			}
			t.Logf("%d requests over %d routes checked", checked, len(routes))
		})
	}
}

// send makes one request as p: its session cookie and form token for pages, its bearer token for the API.
// POST bodies carry plausible values so that handlers reach their tenant check rather than stopping earlier.
func send(t *testing.T, base, method, path string, p principal) webtest.Page {
	t.Helper()
	c := webtest.New(t, base)
	var body *strings.Reader
	form := url.Values{"name": {"Übernommen"}, "email": {"x@example.org"}, "role": {"reviewer"}, "comment": {"weg damit"},
		"display_name": {"X"}, "password": {"ein-langes-passwort"}, "password2": {"ein-langes-passwort"}, "csrf": {p.csrf}}
	if method == http.MethodGet {
		body = strings.NewReader("")
	} else {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, base+path, body)
	req.RequestURI = ""
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if p.cookie != "" {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: p.cookie})
	}
	if p.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+p.bearer)
	}
	return c.Do(req)
}
