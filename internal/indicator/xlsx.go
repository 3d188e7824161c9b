package indicator

import (
	"bytes"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the first worksheet that has data. Number cells are taken as numbers; text cells are read the
// German way like CSV fields, so "1.234,5" typed as text works too. Line numbers are the sheet's row numbers.
func readXLSX(data []byte, report func(Progress)) (table, []Problem) {
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return table{}, []Problem{{Message: "indicator.problem.xlsx"}}
	}
	defer x.Close()
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return table{}, []Problem{{Message: "indicator.problem.xlsx"}}
		}
		if len(rows) == 0 {
			continue
		}
		t := table{size: int64(len(rows))}
		for i, rec := range rows {
			row := tableRow{line: i + 1, cells: make([]cell, len(rec)), end: int64(i + 1)}
			for j, v := range rec {
				row.cells[j] = cell{text: v}
				if v == "" {
					continue
				}
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if typ, err := x.GetCellType(sheet, name); err == nil && (typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset) {
					if f, err := strconv.ParseFloat(v, 64); err == nil {
						row.cells[j].numeric, row.cells[j].num = true, f
					}
				}
			}
			t.rows = append(t.rows, row)
			if len(t.rows)%progressEvery == 0 {
				report(Progress{Step: StepRead, Rows: len(t.rows), Read: int64(len(t.rows)), Total: int64(len(rows))})
			}
		}
		report(Progress{Step: StepRead, Rows: len(t.rows), Read: int64(len(rows)), Total: int64(len(rows))})
		if isGenesisRows(t) {
			t.genesis = true
		}
		return t, nil
	}
	return table{}, []Problem{{Message: "indicator.problem.no_rows"}}
}

func isGenesisRows(t table) bool {
	lines := make([]string, 0, len(t.rows))
	for _, r := range t.rows {
		lines = append(lines, r.text(0))
	}
	return isGenesis(lines)
}
