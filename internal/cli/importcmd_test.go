package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

func fixture(name string) string { return filepath.Join("..", "indicator", "testdata", name) }

// braunschweig creates the Kommune 03101000 with the Sozialräume 01–03 the fixtures name.
func braunschweig(t *testing.T, dsn string) (*store.Store, region.Kommune) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	actor := audit.System("test")
	if err := s.UpsertLand(ctx, actor, region.Land{Code: "03", Name: "Niedersachsen"}); err != nil {
		t.Fatal(err)
	}
	k := region.Kommune{AGS: "03101000", ARS: "031010000000", Name: "Braunschweig", Type: region.TypeKreisfreieStadt, LandCode: "03"}
	if err := s.CreateKommune(ctx, actor, &k); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Nordstadt", "Südstadt", "Weststadt"} {
		lat, lon := 52.30-0.05*float64(i), 10.50
		a := region.Area{KommuneID: k.ID, Key: "0" + string(rune('1'+i)), Name: name,
			Geometry: orb.Polygon{{{lon - 0.01, lat - 0.01}, {lon + 0.01, lat - 0.01}, {lon + 0.01, lat + 0.01}, {lon - 0.01, lat + 0.01}, {lon - 0.01, lat - 0.01}}}}
		if err := s.CreateArea(ctx, tenant.System(), actor, &a); err != nil {
			t.Fatal(err)
		}
	}
	return s, k
}

func storedValues(t *testing.T, s *store.Store, k region.Kommune) map[string]float64 {
	t.Helper()
	vals, err := s.ListIndicatorValues(context.Background(), tenant.System(), k.ID, store.IndicatorFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, v := range vals {
		out[v.Indicator+"/"+v.RegionKey+"/"+v.Period] = v.Value
	}
	return out
}

func TestImportIndicatorsPreviewsImportsAndRefusesBrokenFiles(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			if code, _, errOut := run(t, "migrate", "--db", dsn); code != 0 {
				t.Fatalf("migrate: %d %s", code, errOut)
			}
			s, k := braunschweig(t, dsn)

			code, out, errOut := run(t, "import", "indicators", fixture("sozialraeume.csv"), "--kommune", "03101000", "--dry-run", "--db", dsn)
			if code != 0 {
				t.Fatalf("dry run: %d %s", code, errOut)
			}
			for _, want := range []string{"Neu: 7 · geändert: 0 · unverändert: 0 · fehlende Werte: 2", "UTF-8 mit BOM",
				"Zeile 2: neu         SGB-II-Quote u15 · 01 Nordstadt · 2024: 34,2 %", "Zeile 4: neu         SGB-II-Quote u15 · 03 Weststadt · 2024: gesperrt (< 3)",
				"Kinder 0 bis unter 3 · 01 Nordstadt · 2024: 1.240", "nichts wurde geändert"} {
				if !strings.Contains(out, want) {
					t.Errorf("dry run output lacks %q:\n%s", want, out)
				}
			}
			if got := storedValues(t, s, k); len(got) != 0 {
				t.Fatalf("the dry run stored %v", got)
			}
			// A Kommune with a minimum cell size of 500 sees Nordstadt's rate (412 children) suppressed too.
			code, out, _ = run(t, "import", "indicators", fixture("sozialraeume.csv"), "--kommune", "03101000", "--dry-run", "--min-cell", "500", "--db", dsn)
			if code != 0 || !strings.Contains(out, "01 Nordstadt · 2024: gesperrt (< 500)") {
				t.Fatalf("--min-cell 500: %d\n%s", code, out)
			}

			// Flags may come before the file.
			code, out, errOut = run(t, "import", "indicators", "--db", dsn, "--kommune", "03101000", fixture("sozialraeume.csv"))
			if code != 0 || !strings.Contains(out, "Eingelesen: 7 neue und 0 geänderte Werte.") {
				t.Fatalf("import: %d %s %s", code, out, errOut)
			}
			stored := storedValues(t, s, k)
			if len(stored) != 7 || stored["sgb2_u15/01/2024"] != 34.2 || stored["children_0_2/02/2024"] != 980 {
				t.Fatalf("stored %v", stored)
			}

			broken := []struct{ file, want string }{
				{"broken_unknown_region.csv", "Zeile 3, Spalte 1 (Sozialraum): Unbekannter Regionalschlüssel „99“"},
				{"broken_text_in_number.csv", "Zeile 3, Spalte 3 (SGB-II-Quote u15): „zwölf“ ist keine Zahl"},
				{"broken_duplicate.csv", "Zeile 4, Spalte 3 (SGB-II-Quote u15): Doppelte Zeile: „SGB-II-Quote unter 15 Jahren“ für Nordstadt im Zeitraum 2024 steht schon in Zeile 2."},
				{"broken_utf16.csv", "Datei: Die Datei ist in UTF-16 gespeichert."},
				{"broken_unknown_indicator.csv", "Zeile 1, Spalte 4 (Zufriedenheit): Unbekannter Indikator „Zufriedenheit“"},
			}
			for _, b := range broken {
				code, _, errOut := run(t, "import", "indicators", fixture(b.file), "--kommune", "03101000", "--db", dsn)
				if code != 1 || !strings.Contains(errOut, "Es wurde nichts geändert.") || !strings.Contains(errOut, b.want) {
					t.Errorf("%s: exit %d, stderr:\n%s\nwant %q", b.file, code, errOut, b.want)
				}
			}
			after := storedValues(t, s, k)
			if len(after) != len(stored) {
				t.Fatalf("broken files changed the values: %v", after)
			}
			for key, v := range stored {
				if after[key] != v {
					t.Errorf("%s changed from %v to %v", key, v, after[key])
				}
			}

			// An XLSX workbook as a Gesundheitsamt sends it: a title row, number cells, a school year.
			x := excelize.NewFile()
			for i, row := range [][]any{
				{"Schuleingangsuntersuchung Braunschweig"},
				{"Sozialraum", "Schuljahr", "Sprachförderbedarf", "U9 vorgelegt"},
				{"01", "2024/25", 31.5, 78.0},
				{"02", "2024/25", 12.25, "91,5"},
			} {
				cellName, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := x.SetSheetRow("Sheet1", cellName, &row); err != nil {
					t.Fatal(err)
				}
			}
			book := filepath.Join(t.TempDir(), "seu.xlsx")
			if err := x.SaveAs(book); err != nil {
				t.Fatal(err)
			}
			code, out, errOut = run(t, "import", "indicators", book, "--kommune", "03101000", "--db", dsn)
			if code != 0 || !strings.Contains(out, "Excel-Arbeitsmappe") || !strings.Contains(out, "Eingelesen: 4 neue und 0 geänderte Werte.") {
				t.Fatalf("xlsx import: %d %s %s", code, out, errOut)
			}
			if got := storedValues(t, s, k); got["seu_u9/02/2024/2025"] != 91.5 || got["seu_sprachfoerderung/01/2024/2025"] != 31.5 {
				t.Fatalf("xlsx values: %v", got)
			}

			if code, _, _ := run(t, "import", "indicators", "--db", dsn); code != 2 {
				t.Fatalf("no file: exit %d, want 2", code)
			}
			if code, _, errOut := run(t, "import", "indicators", fixture("sozialraeume.csv"), "--kommune", "03403000", "--db", dsn); code != 1 ||
				!strings.Contains(errOut, "Fehler:") {
				t.Fatalf("unknown Kommune: %d %s", code, errOut)
			}
		})
	}
}
