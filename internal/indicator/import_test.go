package indicator

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
)

func readFixture(t *testing.T, name string) (File, []Problem) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(name, data, Catalogue())
}

func int64p(n int64) *int64 { return &n }

func sameRows(t *testing.T, got []Row, want []Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.Indicator != w.Indicator || g.Region != w.Region || g.Period != w.Period || g.Value != w.Value ||
			!sameCount(g.Count, w.Count) {
			t.Errorf("row %d: got line %d %s %s %s %v count %v, want line %d %s %s %s %v count %v", i, g.Line, g.Indicator, g.Region,
				g.Period, g.Value, g.Count, w.Line, w.Indicator, w.Region, w.Period, w.Value, w.Count)
		}
	}
}

func TestSozialraumCSVWithBOMDecimalCommaAndMissingMarkers(t *testing.T) {
	f, probs := readFixture(t, "sozialraeume.csv")
	if len(probs) > 0 {
		t.Fatalf("problems: %+v", probs)
	}
	if f.Format != FormatCSV || f.Encoding != "UTF-8 mit BOM" || f.Missing != 2 {
		t.Fatalf("format %q encoding %q missing %d", f.Format, f.Encoding, f.Missing)
	}
	sameRows(t, f.Rows, []Row{
		{Line: 2, Indicator: "sgb2_u15", Region: "01", Period: "2024", Value: 34.2, Count: int64p(412)},
		{Line: 2, Indicator: "seu_sprachfoerderung", Region: "01", Period: "2024", Value: 28.5},
		{Line: 2, Indicator: "children_0_2", Region: "01", Period: "2024", Value: 1240},
		{Line: 3, Indicator: "sgb2_u15", Region: "02", Period: "2024", Value: 12, Count: int64p(96)},
		{Line: 3, Indicator: "seu_sprachfoerderung", Region: "02", Period: "2024", Value: 14.1},
		{Line: 3, Indicator: "children_0_2", Region: "02", Period: "2024", Value: 980},
		{Line: 4, Indicator: "sgb2_u15", Region: "03", Period: "2024", Value: 21.7, Count: int64p(2)},
	})
}

func TestWindows1252LongLayoutWithGermanDatesAndSchoolYears(t *testing.T) {
	f, probs := readFixture(t, "kommunen_cp1252.csv")
	if len(probs) > 0 {
		t.Fatalf("problems: %+v", probs)
	}
	if f.Encoding != "Windows-1252" {
		t.Fatalf("encoding %q, want Windows-1252", f.Encoding)
	}
	sameRows(t, f.Rows, []Row{
		{Line: 2, Indicator: "armutsgefaehrdung", Region: "03101000", Period: "2023", Value: 17.4},
		{Line: 3, Indicator: "armutsgefaehrdung", Region: "03403000", Period: "2023", Value: 18.9},
		{Line: 4, Indicator: "betreuung_u3", Region: "03101000", Period: "2023-12-31", Value: 38.1, Count: int64p(2150)},
		{Line: 5, Indicator: "seu_uebergewicht", Region: "03403000", Period: "2022/2023", Value: 11.2},
	})
}

func TestRegionaldatenbankTableSkipsTitleFooterAndOtherColumns(t *testing.T) {
	f, probs := readFixture(t, "regionaldatenbank_22541.csv")
	if len(probs) > 0 {
		t.Fatalf("problems: %+v", probs)
	}
	if f.Format != FormatGENESIS || f.Encoding != "Windows-1252" || f.Missing != 1 {
		t.Fatalf("format %q encoding %q missing %d", f.Format, f.Encoding, f.Missing)
	}
	if len(f.Rows) != 9 || f.Rows[0] != (Row{Line: 6, Indicator: "betreuung_u3", Region: "03101", Period: "2024", Value: 37.9,
		RegionCol: 2, PeriodCol: 1, ValueCol: 4, RegionHeader: "Kreise und kreisfreie Städte (Schlüssel)",
		ValueHeader: "Betreuungsquote (unter 3 Jahre)"}) {
		t.Fatalf("rows: %+v", f.Rows)
	}
	// Only the Kommunen of the database are imported; the other Kreise of the official table are skipped.
	reg := Regions{Kommunen: []KommuneRef{
		{ID: uuid.New(), AGS: "03101000", ARS: "031010000000", Name: "Braunschweig", Type: "kreisfreie_stadt"},
		{ID: uuid.New(), AGS: "03403000", ARS: "034030000000", Name: "Oldenburg (Oldb)", Type: "kreisfreie_stadt"},
	}}
	p := BuildPreview(f, Catalogue(), reg, nil)
	if len(p.Problems) > 0 || p.New != 3 || p.Skipped != 6 {
		t.Fatalf("preview: new %d skipped %d problems %+v", p.New, p.Skipped, p.Problems)
	}
	if p.Rows[2].RegionName != "Oldenburg (Oldb)" || p.Rows[2].Indicator != "betreuung_u3" || p.Rows[2].Value.Value != 41.2 {
		t.Fatalf("Oldenburg row: %+v", p.Rows[2])
	}
}

