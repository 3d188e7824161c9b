package indicator

import (
	"math"
	"slices"
	"strings"
)

// cell is one field of a table as read from CSV or XLSX. XLSX number cells arrive as numbers (numeric) and
// are not read the German way.
type cell struct {
	text    string
	numeric bool
	num     float64
}

type tableRow struct {
	line  int
	cells []cell
	end   int64 // where the row ends in the file, in the units of table.size
}

// table is what every format is read into before the columns are interpreted.
type table struct {
	rows    []tableRow
	genesis bool // a Regionaldatenbank table: title lines before, footer after, other columns ignored
	size    int64
	report  func(Progress) // nil: no progress reports
}

// checking reports the progress of interpreting the rows: n rows done, the last being r.
func (t table) checking(n int, r tableRow) {
	if t.report != nil && n%progressEvery == 0 {
		t.report(Progress{Step: StepCheck, Rows: n, Read: r.end, Total: t.size})
	}
}

// checked reports that all n rows are interpreted.
func (t table) checked(n int) {
	if t.report != nil {
		t.report(Progress{Step: StepCheck, Rows: n, Read: t.size, Total: t.size})
	}
}

func (r tableRow) text(i int) string {
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i].text)
}

func (r tableRow) empty() bool {
	for _, c := range r.cells {
		if strings.TrimSpace(c.text) != "" {
			return false
		}
	}
	return true
}

type columnRole int

const (
	roleUnknown columnRole = iota
	roleIgnore
	rolePeriod
	roleRegion
	roleName
	roleIndicator // long layout: the column naming the indicator
	roleValue     // long layout: the value
	roleCount     // long layout: the numerator count
	roleSeries    // wide layout: a column of one indicator's values
	roleSeriesCount
)

type column struct {
	role      columnRole
	header    string
	indicator Indicator // roleSeries, roleSeriesCount
}

var (
	periodHeaders    = []string{"zeit", "jahr", "stichtag", "zeitraum", "periode", "period", "year", "datum", "schuljahr", "berichtsjahr"}
	regionHeaders    = []string{"ags", "ars", "region", "regionkey", "key", "sozialraum", "sozialraumnr", "planungsraum", "gebiet", "code"}
	nameHeaders      = []string{"name", "bezeichnung", "gebietsname", "stadtteil", "ortsteil", "kreiseundkreisfreiestädte", "gemeinden", "bundesländer", "regierungsbezirke"}
	indicatorHeaders = []string{"indikator", "indicator", "kennzahl", "merkmal", "indikatorcode"}
	valueHeaders     = []string{"wert", "value", "zahlenwert"}
	countHeaders     = []string{"zähler", "fallzahl", "numerator", "count"}
)

func classify(header string, cat []Indicator) column {
	h := fold(header)
	c := column{header: strings.TrimSpace(header)}
	switch {
	case h == "":
		c.role = roleIgnore
	case slices.Contains(periodHeaders, h):
		c.role = rolePeriod
	case strings.Contains(h, "name") || slices.Contains(nameHeaders, h):
		c.role = roleName
	case strings.Contains(h, "schlüssel") || strings.Contains(h, "nummer") || slices.Contains(regionHeaders, h):
		c.role = roleRegion
	case slices.Contains(indicatorHeaders, h):
		c.role = roleIndicator
	case slices.Contains(valueHeaders, h):
		c.role = roleValue
	case slices.Contains(countHeaders, h):
		c.role = roleCount
	default:
		if ind, ok := Lookup(cat, header); ok {
			c.role, c.indicator = roleSeries, ind
		} else if base, ok := countHeading(header); ok {
			if ind, ok := Lookup(cat, base); ok {
				c.role, c.indicator = roleSeriesCount, ind
			}
		}
	}
	return c
}

// countHeading recognises the heading of a numerator column in the wide layout: "SGB-II-Quote u15 (Zähler)".
func countHeading(h string) (string, bool) {
	for _, suffix := range []string{"(Zähler)", "(Fallzahl)", "Zähler", "Fallzahl"} {
		if b, ok := strings.CutSuffix(strings.TrimSpace(h), suffix); ok {
			return b, true
		}
	}
	return "", false
}

// headerRow finds the heading: the first row that has a period and a region column (the Regionaldatenbank puts
// title lines before it, spreadsheets often a title row).
func headerRow(t table, cat []Indicator) (int, []column) {
	for i, r := range t.rows {
		if i > 40 {
			break
		}
		cols := make([]column, len(r.cells))
		var period, region bool
		for j, c := range r.cells {
			cols[j] = classify(c.text, cat)
			period = period || cols[j].role == rolePeriod
			region = region || cols[j].role == roleRegion
		}
		if period && region {
			return i, cols
		}
	}
	return -1, nil
}

// footer reports whether a row ends a Regionaldatenbank table (the line of underscores, the copyright).
func footer(r tableRow) bool {
	first := r.text(0)
	return strings.HasPrefix(first, "___") || strings.HasPrefix(first, "(C)") || strings.HasPrefix(first, "©") ||
		strings.HasPrefix(first, "Stand:") || strings.HasPrefix(first, "Gebietsstand")
}

