package report_test

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/report"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var ctx = context.Background()

// The reports of the demo's Hannover open and say what the analysis says: the PDFs carry the Kommune's name
// and the deliberate gap's sentence with its umlauts, the workbook's cells equal the matrix.
func TestReportsReadBack(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	de := bundle.For("de")
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		a, err := report.Load(ctx, s, tenant.System(), demo.GapHealthKommuneAGS, catalog.DateOf(demo.ReferenceDate))
		if err != nil {
			t.Fatal(err)
		}
		var sentence string
		for _, g := range a.GapRows(de) {
			if g.AreaName == demo.GapHealthArea && g.Phase == demo.GapHealthPhase && g.Field == demo.GapHealthField {
				sentence = g.Sentence
			}
		}
		if !strings.Contains(sentence, "für 0–3-Jährige") {
			t.Fatalf("gap sentence %q", sentence)
		}

		for name, write := range map[string]func(*bytes.Buffer) error{
			"Lückenbericht":    func(b *bytes.Buffer) error { return report.Lueckenbericht(b, a, de) },
			"Sozialraumprofil": func(b *bytes.Buffer) error { return report.Sozialraumprofil(b, a, de) },
		} {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			text := pdfText(t, b.Bytes())
			for _, want := range []string{name, a.Matrix.Kommune.Name, sentence} {
				if !strings.Contains(text, squeeze(want)) {
					t.Errorf("%s does not contain %q", name, want)
				}
			}
		}

		var b bytes.Buffer
		if err := report.XLSX(&b, a, de); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(de.T("chainview.sheet.matrix"))
		if err != nil {
			t.Fatal(err)
		}
		want := len(a.Matrix.Cells) + len(a.Matrix.Transitions)
		if len(rows) != want+1 {
			t.Fatalf("matrix sheet has %d rows, want %d and the header", len(rows), want)
		}
		for i, c := range append(append(a.Matrix.Cells[:0:0], a.Matrix.Cells...), a.Matrix.Transitions...) {
			r := rows[i+1]
			supply, _ := strconv.Atoi(r[7])
			children, _ := strconv.ParseFloat(r[5], 64)
			if r[0] != c.AreaKey || r[1] != c.AreaName || supply != c.Supply || int(children) != int(c.Children+0.5) {
				t.Fatalf("row %d = %v, want %s %s supply %d children %.0f", i+2, r, c.AreaKey, c.AreaName, c.Supply, c.Children)
			}
		}
		gaps, err := f.GetRows(de.T("chainview.sheet.gaps"))
		if err != nil {
			t.Fatal(err)
		}
		if len(gaps) != len(a.Matrix.Gaps)+1 {
			t.Fatalf("gap sheet has %d rows, want %d gaps and the header", len(gaps), len(a.Matrix.Gaps))
		}
		found := false
		for _, r := range gaps[1:] {
			found = found || r[len(r)-1] == sentence
		}
		if !found {
			t.Errorf("gap sheet lacks %q", sentence)
		}
	})
}

// pdfText extracts the text of a PDF without whitespace, so that lines wrapped by the layout still match.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		rows, err := p.GetTextByRow()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for _, w := range row.Content {
				out.WriteString(w.S)
			}
		}
	}
	return squeeze(out.String())
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// Both PDFs show the Bedarfsindex as the chain page does: the formula, and each chosen indicator with its
// weight, share and reading (higher is worse or better), for the default index and for one chosen on the page
// with an indicator where a higher value means less need.
func TestReportsShowTheNeedFormula(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	de := bundle.For("de")
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		cat, err := s.ListIndicators(ctx)
		if err != nil {
			t.Fatal(err)
		}
		chosen, err := chain.ParseSettings(url.Values{chain.ParamWeight + "sgb2_u15": {"3"}, chain.ParamWeight + "betreuung_u3": {"1,5"}}, cat)
		if err != nil {
			t.Fatal(err)
		}
		date := catalog.DateOf(demo.ReferenceDate)
		for name, set := range map[string]chain.Settings{"default": chain.DefaultSettings(), "chosen": chosen} {
			a, err := report.LoadWith(ctx, s, tenant.System(), demo.GapHealthKommuneAGS, date, set)
			if err != nil {
				t.Fatal(err)
			}
			n := a.Matrix.Need
			if n == nil || len(n.Indicators) != len(set.NeedIndex) || n.Formula == "" {
				t.Fatalf("%s: need %+v for %d weights", name, n, len(set.NeedIndex))
			}
			wants := []string{de.T("chainview.need.heading"), n.Formula}
			better := false
			for _, ind := range n.Indicators {
				reading := de.T("report.need.higher_is_worse")
				if ind.HigherIsBetter {
					reading, better = de.T("report.need.higher_is_better"), true
				}
				wants = append(wants, ind.Name+number(ind.Weight, 1)+number(ind.Share*100, 0)+"%"+reading)
			}
			if name == "chosen" && !better {
				t.Fatal("the chosen index has no indicator where higher is better")
			}
			for report, write := range map[string]func(*bytes.Buffer) error{
				"Lückenbericht":    func(b *bytes.Buffer) error { return report.Lueckenbericht(b, a, de) },
				"Sozialraumprofil": func(b *bytes.Buffer) error { return report.Sozialraumprofil(b, a, de) },
			} {
				var b bytes.Buffer
				if err := write(&b); err != nil {
					t.Fatalf("%s: %v", report, err)
				}
				text := pdfText(t, b.Bytes())
				for _, want := range wants {
					if !strings.Contains(text, squeeze(strings.ReplaceAll(want, "−", "-"))) {
						t.Errorf("%s (%s index) does not show %q", report, name, want)
					}
				}
			}
		}
	})
}

// number writes v in German as the report does (0,5; 1.240).
func number(v float64, decimals int) string {
	return message.NewPrinter(language.German).Sprintf("%.*f", decimals, v)
}