// where lists the problems as "line:column:message" for comparison.
func where(probs []Problem) string {
	var out []string
	for _, p := range probs {
		out = append(out, strings.Join([]string{itoa(p.Line), itoa(p.Column), p.Message}, ":"))
	}
	return strings.Join(out, " ")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestBrokenFilesNameLineColumnAndReason(t *testing.T) {
	cases := []struct{ file, want string }{
		{"broken_text_in_number.csv", "3:3:indicator.problem.not_a_number 4:3:indicator.problem.not_a_number"},
		{"broken_unknown_indicator.csv", "1:4:indicator.problem.unknown_indicator"},
		{"broken_period.csv", "2:2:indicator.problem.period"},
		{"broken_utf16.csv", "0:0:indicator.problem.utf16"},
		{"broken_double_encoded.csv", "1:24:indicator.problem.double_encoded"},
		{"broken_regionaldatenbank.csv", "5:4:indicator.problem.not_a_number"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, probs := readFixture(t, c.file)
			if got := where(probs); got != c.want {
				t.Fatalf("problems %q, want %q (%+v)", got, c.want, probs)
			}
		})
	}
}

func areaRegions() Regions {
	k := KommuneRef{ID: uuid.New(), AGS: "03101000", ARS: "031010000000", Name: "Braunschweig", Type: "kreisfreie_stadt"}
	return Regions{Kommunen: []KommuneRef{k}, Only: &k, Areas: []AreaRef{
		{ID: uuid.New(), KommuneID: k.ID, Key: "01", Name: "Nordstadt", Version: 1},
		{ID: uuid.New(), KommuneID: k.ID, Key: "02", Name: "Südstadt", Version: 2},
		{ID: uuid.New(), KommuneID: k.ID, Key: "03", Name: "Weststadt", Version: 1},
	}}
}

func TestUnknownRegionsAndDuplicateRowsAreFoundAgainstTheRegions(t *testing.T) {
	reg := areaRegions()
	f, probs := readFixture(t, "broken_unknown_region.csv")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	p := BuildPreview(f, Catalogue(), reg, nil)
	if got := where(p.Problems); got != "3:1:indicator.problem.unknown_region" || p.Problems[0].Data["Value"] != "99" {
		t.Fatalf("unknown region: %q %+v", got, p.Problems)
	}
	if !strings.Contains(p.Err().Error(), "Zeile 3, Spalte 1 (Sozialraum)") {
		t.Fatalf("error does not name line and column: %v", p.Err())
	}
	f, _ = readFixture(t, "broken_duplicate.csv")
	p = BuildPreview(f, Catalogue(), reg, nil)
	if got := where(p.Problems); got != "4:3:indicator.problem.duplicate" || p.Problems[0].Data["First"] != 2 {
		t.Fatalf("duplicate: %q %+v", got, p.Problems)
	}
	// Without naming the Kommune, Sozialraum keys cannot be resolved.
	f, _ = readFixture(t, "sozialraeume.csv")
	p = BuildPreview(f, Catalogue(), Regions{Kommunen: reg.Kommunen}, nil)
	if len(p.Problems) != 7 || p.Problems[0].Message != "indicator.problem.unknown_region_no_kommune" {
		t.Fatalf("area keys without Kommune: %+v", p.Problems)
	}
}

