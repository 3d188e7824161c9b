package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/kette-org/kette/internal/taxonomy"
)

// publicLanguages are the languages the public site is translated into besides German.
var publicLanguages = []string{"en", "tr", "ar", "uk", "ru"}

// publicIDs says, per area of the German catalogue, which of its messages the public site shows: the
// Familienwegweiser (start, Kommune, Sozialraum, Einrichtung, search and offer pages, portal, legal pages,
// sign-in page, error pages). The rest of an area belongs to the administration, which stays German/English.
var publicIDs = map[string]func(id string) bool{
	"web":    func(string) bool { return true },
	"errors": func(string) bool { return true },
	"place":  func(string) bool { return true },
	"map":    func(string) bool { return true },
	// searchlog.* is the coordinators' view of what families search.
	"search": func(id string) bool { return !strings.HasPrefix(id, "searchlog.") },
	// The Kommune edits its portal in the administration; families see the portal and the legal pages. The
	// text in Leichte Sprache is German by definition and shown as German (lang="de") in every language.
	"portal": func(id string) bool {
		return !strings.HasPrefix(id, "portaladmin.") && !strings.HasPrefix(id, "portal.validation.") &&
			id != "legal.default.easy_language"
	},
	// The editor's help for the Leichte-Sprache field is administration; its heading is on the offer page.
	"easy": func(id string) bool { return id == "easy.heading" },
	// The page layout (sign-in link, account menu) and the sign-in page.
	"admin": func(id string) bool {
		return strings.HasPrefix(id, "login.") || strings.HasPrefix(id, "layout.") || id == "form.check_fields"
	},
	"auth": func(id string) bool {
		return slices.Contains([]string{"auth.error.login_failed", "auth.error.disabled", "auth.error.throttled",
			"error.unauthenticated", "error.too_many_requests", "error.not_found_session"}, id)
	},
}

// catalogueFile is one locales/<area>.<lang>.json: id → text or plural forms.
type catalogueFile map[string]json.RawMessage

func readCatalogue(t *testing.T) map[string]map[string]catalogueFile {
	t.Helper()
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]catalogueFile{} // lang → area → file
	for _, f := range files {
		parts := strings.Split(path.Base(f), ".")
		area, lang := parts[0], parts[1]
		raw, err := fs.ReadFile(locales, f)
		if err != nil {
			t.Fatal(err)
		}
		var c catalogueFile
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if out[lang] == nil {
			out[lang] = map[string]catalogueFile{}
		}
		out[lang][area] = c
	}
	return out
}

// forms returns a message's texts by plural form ("" for a plain text).
func forms(t *testing.T, raw json.RawMessage) map[string]string {
	t.Helper()
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return map[string]string{"": s}
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("message %s is neither a text nor plural forms: %v", raw, err)
	}
	return m
}

