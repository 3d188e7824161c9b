package indicator

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// readCSV splits a decoded text file into rows. The delimiter is the one the first lines use most: German
// offices write semicolons (the comma is their decimal sign), some tools tabs, a few commas. A file that
// begins with the title block of the Regionaldatenbank or GENESIS-Online ("GENESIS-Tabelle: 12411-02-03-4")
// or ends with its copyright line is read as such a table.
func readCSV(text string, report func(Progress)) (table, string, []Problem) {
	lines := strings.Split(text, "\n")
	head := lines[:min(len(lines), 20)]
	counts := map[rune]int{}
	for _, l := range head {
		for _, d := range []rune{';', '\t', ','} {
			counts[d] += strings.Count(l, string(d))
		}
	}
	delim := ';'
	switch {
	case counts[';'] > 0:
	case counts['\t'] > 0:
		delim = '\t'
	case counts[','] > 0:
		delim = ','
	}
	t := table{genesis: isGenesis(lines), size: int64(len(text))}
	format := FormatCSV
	if t.genesis {
		format = FormatGENESIS
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = delim, -1, true
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return t, format, []Problem{{Line: pe.Line, Column: pe.Column, Message: "indicator.problem.csv"}}
			}
			return t, format, []Problem{{Message: "indicator.problem.csv"}}
		}
		line, _ := r.FieldPos(0)
		row := tableRow{line: line, cells: make([]cell, len(rec)), end: r.InputOffset()}
		for i, f := range rec {
			row.cells[i] = cell{text: strings.TrimSuffix(f, "\r")}
		}
		t.rows = append(t.rows, row)
		if len(t.rows)%progressEvery == 0 {
			report(Progress{Step: StepRead, Rows: len(t.rows), Read: r.InputOffset(), Total: int64(len(text))})
		}
	}
	report(Progress{Step: StepRead, Rows: len(t.rows), Read: int64(len(text)), Total: int64(len(text))})
	return t, format, nil
}

// isGenesis recognises the title block or the copyright footer of a table downloaded from the Regionaldatenbank
// Deutschland or GENESIS-Online.
func isGenesis(lines []string) bool {
	for i, l := range lines {
		if i > 12 && i < len(lines)-8 {
			continue
		}
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "GENESIS-Tabelle") || strings.Contains(l, "Regionaldatenbank Deutschland") ||
			strings.HasPrefix(l, "(C)opyright Statistische") || strings.HasPrefix(l, "© Statistische Ämter") {
			return true
		}
	}
	return false
}
