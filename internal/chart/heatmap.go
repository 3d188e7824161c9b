package chart

import (
	"html/template"
	"sort"
)

// Heatmap is a matrix of numbers shown as coloured cells with the number written in each, so it reads in
// greyscale print and by screen readers (each cell has a title naming row, column and value).
type Heatmap struct {
	Title, Desc string
	Rows, Cols  []string
	Cells       [][]HeatCell // Cells[row][col]
	// Levels maps a cell to a colour class 0…4 (light to dark). nil: quantiles of the values — darker is higher.
	Levels func(HeatCell) int
}

// HeatCell is one cell: Value drives the colour, Text is written in it (e.g. "0" or "12,5"), Mark (e.g. "!")
// is appended to flag a gap without relying on colour alone.
type HeatCell struct {
	Value float64
	Text  string
	Mark  string
	Empty bool // no value: drawn as an empty cell with "–"
}

const (
	heatCellW, heatCellH = 72, 30
	heatLabelW           = 190
	heatHeaderH          = 64
	heatLevels           = 5
)

// SVG draws the matrix with row labels on the left and column labels on top.
func (c Heatmap) SVG() template.HTML {
	level := c.Levels
	if level == nil {
		level = quantileLevels(c.Cells)
	}
	w := float64(heatLabelW + heatCellW*len(c.Cols))
	h := float64(heatHeaderH + heatCellH*len(c.Rows))
	s := newSVG(w, h, c.Title, c.Desc)
	for j, col := range c.Cols {
		s.text("chart__label chart__label--column", float64(heatLabelW+heatCellW*j+heatCellW/2), heatHeaderH-8, "middle", col)
	}
	for i, row := range c.Rows {
		y := float64(heatHeaderH + heatCellH*i)
		s.text("chart__label", heatLabelW-8, y+heatCellH/2+4, "end", row)
		for j := range c.Cols {
			cell := HeatCell{Empty: true}
			if i < len(c.Cells) && j < len(c.Cells[i]) {
				cell = c.Cells[i][j]
			}
			c.drawCell(s, cell, level, row, c.Cols[j], float64(heatLabelW+heatCellW*j), y)
		}
	}
	return s.html()
}

func (c Heatmap) drawCell(s *svg, cell HeatCell, level func(HeatCell) int, row, col string, x, y float64) {
	text, class := "–", "chart__cell chart__cell--empty"
	l := 0
	if !cell.Empty {
		l = min(max(level(cell), 0), heatLevels-1)
		text = cell.Text + cell.Mark
		class = "chart__cell heat-" + string(rune('0'+l))
	}
	s.rect(class, x+1, y+1, heatCellW-2, heatCellH-2, row+" · "+col+": "+text)
	textClass := "chart__cell-text"
	if l >= 3 {
		textClass += " chart__cell-text--inverse" // light text on the two darkest levels keeps the contrast
	}
	s.text(textClass, x+heatCellW/2, y+heatCellH/2+5, "middle", text)
}

// quantileLevels ranks the values into five equally filled levels; equal values share a level.
func quantileLevels(cells [][]HeatCell) func(HeatCell) int {
	var vals []float64
	for _, r := range cells {
		for _, c := range r {
			if !c.Empty {
				vals = append(vals, c.Value)
			}
		}
	}
	sort.Float64s(vals)
	return func(c HeatCell) int {
		if len(vals) == 0 || vals[0] == vals[len(vals)-1] {
			return 0
		}
		below := sort.SearchFloat64s(vals, c.Value) // values strictly below
		return below * heatLevels / len(vals)
	}
}