var templateVar = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func variables(texts map[string]string) []string {
	var out []string
	for _, s := range texts {
		for _, m := range templateVar.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	slices.Sort(out)
	return out
}

// cldrForms are the plural forms a language distinguishes for whole numbers, plus "other", which go-i18n
// always wants.
func cldrForms(lang string) []string {
	tag := language.Make(lang)
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few",
		plural.Many: "many", plural.Other: "other"}
	out := []string{"other"}
	for n := 0; n <= 1000; n++ {
		f := names[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

func TestThePublicSiteIsTranslatedIntoEveryLanguage(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cat := readCatalogue(t)
	german := map[string]json.RawMessage{}
	for area, keep := range publicIDs {
		file, ok := cat[Default][area]
		if !ok {
			t.Fatalf("the public area %q has no German file", area)
		}
		for id, raw := range file {
			if keep(id) {
				german[id] = raw
			}
		}
	}
	if len(german) < 300 {
		t.Fatalf("only %d public message ids; the area list is out of date", len(german))
	}
	translations := map[string]map[string]json.RawMessage{} // lang → id → message, over all its files
	for lang, files := range cat {
		translations[lang] = map[string]json.RawMessage{}
		for _, f := range files {
			for id, raw := range f {
				translations[lang][id] = raw
			}
		}
	}
	// Values for every variable, and counts that reach every plural form of every language.
	counts := []int{0, 1, 2, 3, 5, 11, 21, 100}
	for _, lang := range publicLanguages {
		want := cldrForms(lang)
		l := b.For(lang)
		for _, id := range slices.Sorted(maps.Keys(german)) {
			raw, ok := translations[lang][id]
			if !ok {
				t.Errorf("%s: %q has no translation", lang, id)
				continue
			}
			de, tr := forms(t, german[id]), forms(t, raw)
			if got, wantVars := variables(tr), variables(de); !slices.Equal(got, wantVars) {
				t.Errorf("%s: %q uses the variables %v, German uses %v", lang, id, got, wantVars)
			}
			_, dePlural := de[""]
			_, trPlain := tr[""]
			if !dePlural && trPlain {
				t.Errorf("%s: %q has plural forms in German but one text here", lang, id)
			}
			if !trPlain {
				var got []string
				for f := range tr {
					got = append(got, f)
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s: %q has the plural forms %v; the language needs %v", lang, id, got, want)
				}
			}
			for _, n := range counts {
				data := map[string]any{"Count": n}
				for _, v := range variables(de) {
					if v != "Count" {
						data[v] = fmt.Sprintf("⟨%s⟩", v)
					}
				}
				got := l.T(id, data)
				if got == id || got == "" || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
					t.Errorf("%s: %q does not render with %v: %q", lang, id, data, got)
					break
				}
			}
		}
	}
}

func TestTaxonomyLabelsExistInEveryLanguage(t *testing.T) {
	set, err := taxonomy.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tax := range set.Taxonomies {
		for _, term := range tax.Terms {
			if tax.Code == taxonomy.Language && !slices.Contains(append([]string{Default}, publicLanguages...), term.Code) {
				continue // CLDR names the rarer languages where it can; German stands in for the rest
			}
			for _, lang := range taxonomy.Translated {
				if got := term.Label(lang); got == "" || got == term.LabelDE {
					t.Errorf("%s/%s has no %s label (got %q)", tax.Code, term.Code, lang, got)
				}
			}
		}
	}
	if got := set.Label(taxonomy.Language, "de", "ru"); got != "Немецкий" {
		t.Errorf("German in Russian: %q", got)
	}
	if got := set.Label(taxonomy.Language, "tr", "tr"); got != "Türkçe" {
		t.Errorf("Turkish in Turkish: %q", got)
	}
}

func TestVisitorsGetTheirLanguageAndTheAdministrationAFullOne(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.Languages(), []string{"de", "en", "tr", "ar", "uk", "ru"}; !slices.Equal(got, want) {
		t.Fatalf("languages %v, want %v in this order", got, want)
	}
	names := map[string]string{"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية",
		"uk": "Українська", "ru": "Русский"}
	for lang, want := range names {
		if got := b.For(lang).T("language.name"); got != want {
			t.Errorf("%s is called %q in itself, want %q", lang, got, want)
		}
	}
	for header, want := range map[string]string{
		"tr-TR,tr;q=0.9,de;q=0.5": "tr", "ar-SY,ar;q=0.9": "ar", "uk-UA": "uk", "ru-RU,ru;q=0.8,en;q=0.5": "ru",
		"ar-EG,de;q=0.4": "ar", "fr-FR": "de",
	} {
		if got := b.Match(header); got != want {
			t.Errorf("Accept-Language %q: %q, want %q", header, got, want)
		}
	}
	for _, lang := range []string{"tr", "ar", "uk", "ru"} {
		if b.Complete(lang) {
			t.Errorf("%s claims every message, but only the public site is translated", lang)
		}
	}
	if got := b.CompleteLanguages(); !slices.Equal(got, []string{"de", "en"}) {
		t.Errorf("complete languages %v, want de and en", got)
	}
	// A coordinator whose browser prefers Arabic, then English, gets the administration in English.
	if got := b.MatchComplete("ar-SY,ar;q=0.9,en;q=0.5"); got != "en" {
		t.Errorf("administration for ar,en: %q, want en", got)
	}
	if got := b.MatchComplete("ar"); got != "de" {
		t.Errorf("administration for ar only: %q, want de", got)
	}
	if got := b.For("ar").Dir(); got != "rtl" {
		t.Errorf("Arabic is written %s", got)
	}
	for _, lang := range []string{"de", "en", "tr", "uk", "ru"} {
		if got := b.For(lang).Dir(); got != "ltr" {
			t.Errorf("%s is written %s", lang, got)
		}
	}
}
