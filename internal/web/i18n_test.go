package web

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/portal"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/workflow"
)

// families are the message ids the pages build from a prefix and a value: every value must have a text.
func families() map[string][]string {
	weekdays := []string{"1", "2", "3", "4", "5", "6", "7"} // 1 Monday … 7 Sunday, as catalog.Weekly and isoWeekday
	return map[string][]string{
		"cost.":              catalog.CostKinds,
		"access.":            catalog.AccessKinds,
		"delivery.":          catalog.Deliveries,
		"status.":            catalog.Statuses,
		"kommune.type.":      region.Types,
		"band.":              region.AgeBands,
		"errorpage.heading.": {"400", "404", "500", "503", "other"},
		"weekday.short.":     weekdays,
		"weekday.long.":      weekdays,
		"age.months":         {"", "_dative"},
		"age.years":          {"", "_dative"},
		"kommune.chart.":     {taxonomy.Phase, taxonomy.Field},
		"change.state.": {string(workflow.Draft), string(workflow.Submitted), string(workflow.Returned),
			string(workflow.Approved), string(workflow.Withdrawn)},
		"change.kind.":      {string(workflow.Create), string(workflow.Update)},
		"auditlog.action.":  {"create", "update", "delete"},
		"auditlog.entity.":  auditEntities,
		"planning.step.":    {"bestandsaufnahme", "bedarfsanalyse", "ziele", "massnahmen", "monitoring"},
		"planning.status.":  {"planned", "in_progress", "done", "dropped"},
		"publicchain.view.": portal.ChainViews,
	}
}

var (
	// templateID finds {{t "id" …}} and (t "id" …) in the templates.
	templateID = regexp.MustCompile(`[{(]-?\s*t\s+"([^"]+)"`)
	// templateFamily finds ids built in a template with (print "prefix." .Value).
	templateFamily = regexp.MustCompile(`print\s+"([^"]+)"`)
	// goID is what a message id looks like in Go code: dotted lower-case words.
	goID = regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+\.?$`)
)

// usedIDs collects the message ids the templates and the Go code of this package use; prefixes of built ids
// come back separately.
func usedIDs(t *testing.T, namespaces map[string]bool) (ids, prefixes map[string]bool) {
	t.Helper()
	ids, prefixes = map[string]bool{}, map[string]bool{}
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range templateID.FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = true
		}
		for _, m := range templateFamily.FindAllStringSubmatch(string(b), -1) {
			prefixes[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			s = strings.TrimSuffix(s, "%d")
			if !goID.MatchString(s) || !namespaces[strings.SplitN(s, ".", 2)[0]] {
				return true
			}
			if strings.HasSuffix(s, ".") || families()[s] != nil {
				prefixes[s] = true
			} else {
				ids[s] = true
			}
			return true
		})
	}
	return ids, prefixes
}

// webCatalogue reads the ids of locales/web.<lang>.json.
func webCatalogue(t *testing.T, lang string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "i18n", "locales", "web."+lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("web.%s.json: %v", lang, err)
	}
	ids := map[string]bool{}
	for id := range m {
		ids[id] = true
	}
	return ids
}

func TestEveryMessageThePagesUseExistsInGermanAndEnglish(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	namespaces := map[string]bool{}
	for _, id := range bundle.IDs(i18n.Default) {
		namespaces[strings.SplitN(id, ".", 2)[0]] = true
	}
	ids, prefixes := usedIDs(t, namespaces)
	if len(ids) < 50 {
		t.Fatalf("found only %d message ids in templates and code; the scan is broken", len(ids))
	}
	fam := families()
	for p := range prefixes {
		values, ok := fam[p]
		if !ok {
			t.Errorf("ids are built from %q, but the test does not know its values: add it to families()", p)
		}
		for _, v := range values {
			ids[p+v] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		for _, lang := range []string{"de", "en"} {
			if !bundle.Has(lang, id) {
				t.Errorf("message %q is used but has no %s text", id, lang)
			}
		}
	}
	// The catalogue of the pages holds what they use and nothing else (the error texts are shared with the API
	// and live in errors.*.json).
	de, en := webCatalogue(t, "de"), webCatalogue(t, "en")
	for id := range de {
		if !ids[id] {
			t.Errorf("web.de.json has %q, which no page uses", id)
		}
	}
	if d := symmetricDifference(de, en); len(d) > 0 {
		t.Errorf("web.de.json and web.en.json differ in %v", d)
	}
	if d := symmetricDifference(setOf(bundle.IDs("de")), setOf(bundle.IDs("en"))); len(d) > 0 {
		t.Errorf("German and English catalogues differ in %v", d)
	}
}

// publicTemplates and publicGoFiles make the pages families see; every message they use must exist in every
// language of the switcher. (forms.html also holds the administration's offer editor, and search.go,
// portal.go and session.go also serve coordinators' pages: their public messages are checked by area in
// internal/i18n.)
var (
	publicTemplates = []string{"layout", "partials", "start", "kommune", "area", "organization", "offer", "search",
		"portal", "legal", "login", "error"}
	publicGoFiles = []string{"start.go", "kommune.go", "area.go", "organization.go", "offer.go", "age.go", "format.go",
		"pager.go", "templates.go", "errors.go"}
)

func TestEveryMessageThePublicPagesUseExistsInEveryLanguage(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	namespaces := map[string]bool{}
	for _, id := range bundle.IDs(i18n.Default) {
		namespaces[strings.SplitN(id, ".", 2)[0]] = true
	}
	ids, prefixes := map[string]bool{}, map[string]bool{}
	for _, name := range publicTemplates {
		b, err := templateFS.ReadFile("templates/" + name + ".html")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateID.FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = true
		}
		for _, m := range templateFamily.FindAllStringSubmatch(string(b), -1) {
			prefixes[m[1]] = true
		}
	}
	fset := token.NewFileSet()
	for _, name := range publicGoFiles {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			s = strings.TrimSuffix(s, "%d")
			if goID.MatchString(s) && namespaces[strings.SplitN(s, ".", 2)[0]] {
				if strings.HasSuffix(s, ".") || families()[s] != nil {
					prefixes[s] = true
				} else {
					ids[s] = true
				}
			}
			return true
		})
	}
	for p := range prefixes {
		for _, v := range families()[p] {
			ids[p+v] = true
		}
	}
	if len(ids) < 150 {
		t.Fatalf("found only %d message ids on the public pages; the scan is broken", len(ids))
	}
	if got := bundle.Languages(); len(got) != 6 {
		t.Fatalf("languages %v, want six", got)
	}
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		for _, lang := range bundle.Languages() {
			if !bundle.Has(lang, id) {
				t.Errorf("the public pages use %q, which has no %s text", id, lang)
			}
		}
	}
}

func TestLanguageNamesAreInTheirOwnLanguage(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية",
		"uk": "Українська", "ru": "Русский"} {
		if got := bundle.For(lang).T("language.name"); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

func symmetricDifference(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	for k := range b {
		if !a[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func setOf(list []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range list {
		m[s] = true
	}
	return m
}
