package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/net/html"

	"github.com/kette-org/kette/internal/api"
	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/web"
	"github.com/kette-org/kette/internal/workflow"
)

// formValues reads what a browser would send of the form posting to action: inputs, checked boxes, selected
// options and textareas.
func formValues(t *testing.T, doc *html.Node, action string) url.Values {
	t.Helper()
	form := first(t, doc, "form", "action", action)
	v := url.Values{}
	for _, in := range all(form, "input") {
		name, _ := attr(in, "name")
		typ, _ := attr(in, "type")
		if name == "" || ((typ == "checkbox" || typ == "radio") && !has(in, "checked")) {
			continue
		}
		val, _ := attr(in, "value")
		v.Add(name, val)
	}
	for _, ta := range all(form, "textarea") {
		name, _ := attr(ta, "name")
		var b strings.Builder
		for c := ta.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(c.Data)
		}
		v.Set(name, b.String())
	}
	for _, sel := range all(form, "select") {
		name, _ := attr(sel, "name")
		for _, o := range all(sel, "option") {
			if has(o, "selected") {
				val, _ := attr(o, "value")
				v.Set(name, val)
			}
		}
	}
	return v
}

func has(n *html.Node, key string) bool { _, ok := attr(n, key); return ok }

// TestLeichteSpracheSummaryFromTheEditorToThePublicPageTheFreigabeAndTheAPI follows a summary in Leichte Sprache
// through the demo data, the offer editor (with its hint and the length limit), the public offer page (in a box
// marked as German in every interface language), a provider's change request and the JSON API.
func TestLeichteSpracheSummaryFromTheEditorToThePublicPageTheFreigabeAndTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		bundle, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		pages, err := web.New(web.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("/api/", api.New(api.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler)}))
		mux.Handle("/", withTestPrincipal(s, pages))
		srv := httptest.NewServer(mux)
		defer srv.Close()

		// The demo gives some offers of Hannover a summary and leaves the others without.
		hannover, err := s.GetKommuneByAGS(ctx, tenant.Public(), "03241001")
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := s.ListOffers(ctx, tenant.Public(), store.OfferFilter{KommuneID: hannover.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var with, without []catalog.Offer
		for _, sum := range list {
			o, err := s.GetOffer(ctx, tenant.Public(), sum.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o.EasySummary != "" {
				with = append(with, o)
			} else {
				without = append(without, o)
			}
		}
		if len(with) == 0 || len(without) == 0 {
			t.Fatalf("demo Hannover: %d offers with a Leichte-Sprache summary, %d without; want some of each", len(with), len(without))
		}

		// The public page shows the summary first, in a box whose text is German whatever the interface language.
		showsSummary := func(o catalog.Offer, lang, heading, summary string) {
			t.Helper()
			p := get(t, browser(t), srv.URL+"/angebote/"+o.ID.String()+"?lang="+lang)
			boxes := all(p.doc, "section", "class", "easy")
			if summary == "" {
				if len(boxes) > 0 {
					t.Errorf("%s (%s): a box %q for an offer without a summary", o.Name, lang, text(boxes[0]))
				}
				return
			}
			if len(boxes) != 1 {
				t.Fatalf("%s (%s): %d boxes in Leichte Sprache, want 1", o.Name, lang, len(boxes))
			}
			if h := text(first(t, boxes[0], "h2")); h != heading {
				t.Errorf("%s (%s): heading %q, want %q", o.Name, lang, h, heading)
			}
			body := first(t, boxes[0], "p", "lang", "de")
			if got, want := text(body), strings.Join(strings.Fields(summary), " "); got != want {
				t.Errorf("%s (%s): summary %q, want %q", o.Name, lang, got, want)
			}
			// First on the page: before the description and every other section.
			if d := all(p.doc, "p", "class", "description"); len(d) > 0 && strings.Index(p.body, `class="easy"`) > strings.Index(p.body, `class="description"`) {
				t.Errorf("%s: the summary comes after the description", o.Name)
			}
		}
		showsSummary(with[0], "de", "In Leichter Sprache", with[0].EasySummary)
		showsSummary(with[0], "en", "In easy German (Leichte Sprache)", with[0].EasySummary)
		showsSummary(without[0], "de", "", "")

		// The coordinator writes a summary in the editor, which explains what Leichte Sprache is.
		sys, tester := tenant.System(), audit.System("test")
		coordinator := auth.User{Email: "leicht@hannover.example", DisplayName: "Koordination", Role: auth.KommuneCoordinator, KommuneID: hannover.ID}
		if err := s.CreateUser(ctx, sys, tester, &coordinator, ""); err != nil {
			t.Fatal(err)
		}
		target := without[0]
		editor := "/verwaltung/angebote/" + target.ID.String()
		p := get(t, browser(t), srv.URL+editor, freshUserHeader, coordinator.ID.String())
		if p.status != http.StatusOK {
			t.Fatalf("editor: %d", p.status)
		}
		area := first(t, p.doc, "textarea", "name", "x_easy_language_summary")
		if d, _ := attr(area, "aria-describedby"); !strings.Contains(d, "f-x_easy_language_summary-hint") {
			t.Errorf("the summary field is not described by its hint: %q", d)
		}
		hint := text(first(t, p.doc, "p", "id", "f-x_easy_language_summary-hint"))
		for _, want := range []string{"Leichte Sprache", "kurze Sätze", "1.000 Zeichen"} {
			if !strings.Contains(hint, want) {
				t.Errorf("hint %q does not say %q", hint, want)
			}
		}
		if label := text(first(t, p.doc, "label", "for", "f-x_easy_language_summary")); label != "Zusammenfassung in Leichter Sprache" {
			t.Errorf("label %q", label)
		}
		form := formValues(t, p.doc, editor)
		if form.Get("name") != target.Name || form.Get("x_easy_language_summary") != "" {
			t.Fatalf("the editor's form: name %q, summary %q", form.Get("name"), form.Get("x_easy_language_summary"))
		}
		post := func(u auth.User, path string, v url.Values) (*http.Response, string) {
			t.Helper()
			req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(v.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(freshUserHeader, u.ID.String())
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}

		// Too long: the form comes back with the message at the field, and nothing changes.
		form.Set("x_easy_language_summary", strings.Repeat("Das ist ein Satz. ", 60))
		resp, body := post(coordinator, editor, form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a summary of %d characters: %d, want 422", len([]rune(form.Get("x_easy_language_summary"))), resp.StatusCode)
		}
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if msg := text(first(t, doc, "p", "id", "f-x_easy_language_summary-error")); !strings.Contains(msg, "1000 Zeichen") {
			t.Errorf("message at the field: %q", msg)
		}
		if msg := text(first(t, doc, "div", "id", "form-message")); !strings.Contains(msg, "Zusammenfassung in Leichter Sprache: höchstens 1000 Zeichen") {
			t.Errorf("message above the form: %q", msg)
		}
		if got, _ := s.GetOffer(ctx, sys, target.ID); got.EasySummary != "" {
			t.Fatalf("a refused summary was saved: %q", got.EasySummary)
		}

		// Line breaks arrive as CRLF from a browser and are kept as lines.
		summary := "Hier treffen sich Familien.\r\nSie können einfach kommen.\r\nDas kostet nichts."
		form.Set("x_easy_language_summary", summary)
		if resp, body := post(coordinator, editor, form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", resp.StatusCode, body)
		}
		saved, err := s.GetOffer(ctx, sys, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.ReplaceAll(summary, "\r\n", "\n"); saved.EasySummary != want {
			t.Fatalf("saved summary %q, want %q", saved.EasySummary, want)
		}
		showsSummary(saved, "de", "In Leichter Sprache", saved.EasySummary)

		// A provider's change of the summary is a row of the Freigabe's comparison.
		orgEditor := auth.User{Email: "leicht@traeger.example", DisplayName: "Redaktion", Role: auth.ProviderEditor,
			KommuneID: hannover.ID, OrganizationIDs: []uuid.UUID{saved.OrganizationID}}
		if err := s.CreateUser(ctx, sys, tester, &orgEditor, ""); err != nil {
			t.Fatal(err)
		}
		form.Set("x_easy_language_summary", "Hier treffen sich Familien.\nDas kostet nichts.")
		form.Set("action", "submit")
		resp, body = post(orgEditor, editor, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the provider's change: %d\n%s", resp.StatusCode, body)
		}
		changes, err := s.ListChanges(ctx, sys, store.ChangeFilter{OfferID: target.ID, States: []workflow.State{workflow.Submitted}})
		if err != nil || len(changes) != 1 {
			t.Fatalf("change requests: %v %v", changes, err)
		}
		p = get(t, browser(t), srv.URL+"/verwaltung/freigaben/"+changes[0].ID.String(), freshUserHeader, coordinator.ID.String())
		var rows []string
		for _, tr := range all(p.doc, "tr", "class", "diff__changed") {
			rows = append(rows, text(tr))
		}
		if len(rows) != 1 || !strings.HasPrefix(rows[0], "Zusammenfassung in Leichter Sprache") || !strings.Contains(rows[0], "Sie können einfach kommen.") {
			t.Errorf("changed rows of the comparison: %q, want the summary only", rows)
		}

		// The API carries the summary as an HSDS extension field, and leaves it out when there is none.
		apiOffer := func(id uuid.UUID) map[string]any {
			t.Helper()
			resp, err := http.Get(srv.URL + "/api/v1/offers/" + id.String())
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var m map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("api offer: %d %v", resp.StatusCode, err)
			}
			return m
		}
		if got := apiOffer(saved.ID)["x_easy_language_summary"]; got != saved.EasySummary {
			t.Errorf("API x_easy_language_summary %q, want %q", got, saved.EasySummary)
		}
		if _, ok := apiOffer(without[1].ID)["x_easy_language_summary"]; ok {
			t.Error("the API names a summary for an offer without one")
		}
	})
}
