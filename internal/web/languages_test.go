package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/taxonomy"
)

// The six languages of the switcher, each named in itself.
var switcherNames = []string{"Deutsch", "English", "Türkçe", "العربية", "Українська", "Русский"}

func TestFamiliesReadThePublicSiteInTheirLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newSearchSite(t, s, true)
		base := site.srv.URL
		bundle, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		braunschweig, err := s.GetKommuneByAGS(ctx, public, "03101000")
		if err != nil {
			t.Fatal(err)
		}
		d := demoSite{s: s, url: base, kommune: braunschweig}

		t.Run("Accept-Language picks Turkish, Arabic (right to left), Ukrainian and Russian", func(t *testing.T) {
			for header, lang := range map[string]string{"tr-TR,tr;q=0.9": "tr", "ar-SY,ar;q=0.9,de;q=0.3": "ar",
				"uk-UA,uk;q=0.9,ru;q=0.5": "uk", "ru-RU,ru;q=0.9": "ru"} {
				p := d.get(t, "/", "Accept-Language", header)
				root := first(t, p.doc, "html")
				gotLang, _ := attr(root, "lang")
				gotDir, _ := attr(root, "dir")
				wantDir := bundle.For(lang).Dir()
				if gotLang != lang || gotDir != wantDir || p.header.Get("Content-Language") != lang {
					t.Errorf("%s: <html lang=%q dir=%q>, Content-Language %q; want %s, %s", header, gotLang, gotDir,
						p.header.Get("Content-Language"), lang, wantDir)
				}
				if h1, want := text(first(t, p.doc, "h1")), bundle.For(lang).T("start.heading"); h1 != want {
					t.Errorf("%s: h1 %q, want %q", header, h1, want)
				}
			}
			if dir, _ := attr(first(t, d.get(t, "/", "Accept-Language", "ar").doc, "html"), "dir"); dir != "rtl" {
				t.Errorf("Arabic page dir=%q", dir)
			}
		})

		t.Run("the switcher offers all six languages, each named in itself with lang and hreflang", func(t *testing.T) {
			p := d.get(t, "/angebote?phase=age_0_3", "Accept-Language", "ar")
			links := all(first(t, p.doc, "nav", "class", "langs"), "a")
			if got := textOf(links); !slices.Equal(got, switcherNames) {
				t.Fatalf("switcher %q, want %q", got, switcherNames)
			}
			for i, a := range links {
				code := bundle.Languages()[i]
				l, _ := attr(a, "lang")
				hl, _ := attr(a, "hreflang")
				href, _ := attr(a, "href")
				if l != code || hl != code || !strings.Contains(href, "lang="+code) || !strings.Contains(href, "phase=age_0_3") {
					t.Errorf("%s: lang=%q hreflang=%q href=%q", code, l, hl, href)
				}
				if _, current := attr(a, "aria-current"); current != (code == "ar") {
					t.Errorf("%s: aria-current %v", code, current)
				}
			}
		})

		t.Run("a chosen language is remembered against the browser's", func(t *testing.T) {
			c := browser(t)
			p := get(t, c, base+"/?lang=uk", "Accept-Language", "de")
			if !strings.Contains(p.header.Get("Set-Cookie"), "lang=uk") {
				t.Fatalf("Set-Cookie %q", p.header.Get("Set-Cookie"))
			}
			p = get(t, c, base+"/angebote", "Accept-Language", "de-DE,de;q=0.9")
			if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "uk" {
				t.Errorf("with the cookie: lang %q, want uk", lang)
			}
			if h1 := text(first(t, p.doc, "h1")); h1 != bundle.For("uk").T("search.title") {
				t.Errorf("search page in Ukrainian: h1 %q", h1)
			}
		})

		t.Run("the offer page marks German texts and says they are German only", func(t *testing.T) {
			o, _, locs := d.offerWithLocation(t)
			de := d.get(t, "/angebote/"+o.ID.String())
			if notes := all(de.doc, "p", "class", "lang-note"); len(notes) != 0 {
				t.Errorf("the German page says its texts are German only: %q", textOf(notes))
			}
			p := d.get(t, "/angebote/"+o.ID.String(), "Accept-Language", "ar")
			if note := text(first(t, p.doc, "p", "class", "lang-note")); note != bundle.For("ar").T("offer.german_only") {
				t.Errorf("note %q", note)
			}
			if name := text(first(t, first(t, p.doc, "h1"), "bdi", "lang", "de")); name != o.Name {
				t.Errorf("the name in the heading is not marked German: %q", name)
			}
			if o.Description != "" {
				if got := text(first(t, p.doc, "p", "class", "description", "lang", "de", "dir", "ltr")); got != o.Description {
					t.Errorf("description %q", got)
				}
			}
			if phone := all(p.doc, "a", "href", "tel:*"); len(phone) == 0 {
				t.Error("no phone link")
			} else if dir, _ := attr(phone[0], "dir"); dir != "ltr" {
				t.Errorf("the phone number is written %q in the Arabic page", dir)
			}
			address := first(t, p.doc, "p", "class", "address")
			if got := textOf(all(address, "bdi")); !slices.Contains(got, locs[0].PostalCode+" "+locs[0].City) {
				t.Errorf("postcode and city are not isolated left to right: %q", got)
			}
			body := text(p.doc)
			for _, code := range o.Phases {
				if label := s.Taxonomies().Label(taxonomy.Phase, code, "ar"); !strings.Contains(body, label) {
					t.Errorf("the phase %s is not shown in Arabic (%q)", code, label)
				}
			}
			if arabicDigits.MatchString(body) {
				t.Errorf("Arabic-Indic digits next to the Western digits of phone numbers and postcodes")
			}
		})

		t.Run("search results in Russian say the offers are German and mark their names", func(t *testing.T) {
			p := d.get(t, "/angebote?phase=age_0_3", "Accept-Language", "ru")
			ru := bundle.For("ru")
			if note := text(first(t, p.doc, "p", "class", "lang-note")); note != ru.T("offers.german_only") {
				t.Errorf("note %q", note)
			}
			results := all(p.doc, "li", "class", "result")
			if len(results) == 0 {
				t.Fatal("no results")
			}
			for _, li := range results {
				a := first(t, li, "a")
				if l, _ := attr(a, "lang"); l != "de" {
					t.Errorf("result %q is not marked German", text(a))
				}
			}
			body := text(p.doc)
			for _, want := range []string{ru.T("search.label.phase"), s.Taxonomies().Label(taxonomy.Phase, "age_0_3", "ru"),
				s.Taxonomies().Label(taxonomy.Field, "health", "ru")} {
				if !strings.Contains(body, want) {
					t.Errorf("the Russian search page does not say %q", want)
				}
			}
		})

		t.Run("legal pages are translated; Leichte Sprache stays German and says so", func(t *testing.T) {
			ar := bundle.For("ar")
			p := d.get(t, "/datenschutz", "Accept-Language", "ar")
			legal := first(t, p.doc, "div", "class", "legal-text")
			if l, marked := attr(legal, "lang"); marked || !strings.Contains(text(legal), strings.SplitN(ar.T("legal.default.privacy"), "\n", 2)[0]) {
				t.Errorf("privacy statement in Arabic: lang=%q, text %.80q", l, text(legal))
			}
			p = d.get(t, "/leichte-sprache", "Accept-Language", "ar")
			legal = first(t, p.doc, "div", "class", "legal-text")
			l, _ := attr(legal, "lang")
			dir, _ := attr(legal, "dir")
			if l != "de" || dir != "ltr" || !strings.Contains(text(legal), "Hier finden Sie Hilfe für Ihre Familie.") {
				t.Errorf("Leichte Sprache: lang=%q dir=%q, text %.80q", l, dir, text(legal))
			}
			if note := text(first(t, p.doc, "p", "class", "lang-note")); note != ar.T("offer.german_only") {
				t.Errorf("note %q", note)
			}
		})

		t.Run("the administration stays German or English, left to right, for an Arabic browser", func(t *testing.T) {
			coordinator := site.user(t, auth.User{Email: "arabisch@braunschweig.example", DisplayName: "Koordination",
				Role: auth.KommuneCoordinator, KommuneID: braunschweig.ID})
			for header, want := range map[string]string{"ar": "de", "ar-SY,ar;q=0.9,en;q=0.5": "en"} {
				p := d.get(t, "/verwaltung?lang=ar", testUserHeader, coordinator, "Accept-Language", header)
				if p.status != http.StatusOK {
					t.Fatalf("status %d", p.status)
				}
				root := first(t, p.doc, "html")
				lang, _ := attr(root, "lang")
				dir, _ := attr(root, "dir")
				if lang != want || dir != "ltr" {
					t.Errorf("%s: <html lang=%q dir=%q>, want %s ltr", header, lang, dir, want)
				}
				if got := textOf(all(first(t, p.doc, "nav", "class", "langs"), "a")); !slices.Equal(got, []string{"Deutsch", "English"}) {
					t.Errorf("the administration offers %q", got)
				}
				if strings.Contains(p.body, `dir="rtl"`) {
					t.Errorf("right-to-left parts in the administration")
				}
			}
			p := d.get(t, "/passwort-vergessen", "Accept-Language", "ru")
			if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "de" {
				t.Errorf("password reset for professionals: lang %q, want de", lang)
			}
			p = d.get(t, "/anmelden", "Accept-Language", "tr")
			if h1 := text(first(t, p.doc, "h1")); h1 != bundle.For("tr").T("login.title") {
				t.Errorf("the public sign-in page in Turkish: %q", h1)
			}
		})
	})
}

var arabicDigits = regexp.MustCompile(`[٠-٩]`)
