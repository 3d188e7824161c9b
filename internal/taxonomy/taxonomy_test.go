package taxonomy

import "testing"

func TestBuiltinVocabulary(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{Phase: 6, Field: 9, Transition: 4, TargetGroup: 9, OrganizationKind: 14}
	for code, n := range want {
		if got := len(s.Terms(code)); got != n {
			t.Errorf("%s: %d terms, want %d", code, got, n)
		}
	}
	if got := len(s.Terms(Language)); got != 183 {
		t.Errorf("languages: %d, want the 183 current ISO 639-1 codes", got)
	}
	if l := s.Terms(Language)[0]; l.Code != "de" || l.LabelDE != "Deutsch" || l.LabelEN != "German" {
		t.Errorf("first language: %+v, want German first", l)
	}
	if got := s.Label(Language, "tr", "de"); got != "Türkisch" {
		t.Errorf("Turkish in German: %q", got)
	}
	if got := s.Label(Language, "uk", "en"); got != "Ukrainian" {
		t.Errorf("Ukrainian in English: %q", got)
	}
	if got := s.Label(Field, "early_help", "de"); got != "Frühe Hilfen & Kinderschutz" {
		t.Errorf("field label: %q", got)
	}
	phases := s.Terms(Phase)
	for i := 1; i < len(phases); i++ {
		if phases[i].MinAgeMonths == nil || phases[i].MaxAgeMonths == nil || *phases[i].MinAgeMonths > *phases[i].MaxAgeMonths {
			t.Errorf("phase %s has no sound age range", phases[i].Code)
		}
	}
	seen := map[string]bool{}
	for _, tax := range s.Taxonomies {
		for _, term := range tax.Terms {
			key := term.URI()
			if seen[key] || term.LabelDE == "" || term.LabelEN == "" {
				t.Errorf("term %s is duplicate or lacks a label", key)
			}
			seen[key] = true
		}
	}
}
