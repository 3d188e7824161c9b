package chart

import "html/template"

// Bar is a horizontal bar chart for rankings: one bar per item, longest on top if the caller sorts so.
type Bar struct {
	Title, Desc string
	Unit        string // appended to every value, e.g. " %"
	Items       []BarItem
	Format      Format // nil: Plain
}

// BarItem is one bar. Class, if set, adds chart__bar--<Class> (e.g. "gap" to mark a bar).
type BarItem struct {
	Label string
	Value float64
	Class string
}

// Geometry of a bar chart, in viewBox units.
const (
	barWidth   = 640
	barLabelW  = 200
	barValueW  = 90
	barRowH    = 28
	barPadding = 6
)

// SVG draws the chart.
func (c Bar) SVG() template.HTML {
	f := c.Format
	if f == nil {
		f = Plain
	}
	maxV := 0.0
	for _, it := range c.Items {
		maxV = max(maxV, it.Value)
	}
	scale := niceMax(maxV)
	plotW := float64(barWidth - barLabelW - barValueW)
	s := newSVG(barWidth, float64(len(c.Items)*barRowH+barPadding), c.Title, c.Desc)
	for i, it := range c.Items {
		y := float64(i*barRowH + barPadding)
		w := 0.0
		if it.Value > 0 {
			w = it.Value / scale * plotW
		}
		class := "chart__bar"
		if it.Class != "" {
			class += " chart__bar--" + it.Class
		}
		value := f(it.Value) + c.Unit
		s.text("chart__label", barLabelW-8, y+barRowH/2+4, "end", it.Label)
		s.rect(class, barLabelW, y+2, w, barRowH-8, it.Label+": "+value)
		s.text("chart__value", barLabelW+w+6, y+barRowH/2+4, "start", value)
	}
	return s.html()
}
