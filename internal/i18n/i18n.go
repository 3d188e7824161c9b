// Package i18n is the message catalogue: every text a user sees is looked up here by id, German first. The
// catalogue files are embedded (locales/*.<lang>.json, one file per area of the product so that features do not
// edit each other's files); github.com/nicksnyder/go-i18n does the lookup, templating and plural rules, and
// golang.org/x/text/language picks the language from Accept-Language.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/kette-org/kette/internal/errs"
)

//go:embed locales/*.json
var locales embed.FS

// Default is the language every message exists in.
const Default = "de"

// Bundle holds the loaded catalogue.
type Bundle struct {
	b       *goi18n.Bundle
	langs   []language.Tag
	matcher language.Matcher
	ids     map[string]map[string]bool // lang → message ids
	// complete are the languages with every message, for the administration.
	complete        []language.Tag
	completeMatcher language.Matcher
}

// New loads the embedded catalogue.
func New() (*Bundle, error) {
	b := goi18n.NewBundle(language.German)
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil {
		return nil, err
	}
	ids := map[string]map[string]bool{}
	seen := map[language.Tag]bool{language.German: true}
	langs := []language.Tag{language.German}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(locales, f)
		if err != nil {
			return nil, fmt.Errorf("i18n %s: %w", f, err)
		}
		lang := mf.Tag.String()
		if ids[lang] == nil {
			ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			ids[lang][m.ID] = true
		}
		if !seen[mf.Tag] {
			seen[mf.Tag] = true
			langs = append(langs, mf.Tag)
		}
	}
	// The order of the language switcher: German, English, then the languages families in Germany most often
	// speak; a catalogue file of another language comes last.
	sort.SliceStable(langs, func(i, j int) bool { return rank(langs[i]) < rank(langs[j]) })
	bundle := &Bundle{b: b, langs: langs, matcher: language.NewMatcher(langs), ids: ids}
	for _, t := range langs {
		if bundle.hasAll(t.String()) {
			bundle.complete = append(bundle.complete, t)
		}
	}
	bundle.completeMatcher = language.NewMatcher(bundle.complete)
	return bundle, nil
}

// order is the order of the languages in the switcher.
var order = []string{"de", "en", "tr", "ar", "uk", "ru"}

func rank(t language.Tag) int {
	for i, code := range order {
		if t.String() == code {
			return i
		}
	}
	return len(order)
}

// Complete reports whether the language has every message German has. Turkish, Arabic, Ukrainian and Russian
// cover the public site only; the administration is shown in a complete language.
func (b *Bundle) Complete(lang string) bool {
	return slices.ContainsFunc(b.complete, func(t language.Tag) bool { return t.String() == lang })
}

func (b *Bundle) hasAll(lang string) bool {
	if b.ids[lang] == nil {
		return false
	}
	for id := range b.ids[Default] {
		if !b.ids[lang][id] {
			return false
		}
	}
	return true
}

// CompleteLanguages lists the complete languages, German first.
func (b *Bundle) CompleteLanguages() []string {
	out := make([]string, len(b.complete))
	for i, t := range b.complete {
		out[i] = t.String()
	}
	return out
}

// MatchComplete is Match among the complete languages: the language of the administration.
func (b *Bundle) MatchComplete(prefs ...string) string {
	_, idx, conf := b.completeMatcher.Match(parsePrefs(prefs)...)
	if conf == language.No {
		return Default
	}
	return b.complete[idx].String()
}

// Languages lists the languages of the catalogue, German first.
func (b *Bundle) Languages() []string {
	out := make([]string, len(b.langs))
	for i, t := range b.langs {
		out[i] = t.String()
	}
	return out
}

// IDs returns the message ids of a language, sorted.
func (b *Bundle) IDs(lang string) []string {
	var out []string
	for id := range b.ids[lang] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Has reports whether the language has the message id.
func (b *Bundle) Has(lang, id string) bool { return b.ids[lang][id] }

// Match picks the best language of the catalogue for the given preferences (a cookie value, an Accept-Language
// header); German when nothing matches.
func (b *Bundle) Match(prefs ...string) string {
	_, idx, conf := b.matcher.Match(parsePrefs(prefs)...)
	if conf == language.No {
		return Default
	}
	return b.langs[idx].String()
}

func parsePrefs(prefs []string) []language.Tag {
	var tags []language.Tag
	for _, p := range prefs {
		if p == "" {
			continue
		}
		t, _, err := language.ParseAcceptLanguage(p)
		if err == nil {
			tags = append(tags, t...)
		}
	}
	return tags
}

// Localizer translates into one language, falling back to German.
type Localizer struct {
	Lang string
	l    *goi18n.Localizer
	b    *Bundle
}

// For returns a Localizer for the given language code.
func (b *Bundle) For(lang string) *Localizer {
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(b.b, lang, Default), b: b}
}

// T translates a message id with optional template data. An unknown id is returned as it is, so a missing
// message shows up in the page instead of breaking it; tests check that every id used exists.
func (l *Localizer) T(id string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 && data[0] != nil {
		cfg.TemplateData = data[0]
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := l.l.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	return s
}

// FieldMessage renders a field error as "Label: message", naming the field in the user's language.
func (l *Localizer) FieldMessage(f errs.FieldError) string {
	label := l.T("field." + f.Field)
	if label == "field."+f.Field {
		label = f.Field
	}
	return label + ": " + l.T(f.Message, f.Data)
}

// ErrorMessage is the user's text for an error: its own message or the default for its code.
func (l *Localizer) ErrorMessage(err error) string {
	e := errs.As(err)
	msg := e.Message
	if msg == "" || e.Code == errs.Internal {
		msg = errs.DefaultMessage(e.Code)
	}
	return l.T(msg)
}

// Dir is the text direction of the language.
func (l *Localizer) Dir() string {
	switch strings.SplitN(l.Lang, "-", 2)[0] {
	case "ar", "fa", "he", "ur":
		return "rtl"
	}
	return "ltr"
}