func TestPreviewSortsRowsIntoNewChangedAndUnchanged(t *testing.T) {
	reg := areaRegions()
	f, _ := readFixture(t, "sozialraeume.csv")
	nord, sued := reg.Areas[0].ID, reg.Areas[1].ID
	existing := map[Key]Value{
		{Indicator: "sgb2_u15", Region: nord, Period: "2024"}: {Indicator: "sgb2_u15", Value: 30.0, Count: int64p(380)},
		{Indicator: "sgb2_u15", Region: sued, Period: "2024"}: {Indicator: "sgb2_u15", Value: 12.0, Count: int64p(96)},
	}
	p := BuildPreview(f, Catalogue(), reg, existing)
	if len(p.Problems) > 0 {
		t.Fatal(p.Problems)
	}
	if p.New != 5 || p.Changed != 1 || p.Unchanged != 1 || p.Missing != 2 {
		t.Fatalf("new %d changed %d unchanged %d missing %d", p.New, p.Changed, p.Unchanged, p.Missing)
	}
	first := p.Rows[0]
	if first.Change != ChangeChanged || first.Old.Value != 30 || first.Value.Value != 34.2 || first.RegionName != "Nordstadt" ||
		*first.AreaID != nord || first.AreaVersion != 1 {
		t.Fatalf("first row: %+v", first)
	}
	if p.Rows[3].Change != ChangeUnchanged || p.Rows[4].AreaVersion != 2 {
		t.Fatalf("Südstadt rows: %+v %+v", p.Rows[3], p.Rows[4])
	}
}

func TestKommuneLevelOnlyIndicatorIsRefusedForASozialraum(t *testing.T) {
	data := []byte("Sozialraum;Jahr;Armutsgefährdungsquote\n01;2024;17,0\n")
	f, probs := Parse("a.csv", data, Catalogue())
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	p := BuildPreview(f, Catalogue(), areaRegions(), nil)
	if got := where(p.Problems); got != "2:3:indicator.problem.no_area_level" {
		t.Fatalf("got %q", got)
	}
}

// xlsxFile writes a workbook with the given rows; cells that are float64 become number cells.
func xlsxFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		name, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", name, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXWithNumberCellsAndGermanTextNumbers(t *testing.T) {
	data := xlsxFile(t, [][]any{
		{"Sozialraumdaten 2024 (Stadt Braunschweig)"},
		{"Sozialraum", "Jahr", "SGB-II-Quote u15", "Kinder 3 bis unter 6"},
		{"01", 2024.0, 34.2, "1.105"},
		{"02", 2024.0, 12.0, 870.0},
		{"03", "2024", "-", 640.0},
	})
	f, probs := Parse("sozialraeume.xlsx", data, Catalogue())
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if f.Format != FormatXLSX || f.Missing != 1 {
		t.Fatalf("format %q missing %d", f.Format, f.Missing)
	}
	sameRows(t, f.Rows, []Row{
		{Line: 3, Indicator: "sgb2_u15", Region: "01", Period: "2024", Value: 34.2},
		{Line: 3, Indicator: "children_3_5", Region: "01", Period: "2024", Value: 1105},
		{Line: 4, Indicator: "sgb2_u15", Region: "02", Period: "2024", Value: 12},
		{Line: 4, Indicator: "children_3_5", Region: "02", Period: "2024", Value: 870},
		{Line: 5, Indicator: "children_3_5", Region: "03", Period: "2024", Value: 640},
	})
}

func TestBrokenXLSXNamesRowAndColumn(t *testing.T) {
	data := xlsxFile(t, [][]any{
		{"Sozialraum", "Jahr", "SGB-II-Quote u15", "Kinder 3 bis unter 6"},
		{"01", 2024.0, 34.2, 1105.0},
		{"02", 2024.0, "hoch", 870.5},
	})
	_, probs := Parse("broken.xlsx", data, Catalogue())
	if got := where(probs); got != "3:3:indicator.problem.not_a_number 3:4:indicator.problem.not_whole" {
		t.Fatalf("got %q %+v", got, probs)
	}
	if _, probs := Parse("kaputt.xlsx", []byte("PK\x03\x04 not really a zip"), Catalogue()); where(probs) != "0:0:indicator.problem.xlsx" {
		t.Fatalf("corrupt xlsx: %+v", probs)
	}
}

