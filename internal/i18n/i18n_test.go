package i18n

import (
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/errs"
)

func TestGermanIsTheDefaultAndEveryMessageHasAGermanText(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Match(""); got != "de" {
		t.Fatalf("no preference: got %q, want de", got)
	}
	if got := b.Match("en-GB,en;q=0.9"); got != "en" {
		t.Fatalf("Accept-Language en-GB: got %q, want en", got)
	}
	if got := b.Match("xx"); got != "de" {
		t.Fatalf("unknown language: got %q, want de", got)
	}
	for _, lang := range b.Languages() {
		for _, id := range b.IDs(lang) {
			if !b.Has("de", id) {
				t.Errorf("message %q exists in %s but not in German", id, lang)
			}
		}
	}
}

func TestFieldMessageNamesTheFieldInGerman(t *testing.T) {
	b, _ := New()
	got := b.For("de").FieldMessage(errs.FieldError{Field: "minimum_age_months", Message: "validation.age_range",
		Data: map[string]any{"Min": 24, "Max": 12}})
	want := "Mindestalter: Das Mindestalter (24 Monate) liegt über dem Höchstalter (12 Monate)."
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := b.For("en").T("error.not_found_offer"); !strings.Contains(got, "offer") {
		t.Fatalf("English: got %q", got)
	}
}

// Every area of the product has its own catalogue file; a message id defined in two of them would silently
// take whichever file is read last.
func TestNoMessageIsDefinedInTwoFiles(t *testing.T) {
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil {
		t.Fatal(err)
	}
	where := map[string]string{} // lang + id → file
	for _, f := range files {
		raw, err := fs.ReadFile(locales, f)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]json.RawMessage
		if err := json.Unmarshal(raw, &msgs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		parts := strings.Split(path.Base(f), ".")
		lang := parts[len(parts)-2]
		for id := range msgs {
			if other, dup := where[lang+" "+id]; dup {
				t.Errorf("%q is defined in %s and %s", id, other, f)
			}
			where[lang+" "+id] = f
		}
	}
}
