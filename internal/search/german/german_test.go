package german

import (
	"slices"
	"testing"
)

func TestFoldTreatsUmlautsAndTheirSpellingsAlike(t *testing.T) {
	for in, want := range map[string]string{
		"Frühförderung":     "fruehfoerderung",
		"Fruehfoerderung":   "fruehfoerderung",
		"FRÜHFÖRDERUNG":     "fruehfoerderung",
		"Straße":            "strasse",
		"Café, Kita-Gruppe": "cafe  kita gruppe",
		"Türkçe":            "tuerkce",
		"Українська":        "українська",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWordsDropStopWordsAndSingleLetters(t *testing.T) {
	got := Words("Hilfe für Eltern und Kinder – U9 a")
	want := []string{"hilfe", "eltern", "kinder", "u9"}
	if !slices.Equal(got, want) {
		t.Errorf("Words = %v, want %v", got, want)
	}
}

func TestStemJoinsInflectedForms(t *testing.T) {
	for _, pair := range [][2]string{{"kurse", "kurs"}, {"beratungen", "beratung"}, {"hebammen", "hebamme"},
		{"familien", "familie"}, {"kindern", "kinder"}, {"kitas", "kita"}, {"babys", "baby"}} {
		if a, b := Stem(pair[0]), Stem(pair[1]); a != b {
			t.Errorf("Stem(%q) = %q, Stem(%q) = %q; want equal", pair[0], a, pair[1], b)
		}
	}
}