func TestGermanNumbers(t *testing.T) {
	for in, want := range map[string]float64{"1.234,5": 1234.5, "34,2": 34.2, "1.240": 1240, "12 %": 12, "0,5": 0.5,
		"1.234.567": 1234567, " 7 ": 7, "12,0": 12} {
		if got, missing, ok := number(in); !ok || missing || got != want {
			t.Errorf("number(%q) = %v %v %v, want %v", in, got, missing, ok, want)
		}
	}
	for _, in := range []string{"", "-", ".", "x", "/", "…"} {
		if _, missing, ok := number(in); !ok || !missing {
			t.Errorf("number(%q) is not missing", in)
		}
	}
	for _, in := range []string{"12.5", "1,2,3", "zwölf", "1.23,4", "1e5", "NaN", "1,"} {
		if _, _, ok := number(in); ok {
			t.Errorf("number(%q) accepted", in)
		}
	}
	if got := FormatGerman(1234.5, 1); got != "1.234,5" {
		t.Errorf("FormatGerman: %q", got)
	}
}

func TestSuppressionHidesSmallCountsAndRatesWithSmallNumerators(t *testing.T) {
	cat := Catalogue()
	kids, _ := Lookup(cat, "children_0_2")
	rate, _ := Lookup(cat, "sgb2_u15")
	p := Privacy{} // default 3
	cases := []struct {
		ind  Indicator
		v    Value
		show bool
	}{
		{kids, Value{Value: 2}, false},
		{kids, Value{Value: 0}, false},
		{kids, Value{Value: 3}, true},
		{rate, Value{Value: 21.7, Count: int64p(2)}, false},
		{rate, Value{Value: 21.7, Count: int64p(3)}, true},
		{rate, Value{Value: 1.5}, true},
	}
	for _, c := range cases {
		if _, ok := p.Disclose(c.ind, c.v); ok != c.show {
			t.Errorf("%s %v count %v: shown %v, want %v", c.ind.Code, c.v.Value, c.v.Count, ok, c.show)
		}
	}
	if _, ok := (Privacy{MinCell: 5}).Disclose(kids, Value{Value: 4}); ok {
		t.Error("a Kommune's minimum of 5 does not hide 4")
	}
}

func TestAFileBrokenInEveryRowNamesTheFirstHundredProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("Sozialraum;Jahr;SGB-II-Quote u15\n")
	for i := 0; i < 150; i++ {
		b.WriteString("01;2024;viel\n")
	}
	_, probs := Parse("viel.csv", []byte(b.String()), Catalogue())
	if len(probs) != 150 {
		t.Fatalf("%d problems, want 150", len(probs))
	}
	e := Preview{Problems: probs}.Err()
	fields := strings.Count(e.Error(), "indicator.problem.not_a_number")
	if fields != MaxProblems || !strings.Contains(e.Error(), "[Datei: indicator.problem.more]") {
		t.Fatalf("%d problems named: %s", fields, e.Error()[:200])
	}
}

func TestGENESISFlatFileTakesTheTotalsOfKnownAgeGroups(t *testing.T) {
	f, probs := readFixture(t, "genesis_flat_12411.csv")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if f.Format != FormatGENESIS || f.Missing != 1 || f.Ignored != 15 {
		t.Fatalf("format %q missing %d ignored %d", f.Format, f.Missing, f.Ignored)
	}
	sameRows(t, f.Rows, []Row{
		{Line: 2, Indicator: "children_0_2", Region: "03101", Period: "2023-12-31", Value: 6123},
		{Line: 4, Indicator: "children_3_5", Region: "03101", Period: "2023-12-31", Value: 6018},
		{Line: 6, Indicator: "children_6_9", Region: "03101", Period: "2023-12-31", Value: 7952},
		{Line: 10, Indicator: "children_0_2", Region: "03102", Period: "2023-12-31", Value: 2890},
		{Line: 12, Indicator: "children_3_5", Region: "03102", Period: "2023-12-31", Value: 2801},
		{Line: 14, Indicator: "children_6_9", Region: "03102", Period: "2023-12-31", Value: 3650},
		{Line: 18, Indicator: "children_0_2", Region: "03403", Period: "2023-12-31", Value: 4710},
		{Line: 20, Indicator: "children_3_5", Region: "03403", Period: "2023-12-31", Value: 4655},
	})
	_, probs = readFixture(t, "broken_genesis_flat.csv")
	if got := where(probs); got != "2:18:indicator.problem.not_a_number 3:18:indicator.problem.not_a_number" {
		t.Fatalf("broken flat file: %q", got)
	}
}
