package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed templates/*.html
var templateFS embed.FS

// sharedTemplates are parsed into every page.
// chainparts.html holds what the chain pages of the administration and the public chain view share; it is
// German and English only, as they are, so it is not one of the public pages' partials.
var sharedTemplates = []string{"templates/layout.html", "templates/partials.html", "templates/forms.html", "templates/chainparts.html"}

// loadTemplates parses every page together with the layout and binds, per language of the catalogue, the
// functions that translate and format. Each language gets its own copy, so rendering needs no per-request
// cloning and html/template escapes every page once.
func (s *server) loadTemplates() error {
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	proto := s.funcs(i18n.Default)
	s.pages = map[string]map[string]*template.Template{}
	for _, lang := range s.i18n.Languages() {
		s.pages[lang] = map[string]*template.Template{}
	}
	for _, p := range pages {
		if containsString(sharedTemplates, p) {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		parsed, err := template.New(name).Funcs(proto).ParseFS(templateFS, append(append([]string{}, sharedTemplates...), p)...)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		for _, lang := range s.i18n.Languages() {
			c, err := parsed.Clone()
			if err != nil {
				return fmt.Errorf("web: template %s: %w", name, err)
			}
			s.pages[lang][name] = c.Funcs(s.funcs(lang))
		}
	}
	return nil
}

// funcs are the template functions in one language.
func (s *server) funcs(lang string) template.FuncMap {
	l := s.i18n.For(lang)
	tax := s.store.Taxonomies()
	// Digits stay Western (0–9) in Arabic too, like the postcodes, phone numbers and dates on the same page.
	printer := message.NewPrinter(language.Make(lang + "-u-nu-latn"))
	return template.FuncMap{
		// t translates a message id; further arguments are pairs of template data ("Count", 3).
		"t": func(id string, pairs ...any) string { return l.T(id, pairsMap(pairs)) },
		// label is the label of a taxonomy term, labels those of several.
		"label": func(taxonomy, code string) string { return tax.Label(taxonomy, code, lang) },
		"labels": func(taxonomy string, codes []string) []string {
			out := make([]string, len(codes))
			for i, c := range codes {
				out[i] = tax.Label(taxonomy, c, lang)
			}
			return out
		},
		// bands are the age bands of the children counts ("0-2" …), for table headings.
		"bands":   func() []string { return region.AgeBands },
		"age":     func(min, max *int) string { return ageText(l, min, max) },
		"date":    func(v any) string { return formatDate(l, v, s.berlin) },
		"time":    func(t time.Time) string { return t.In(s.berlin).Format("15:04") },
		"num":     func(n int) string { return printer.Sprintf("%d", n) },
		"weekday": func(n int) string { return l.T(fmt.Sprintf("weekday.short.%d", n)) },
		"weekdayLong": func(n int) string {
			return l.T(fmt.Sprintf("weekday.long.%d", n))
		},
		// input describes one form field: input form "email" "login.email" "email" "autocomplete=username" "required".
		"input": func(f formState, name, labelID, typ string, opts ...string) fieldView {
			return newFieldView(l, f.state(), name, labelID, typ, opts)
		},
		// checks and choice describe a checkbox group and a select with the form's message for them.
		"checks": func(f formState, name, legend string, items []checkItem) checkGroup {
			return checkGroup{Name: name, Legend: legend, Items: items, Error: f.state().Errors[name]}
		},
		"choice": func(f formState, name, labelID string, opts []option) checkGroup {
			return checkGroup{Name: name, Legend: l.T(labelID), Options: opts, Error: f.state().Errors[name]}
		},
		"tel": telHref,
		"osm": osmURL,
		"areaMap": func(id, title, caption string, m any, legend []legendItem, none string) areaMapFigure {
			return areaMapFigure{ID: id, Title: title, Caption: caption, Map: m, Legend: legend, None: none}
		},
		"static": s.static.url,
		"eventTime": func(e catalog.Event, zone string) eventTimes {
			return eventTimesOf(l, e, zone, s.berlin)
		},
	}
}

// pairsMap turns ("Key", value, …) into template data.
func pairsMap(pairs []any) map[string]any {
	if len(pairs) == 0 {
		return nil
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		if k, ok := pairs[i].(string); ok {
			m[k] = pairs[i+1]
		}
	}
	return m
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// areaMapFigure is what the "area-map" template draws: a map of Sozialräume shaded by a value (Map holds
// Areas and ViewBox), its legend and, when None is set, the swatch of Areas without a value.
type areaMapFigure struct {
	ID, Title, Caption string
	Map                any
	Legend             []legendItem
	None               string
}
