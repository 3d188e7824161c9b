package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// Line is a time-series chart: one or more series over the same labelled x positions (e.g. years).
type Line struct {
	Title, Desc string
	X           []string // labels of the x positions, in order
	Series      []Series
	Format      Format // nil: Plain
}

// Series is one line. Values[i] belongs to X[i]; a nil entry is a gap in the line (no value that period).
type Series struct {
	Name   string
	Values []*float64
}

const (
	lineW, lineH                = 640, 300
	lineLeft, lineRight         = 70, 20
	lineTop, lineBottom         = 16, 40
	lineTicks                   = 4
	maxSeriesClasses            = 6
	lineLegendRowH      float64 = 20
)

// SVG draws the chart with a y axis from 0 to a round maximum, grid lines and a legend below.
func (c Line) SVG() template.HTML {
	f := c.Format
	if f == nil {
		f = Plain
	}
	maxV := 0.0
	for _, se := range c.Series {
		for _, v := range se.Values {
			if v != nil {
				maxV = max(maxV, *v)
			}
		}
	}
	top := niceMax(maxV)
	legendH := lineLegendRowH * float64(len(c.Series))
	s := newSVG(lineW, lineH+legendH, c.Title, c.Desc)
	plotW, plotH := float64(lineW-lineLeft-lineRight), float64(lineH-lineTop-lineBottom)
	y := func(v float64) float64 { return lineTop + plotH - v/top*plotH }
	x := func(i int) float64 {
		if len(c.X) < 2 {
			return lineLeft + plotW/2
		}
		return lineLeft + float64(i)*plotW/float64(len(c.X)-1)
	}
	for t := 0; t <= lineTicks; t++ {
		v := top * float64(t) / lineTicks
		s.line("chart__grid", lineLeft, y(v), lineLeft+plotW, y(v))
		s.text("chart__label", lineLeft-6, y(v)+4, "end", f(v))
	}
	s.line("chart__axis", lineLeft, lineTop+plotH, lineLeft+plotW, lineTop+plotH)
	for i, l := range c.X {
		s.text("chart__label", x(i), lineTop+plotH+20, "middle", l)
	}
	for n, se := range c.Series {
		k := n % maxSeriesClasses
		c.drawSeries(s, se, k, x, y, f)
		ly := lineH + lineLegendRowH*float64(n) + 4
		s.line(fmt.Sprintf("chart__line chart__line--%d", k), lineLeft, ly+6, lineLeft+24, ly+6)
		s.text("chart__label", lineLeft+30, ly+10, "start", se.Name)
	}
	return s.html()
}

// drawSeries draws one polyline per unbroken run of values, and a dot with a tooltip at every value.
func (c Line) drawSeries(s *svg, se Series, k int, x func(int) float64, y func(float64) float64, f Format) {
	var run []string
	flush := func() {
		if len(run) > 1 {
			fmt.Fprintf(&s.b, `<polyline class="chart__line chart__line--%d" points="%s"/>`, k, strings.Join(run, " "))
		}
		run = run[:0]
	}
	for i, v := range se.Values {
		if v == nil || i >= len(c.X) {
			flush()
			continue
		}
		run = append(run, num(x(i))+","+num(y(*v)))
		fmt.Fprintf(&s.b, `<circle class="chart__dot chart__dot--%d" cx="%s" cy="%s" r="3.5"><title>%s</title></circle>`,
			k, num(x(i)), num(y(*v)), esc(se.Name+", "+c.X[i]+": "+f(*v)))
	}
	flush()
}