func (f File) fromTable(t table, cat []Indicator) (File, []Problem) {
	if t.genesis {
		f.Format = FormatGENESIS
	}
	h, cols := headerRow(t, cat)
	if h < 0 {
		return f, []Problem{{Message: "indicator.problem.no_header"}}
	}
	header := t.rows[h]
	var probs []Problem
	long := false
	idx := map[columnRole]int{}
	for j, c := range cols {
		switch c.role {
		case rolePeriod, roleRegion, roleIndicator, roleValue, roleCount:
			if _, dup := idx[c.role]; dup {
				probs = append(probs, Problem{Line: header.line, Column: j + 1, ColumnName: c.header, Message: "indicator.problem.duplicate_column"})
			}
			idx[c.role] = j
			long = long || c.role == roleIndicator
		}
	}
	var series []int
	countOf := map[string]int{}
	for j, c := range cols {
		switch c.role {
		case roleSeries:
			series = append(series, j)
		case roleSeriesCount:
			countOf[c.indicator.Code] = j
		case roleUnknown:
			if t.genesis {
				continue // other columns of an official table (Insgesamt, männlich …) are not ours to import
			}
			probs = append(probs, Problem{Line: header.line, Column: j + 1, ColumnName: c.header,
				Message: "indicator.problem.unknown_indicator", Data: map[string]any{"Value": c.header}})
		}
	}
	if long {
		if _, ok := idx[roleValue]; !ok {
			probs = append(probs, Problem{Line: header.line, Message: "indicator.problem.no_value_column"})
		}
		if len(series) > 0 {
			probs = append(probs, Problem{Line: header.line, Column: series[0] + 1, ColumnName: cols[series[0]].header,
				Message: "indicator.problem.mixed_layout"})
		}
	} else if len(series) == 0 && len(probs) == 0 {
		probs = append(probs, Problem{Line: header.line, Message: "indicator.problem.no_indicator_column"})
	}
	if len(probs) > 0 {
		return f, probs
	}
	pi, ri := idx[rolePeriod], idx[roleRegion]
	at := func(r tableRow, j int, msg string, data map[string]any) Problem {
		return Problem{Line: r.line, Column: j + 1, ColumnName: cols[j].header, Message: msg, Data: data}
	}
	for n, r := range t.rows[h+1:] {
		t.checking(n+1, r)
		if r.empty() {
			continue
		}
		if t.genesis && footer(r) {
			break
		}
		p, ok := period(r.text(pi))
		if !ok {
			probs = append(probs, at(r, pi, "indicator.problem.period", map[string]any{"Value": r.text(pi)}))
		}
		key := regionKey(r.text(ri))
		if key == "" {
			probs = append(probs, at(r, ri, "indicator.problem.region_empty", nil))
		}
		add := func(ind Indicator, vj, cj int) {
			c := cell{}
			if vj < len(r.cells) {
				c = r.cells[vj]
			}
			v, missing, good := c.num, false, c.numeric
			if !c.numeric {
				v, missing, good = number(c.text)
			}
			if !good {
				probs = append(probs, at(r, vj, "indicator.problem.not_a_number", map[string]any{"Value": strings.TrimSpace(c.text)}))
				return
			}
			if missing {
				f.Missing++
				return
			}
			if v < 0 {
				probs = append(probs, at(r, vj, "indicator.problem.negative", map[string]any{"Value": strings.TrimSpace(c.text)}))
				return
			}
			if ind.Unit == "%" && v > 100 {
				probs = append(probs, at(r, vj, "indicator.problem.percent", map[string]any{"Value": strings.TrimSpace(c.text)}))
				return
			}
			if ind.Kind == KindCount && v != math.Trunc(v) {
				probs = append(probs, at(r, vj, "indicator.problem.not_whole", map[string]any{"Value": strings.TrimSpace(c.text)}))
				return
			}
			row := Row{Line: r.line, Indicator: ind.Code, Region: key, Period: p, Value: v, RegionCol: ri + 1, PeriodCol: pi + 1,
				ValueCol: vj + 1, RegionHeader: cols[ri].header, ValueHeader: cols[vj].header}
			if cj >= 0 && cj < len(r.cells) {
				cc := r.cells[cj]
				n, miss, good := cc.num, false, cc.numeric
				if !cc.numeric {
					n, miss, good = number(cc.text)
				}
				switch {
				case !good || n != math.Trunc(n) || n < 0:
					probs = append(probs, at(r, cj, "indicator.problem.count", map[string]any{"Value": strings.TrimSpace(cc.text)}))
					return
				case !miss:
					k := int64(n)
					row.Count = &k
				}
			}
			if p != "" && key != "" {
				f.Rows = append(f.Rows, row)
			}
		}
		if long {
			ij := idx[roleIndicator]
			ind, ok := Lookup(cat, r.text(ij))
			if !ok {
				probs = append(probs, at(r, ij, "indicator.problem.unknown_indicator", map[string]any{"Value": r.text(ij)}))
				continue
			}
			cj, has := idx[roleCount]
			if !has {
				cj = -1
			}
			add(ind, idx[roleValue], cj)
			continue
		}
		for _, j := range series {
			cj, has := countOf[cols[j].indicator.Code]
			if !has {
				cj = -1
			}
			add(cols[j].indicator, j, cj)
		}
	}
	t.checked(len(t.rows) - h - 1)
	if len(probs) == 0 && len(f.Rows) == 0 {
		probs = append(probs, Problem{Message: "indicator.problem.no_rows"})
	}
	return f, probs
}
