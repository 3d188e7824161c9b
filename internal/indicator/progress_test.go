package indicator

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// ParseProgress reports while it reads, rows and share growing, and ends with the whole file; the parse is
// the same as without a report.
func TestParseProgressReportsWhileReading(t *testing.T) {
	var b strings.Builder
	b.WriteString("Sozialraum;Jahr;SGB-II-Quote u15\n")
	const lines = 2000
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&b, "%03d;2024;%d,5\n", i, i%40)
	}
	data := []byte(b.String())
	var got []Progress
	f, probs := ParseProgress("gross.csv", data, Catalogue(), func(p Progress) { got = append(got, p) })
	if len(probs) > 0 {
		t.Fatalf("problems: %+v", probs)
	}
	// First every line is read, then every line is checked; in each step rows and share only grow.
	steps := map[string][]Progress{}
	for i, p := range got {
		if i > 0 && got[i-1].Step == StepCheck && p.Step == StepRead {
			t.Fatalf("report %d reads again after checking", i)
		}
		steps[p.Step] = append(steps[p.Step], p)
	}
	for step, want := range map[string]int{StepRead: lines + 1, StepCheck: lines} {
		ps := steps[step]
		if len(ps) < lines/progressEvery {
			t.Fatalf("%s: %d reports for %d lines, want one every %d", step, len(ps), lines, progressEvery)
		}
		for i, p := range ps {
			if p.Total != int64(len(data)) || p.Read > p.Total || (i > 0 && (p.Rows < ps[i-1].Rows || p.Read < ps[i-1].Read)) {
				t.Fatalf("%s report %d: %+v after %+v", step, i, p, ps[max(i-1, 0)])
			}
		}
		if first := ps[0]; first.Rows != progressEvery || first.Read <= 0 || first.Read >= first.Total {
			t.Errorf("%s: first report %+v, want %d rows and part of the file", step, first, progressEvery)
		}
		if last := ps[len(ps)-1]; last.Rows != want || last.Read != last.Total {
			t.Errorf("%s: last report %+v, want %d rows and the whole file", step, last, want)
		}
	}
	plain, _ := Parse("gross.csv", data, Catalogue())
	if len(plain.Rows) != len(f.Rows) || len(f.Rows) != lines {
		t.Errorf("%d rows with reports, %d without, want %d", len(f.Rows), len(plain.Rows), lines)
	}

	// XLSX reports sheet rows.
	x := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(x.SetSheetRow("Sheet1", "A1", &[]any{"Sozialraum", "Jahr", "SGB-II-Quote u15"}))
	for i := 0; i < 600; i++ {
		cell := fmt.Sprintf("A%d", i+2)
		must(x.SetSheetRow("Sheet1", cell, &[]any{fmt.Sprintf("%03d", i), "2024", 12.5}))
	}
	var xb bytes.Buffer
	must(x.Write(&xb))
	got = nil
	if _, probs := ParseProgress("gross.xlsx", xb.Bytes(), Catalogue(), func(p Progress) { got = append(got, p) }); len(probs) > 0 {
		t.Fatalf("xlsx problems: %+v", probs)
	}
	if len(got) != 4 || got[0].Step != StepRead || got[0].Rows != progressEvery || got[1].Rows != 601 || got[1].Read != got[1].Total ||
		got[2].Step != StepCheck || got[2].Rows != progressEvery || got[3].Rows != 600 || got[3].Read != got[3].Total {
		t.Errorf("xlsx reports: %+v", got)
	}
}
