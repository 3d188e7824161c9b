// Package chart draws the charts of Kette as SVG on the server: ranking bars, time-series lines and heatmaps.
// It is written here, small, rather than taken from a plotting library because the pages run under a
// Content-Security-Policy without 'unsafe-inline': every colour and line style must come from CSS classes of
// the site's style sheet, while plotting libraries (gonum/plot's vgsvg, go-echarts, go-chart) write inline
// style attributes or need JavaScript. Each chart is an <svg role="img"> with a <title> and a <desc>; the page
// shows the same numbers as a table beside it, and CSV gives them to spreadsheet users.
//
// Class names used (styled in the web package's kette.css): chart, chart__bar, chart__bar--<class>,
// chart__label, chart__value, chart__axis, chart__grid, chart__line--<n>, chart__dot--<n>, chart__cell,
// heat-0 … heat-4 (light to dark), chart__cell-text, chart__cell-text--inverse.
package chart

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
)

// Format turns a number into text for a reader, e.g. German "1.234,5". Charts take it from the caller so
// the language stays with the page.
type Format func(float64) string

// Plain is a locale-free Format, for tests and for CSV.
func Plain(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// svg collects the elements of one chart.
type svg struct {
	b    bytes.Buffer
	w, h float64
}

func newSVG(w, h float64, title, desc string) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg class="chart" role="img" viewBox="0 0 %s %s" xmlns="http://www.w3.org/2000/svg">`, num(w), num(h))
	fmt.Fprintf(&s.b, `<title>%s</title>`, esc(title))
	if desc != "" {
		fmt.Fprintf(&s.b, `<desc>%s</desc>`, esc(desc))
	}
	return s
}

func (s *svg) rect(class string, x, y, w, h float64, tooltip string) {
	fmt.Fprintf(&s.b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s">`, esc(class), num(x), num(y), num(w), num(h))
	if tooltip != "" {
		fmt.Fprintf(&s.b, `<title>%s</title>`, esc(tooltip))
	}
	s.b.WriteString(`</rect>`)
}

func (s *svg) text(class string, x, y float64, anchor, t string) {
	fmt.Fprintf(&s.b, `<text class="%s" x="%s" y="%s" text-anchor="%s">%s</text>`, esc(class), num(x), num(y), anchor, esc(t))
}

func (s *svg) line(class string, x1, y1, x2, y2 float64) {
	fmt.Fprintf(&s.b, `<line class="%s" x1="%s" y1="%s" x2="%s" y2="%s"/>`, esc(class), num(x1), num(y1), num(x2), num(y2))
}

// html closes the chart. The content was escaped element by element, so it is safe to embed.
func (s *svg) html() template.HTML {
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String()) // #nosec G203 -- every text and attribute above went through esc
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// num writes a coordinate with at most one decimal: enough for the screen, small for the page.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// niceMax rounds a maximum up to 1, 2, 2.5 or 5 times a power of ten, so axis labels are round numbers.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// WriteCSV writes a header and rows as semicolon-separated UTF-8 with a byte-order mark, as German
// spreadsheet programs expect.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(sanitizeCells(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// sanitizeCells defuses spreadsheet formulas: a cell starting with = + - @ would be run by Excel (CSV
// injection), so it gets a leading apostrophe — unless it is a plain number.
func sanitizeCells(r []string) []string {
	out := make([]string, len(r))
	for i, c := range r {
		out[i] = c
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			if _, err := strconv.ParseFloat(strings.ReplaceAll(c, ",", "."), 64); err != nil {
				out[i] = "'" + c
			}
		}
	}
	return out
}
