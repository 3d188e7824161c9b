package workflow

import (
	"slices"
	"testing"

	"github.com/kette-org/kette/internal/catalog"
)

// TestTheFreigabeComparesTheLeichteSpracheSummary: a changed summary is one changed row with both texts; an
// unchanged one is a row that is not marked; a new offer shows it as new.
func TestTheFreigabeComparesTheLeichteSpracheSummary(t *testing.T) {
	row := func(d []Change) Change {
		t.Helper()
		i := slices.IndexFunc(d, func(c Change) bool { return c.Field == "x_easy_language_summary" })
		if i < 0 {
			t.Fatal("no row for the Leichte-Sprache summary")
		}
		return d[i]
	}
	base := catalog.Offer{Name: "Elterncafé", EasySummary: "Hier treffen sich Familien."}
	proposed := base
	proposed.EasySummary = "Hier treffen sich Familien.\nDas kostet nichts."
	d := Diff(&base, proposed)
	if c := row(d); !c.Changed || !slices.Equal(c.Before, []string{base.EasySummary}) || !slices.Equal(c.After, []string{proposed.EasySummary}) {
		t.Errorf("changed summary: %+v", c)
	}
	for _, c := range d {
		if c.Changed && c.Field != "x_easy_language_summary" {
			t.Errorf("row %s marked as changed", c.Field)
		}
	}
	if c := row(Diff(&base, base)); c.Changed {
		t.Errorf("unchanged summary marked: %+v", c)
	}
	if c := row(Diff(nil, proposed)); !c.Changed || c.Before != nil {
		t.Errorf("new offer: %+v", c)
	}
}
