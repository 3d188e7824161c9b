// Package taxonomy holds Kette's vocabularies as data: life phases (with age ranges), fields of action, target
// groups, transitions, organization kinds and languages. They are defined in the embedded taxonomies.json
// (languages: ISO 639-1 with names from the Unicode CLDR via golang.org/x/text), carry a version, are seeded
// into the database on migrate, and map to Open Referral HSDS taxonomy terms through their URIs.
package taxonomy

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Codes of the taxonomies.
const (
	Phase            = "phase"
	Field            = "field"
	TargetGroup      = "target_group"
	Transition       = "transition"
	OrganizationKind = "organization_kind"
	Language         = "language"
)

// Term is one entry of a taxonomy.
type Term struct {
	Taxonomy string `json:"taxonomy"`
	Code     string `json:"code"`
	LabelDE  string `json:"label_de"`
	LabelEN  string `json:"label_en"`
	// Labels are the labels in the further languages of the public site (tr, ar, uk, ru), from
	// translations.json and, for languages, from CLDR; they are not stored in the database.
	Labels       map[string]string `json:"-"`
	Sort         int               `json:"sort"`
	MinAgeMonths *int              `json:"min_age_months,omitempty"`
	MaxAgeMonths *int              `json:"max_age_months,omitempty"`
}

// URI is the term's HSDS term_uri.
func (t Term) URI() string { return "urn:kette:taxonomy:" + t.Taxonomy + ":" + t.Code }

// Label returns the label in lang, German when the term has none in that language.
func (t Term) Label(lang string) string {
	if lang == "en" && t.LabelEN != "" {
		return t.LabelEN
	}
	if l := t.Labels[lang]; l != "" {
		return l
	}
	return t.LabelDE
}

// Translated are the languages besides German and English that every term has a label in.
var Translated = []string{"tr", "ar", "uk", "ru"}

// Taxonomy is a named, versioned vocabulary.
type Taxonomy struct {
	Code    string `json:"code"`
	NameDE  string `json:"name_de"`
	NameEN  string `json:"name_en"`
	Version int    `json:"version"`
	Terms   []Term `json:"terms"`
}

// Set is the full vocabulary, looked up by taxonomy and code.
type Set struct {
	Version    int
	Taxonomies []Taxonomy
	index      map[string]map[string]Term
}

// NewSet indexes taxonomies.
func NewSet(version int, taxs []Taxonomy) *Set {
	s := &Set{Version: version, Taxonomies: taxs, index: map[string]map[string]Term{}}
	for _, t := range taxs {
		m := map[string]Term{}
		for _, term := range t.Terms {
			m[term.Code] = term
		}
		s.index[t.Code] = m
	}
	return s
}

// Has reports whether code is a term of taxonomy.
func (s *Set) Has(taxonomy, code string) bool {
	_, ok := s.index[taxonomy][code]
	return ok
}

// Term returns a term; ok is false for unknown codes.
func (s *Set) Term(taxonomy, code string) (Term, bool) {
	t, ok := s.index[taxonomy][code]
	return t, ok
}

// Terms returns the terms of a taxonomy in their order.
func (s *Set) Terms(taxonomy string) []Term {
	for _, t := range s.Taxonomies {
		if t.Code == taxonomy {
			return t.Terms
		}
	}
	return nil
}

// Label returns the label of a term in lang, or the code itself when unknown.
func (s *Set) Label(taxonomy, code, lang string) string {
	if t, ok := s.Term(taxonomy, code); ok {
		return t.Label(lang)
	}
	return code
}

//go:embed taxonomies.json
var definitionJSON []byte

// translationsJSON holds the labels in the Translated languages: lang → taxonomy → code → label. A file of its
// own, so that translators work in one place per language.
//
//go:embed translations.json
var translationsJSON []byte

type definition struct {
	Version    int `json:"version"`
	Taxonomies []struct {
		Code  string `json:"code"`
		DE    string `json:"de"`
		EN    string `json:"en"`
		Terms []struct {
			Code         string `json:"code"`
			DE           string `json:"de"`
			EN           string `json:"en"`
			MinAgeMonths *int   `json:"min_age_months"`
			MaxAgeMonths *int   `json:"max_age_months"`
		} `json:"terms"`
	} `json:"taxonomies"`
}

// iso6391 lists every ISO 639-1 code; their names come from CLDR.
const iso6391 = "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"

// Builtin returns the vocabulary shipped with this binary. Its Version is what migrate seeds.
func Builtin() (*Set, error) {
	var d definition
	if err := json.Unmarshal(definitionJSON, &d); err != nil {
		return nil, fmt.Errorf("taxonomies.json: %w", err)
	}
	var tr map[string]map[string]map[string]string
	if err := json.Unmarshal(translationsJSON, &tr); err != nil {
		return nil, fmt.Errorf("translations.json: %w", err)
	}
	var taxs []Taxonomy
	for _, t := range d.Taxonomies {
		tax := Taxonomy{Code: t.Code, NameDE: t.DE, NameEN: t.EN, Version: d.Version}
		for i, term := range t.Terms {
			labels := map[string]string{}
			for _, lang := range Translated {
				if l := tr[lang][t.Code][term.Code]; l != "" {
					labels[lang] = l
				}
			}
			tax.Terms = append(tax.Terms, Term{Taxonomy: t.Code, Code: term.Code, LabelDE: term.DE, LabelEN: term.EN,
				Labels: labels, Sort: i + 1, MinAgeMonths: term.MinAgeMonths, MaxAgeMonths: term.MaxAgeMonths})
		}
		taxs = append(taxs, tax)
	}
	taxs = append(taxs, languages(d.Version))
	return NewSet(d.Version, taxs), nil
}

func languages(version int) Taxonomy {
	de, en := display.German.Languages(), display.English.Languages()
	tax := Taxonomy{Code: Language, NameDE: "Sprache", NameEN: "Language", Version: version}
	namers := map[string]display.Namer{}
	for _, lang := range Translated {
		namers[lang] = display.Languages(language.Make(lang))
	}
	for _, code := range strings.Fields(iso6391) {
		tag := language.Make(code)
		labels := map[string]string{}
		for lang, n := range namers {
			if name := n.Name(tag); name != "" {
				labels[lang] = upperFirst(name)
			}
		}
		tax.Terms = append(tax.Terms, Term{Taxonomy: Language, Code: code, LabelDE: nameOr(de.Name(tag), code),
			LabelEN: nameOr(en.Name(tag), code), Labels: labels})
	}
	// German first, then the languages most asked for in German family services, then the rest alphabetically.
	first := map[string]int{"de": 1, "en": 2, "tr": 3, "ar": 4, "uk": 5, "ru": 6, "pl": 7, "ro": 8, "fa": 9, "ku": 10}
	sort.SliceStable(tax.Terms, func(i, j int) bool {
		a, b := first[tax.Terms[i].Code], first[tax.Terms[j].Code]
		if a != 0 || b != 0 {
			return a != 0 && (b == 0 || a < b)
		}
		return tax.Terms[i].LabelDE < tax.Terms[j].LabelDE
	})
	for i := range tax.Terms {
		tax.Terms[i].Sort = i + 1
	}
	return tax
}

// upperFirst capitalises a CLDR language name ("немецкий"), which stands alone in lists and badges here.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func nameOr(name, code string) string {
	if name == "" {
		return code
	}
	return name
}
