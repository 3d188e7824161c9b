package report

import (
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/taxonomy"
)

// XLSX writes the workbook of the analysis: the sheet "Matrix" (one row per Area × phase × field, then the
// transition rows) and the sheet "Lücken" (the ranked gaps with their sentences). Numbers are numbers, so the
// committee's spreadsheet can sort and sum them.
func XLSX(w io.Writer, a Analysis, l *i18n.Localizer) error {
	f := excelize.NewFile()
	defer f.Close()
	matrix, gaps := l.T("chainview.sheet.matrix"), l.T("chainview.sheet.gaps")
	if err := f.SetSheetName("Sheet1", matrix); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	if _, err := f.NewSheet(gaps); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	header, rows := MatrixTable(a, l)
	if err := writeSheet(f, matrix, header, rows); err != nil {
		return err
	}
	gh := []any{l.T("chainview.col.rank"), l.T("chainview.col.area_key"), l.T("chainview.col.area"), l.T("chainview.col.phase"),
		l.T("chainview.col.field"), l.T("chainview.col.transition"), l.T("chainview.col.children"), l.T("chainview.col.supply"),
		l.T("chainview.col.coverage"), l.T("chainview.col.unmet"), l.T("chainview.col.sentence"), l.T("chainview.col.unmet_searches")}
	var grows [][]any
	for _, g := range a.GapRows(l) {
		var searches any = "" // empty, not 0, where the search log holds nothing for the gap
		if g.UnmetSearches != nil {
			searches = g.UnmetSearches.Total
		}
		grows = append(grows, []any{g.Rank, g.AreaKey, g.AreaName, a.label(taxonomy.Phase, g.Phase, l), a.label(taxonomy.Field, g.Field, l),
			a.label(taxonomy.Transition, g.Transition, l), g.Children, g.Supply, g.Coverage, g.Unmet, g.Sentence, searches})
	}
	if err := writeSheet(f, gaps, gh, grows); err != nil {
		return err
	}
	return errs.Wrap(f.Write(w), "xlsx write")
}

// MatrixTable is the matrix as a header and rows of values (strings and numbers): cells, then transitions.
func MatrixTable(a Analysis, l *i18n.Localizer) ([]any, [][]any) {
	header := []any{l.T("chainview.col.area_key"), l.T("chainview.col.area"), l.T("chainview.col.phase"), l.T("chainview.col.field"),
		l.T("chainview.col.transition"), l.T("chainview.col.children"), l.T("chainview.col.need"), l.T("chainview.col.supply"),
		l.T("chainview.col.coverage"), l.T("chainview.col.target"), l.T("chainview.col.gap"), l.T("chainview.col.unmet")}
	var rows [][]any
	for _, list := range [][]chain.Cell{a.Matrix.Cells, a.Matrix.Transitions} {
		for _, c := range list {
			gap := l.T("chainview.no")
			if c.Gap {
				gap = l.T("chainview.yes")
			}
			rows = append(rows, []any{c.AreaKey, c.AreaName, a.label(taxonomy.Phase, c.Phase, l), a.label(taxonomy.Field, c.Field, l),
				a.label(taxonomy.Transition, c.Transition, l), round(c.Children, 0), c.Need, c.Supply, round(c.Coverage, 2),
				c.Target, gap, round(c.Unmet, 1)})
		}
	}
	return header, rows
}

func (a Analysis) label(tax, code string, l *i18n.Localizer) string {
	if code == "" {
		return ""
	}
	return a.Tax.Label(tax, code, l.Lang)
}

func writeSheet(f *excelize.File, sheet string, header []any, rows [][]any) error {
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return errs.Wrap(err, "xlsx header")
	}
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return errs.Wrap(err, "xlsx cell")
		}
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return errs.Wrap(err, "xlsx row")
		}
	}
	return errs.Wrap(f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}), "xlsx panes")
}
