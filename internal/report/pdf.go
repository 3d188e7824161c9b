package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/taxonomy"
)

// The PDFs use the core font Helvetica with the Windows-1252 encoding rather than an embedded TrueType font:
// cp1252 holds every letter of German text (ä ö ü ß, „“, –, €), the file stays small and needs no font file
// shipped in the binary. The few characters outside it are replaced first (→ by "->").
var outside1252 = strings.NewReplacer("→", "->", "\u2009", " ", "\u202f", " ", "−", "-")

type doc struct {
	*fpdf.Fpdf
	tr   func(string) string
	l    *i18n.Localizer
	a    Analysis
	date string
}

func newDoc(a Analysis, l *i18n.Localizer, title string) *doc {
	p := fpdf.New("P", "mm", "A4", "")
	d := &doc{Fpdf: p, l: l, a: a, date: a.Matrix.Date.Time().Format(l.T("format.date"))}
	cp := p.UnicodeTranslatorFromDescriptor("") // cp1252
	d.tr = func(s string) string { return cp(outside1252.Replace(s)) }
	p.SetTitle(d.tr(title), false)
	p.SetAuthor("Kette", false)
	p.SetCreator("Kette", false)
	p.SetMargins(15, 15, 15)
	p.SetAutoPageBreak(true, 15)
	p.SetFooterFunc(func() {
		p.SetY(-12)
		p.SetFont("Helvetica", "", 8)
		p.CellFormat(0, 5, d.tr(fmt.Sprintf("%s · %s · %s %d", title, a.Matrix.Kommune.Name, l.T("chainview.pdf.page"), p.PageNo())), "", 0, "C", false, 0, "")
	})
	return d
}

func (d *doc) heading(size float64, s string) {
	d.SetFont("Helvetica", "B", size)
	d.MultiCell(0, size*0.5, d.tr(s), "", "L", false)
	d.Ln(2)
}

func (d *doc) para(s string) {
	d.SetFont("Helvetica", "", 10)
	d.MultiCell(0, 5, d.tr(s), "", "L", false)
	d.Ln(1)
}

func (d *doc) num(v float64, decimals int) string {
	return message.NewPrinter(language.Make(d.l.Lang)).Sprintf("%.*f", decimals, v)
}

// Lueckenbericht writes the Lückenbericht of a Kommune: a summary, the map of gaps per Sozialraum, the
// ranking of Sozialräume by gaps and the ranked gap list with its sentences.
func Lueckenbericht(w io.Writer, a Analysis, l *i18n.Localizer) error {
	m := a.Matrix
	title := l.T("chainview.report.gaps")
	d := newDoc(a, l, title)
	d.AddPage()
	d.heading(18, title+" "+m.Kommune.Name)
	d.para(l.T("chainview.pdf.stand", map[string]any{"Date": d.date}))
	d.para(l.T("chainview.summary", map[string]any{"Areas": len(m.Anchors), "Gaps": len(m.Gaps), "Count": len(m.Gaps),
		"Missing": len(m.MissingAnchors)}))
	perArea := a.GapsPerArea()
	values := map[string]float64{}
	for _, ar := range a.Areas {
		values[ar.Key] = float64(perArea[ar.Key])
	}
	d.heading(13, l.T("chainview.map.gaps"))
	d.choropleth(values)
	d.heading(13, l.T("chainview.ranking.areas"))
	d.bars(values)
	d.need()

	d.AddPage()
	d.heading(13, l.T("chainview.gaps.heading"))
	for _, g := range a.GapRows(l) {
		d.SetFont("Helvetica", "B", 9)
		d.CellFormat(10, 5, fmt.Sprint(g.Rank), "", 0, "R", false, 0, "")
		d.SetFont("Helvetica", "", 9)
		d.MultiCell(0, 5, d.tr(g.Sentence), "", "L", false)
	}
	if len(m.MissingAnchors) > 0 {
		d.Ln(3)
		d.heading(13, l.T("chainview.anchors.heading"))
		for _, an := range m.MissingAnchors {
			d.para(an.Sentence(l))
		}
	}
	return finish(w, d)
}

// Sozialraumprofil writes one page per Sozialraum: its children by age, the offers per phase and field (gaps
// marked with "!") and its gaps in words, after a map of the Kommune's Sozialräume by their gaps.
func Sozialraumprofil(w io.Writer, a Analysis, l *i18n.Localizer) error {
	m := a.Matrix
	title := l.T("chainview.report.profile")
	d := newDoc(a, l, title)
	d.AddPage()
	d.heading(18, title+" "+m.Kommune.Name)
	d.para(l.T("chainview.pdf.stand", map[string]any{"Date": d.date}))
	perArea := a.GapsPerArea()
	values := map[string]float64{}
	for _, ar := range a.Areas {
		values[ar.Key] = float64(perArea[ar.Key])
	}
	d.heading(13, l.T("chainview.map.gaps"))
	d.choropleth(values)
	d.need()
	gaps := a.GapRows(l)
	phases, fields := a.Phases(), a.Fields()
	for _, ar := range a.Areas {
		d.AddPage()
		d.heading(16, fmt.Sprintf("%s %s", ar.Key, ar.Name))
		d.heading(11, l.T("chainview.profile.children"))
		c := ar.Children
		d.SetFont("Helvetica", "", 9)
		for _, band := range []struct {
			label string
			n     int
		}{{"0–2", c.Age0to2}, {"3–5", c.Age3to5}, {"6–9", c.Age6to9}, {"10–15", c.Age10to15}, {"16–20", c.Age16to20}} {
			d.CellFormat(30, 5, d.tr(band.label), "1", 0, "L", false, 0, "")
		}
		d.Ln(-1)
		for _, n := range []int{c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20} {
			shown := d.num(float64(n), 0)
			if n < a.Settings.Privacy.Min() { // a small count is never exported (kette serve --min-cell)
				shown = "–"
			}
			d.CellFormat(30, 5, d.tr(shown), "1", 0, "R", false, 0, "")
		}
		d.Ln(8)
		d.heading(11, l.T("chainview.profile.offers"))
		d.SetFont("Helvetica", "B", 7)
		d.CellFormat(51, 8, d.tr(l.T("chainview.col.field")), "1", 0, "L", false, 0, "")
		for _, p := range phases {
			d.CellFormat(22, 8, d.tr(clip(a.Tax.Label(taxonomy.Phase, p, l.Lang), 16)), "1", 0, "C", false, 0, "")
		}
		d.Ln(-1)
		d.SetFont("Helvetica", "", 8)
		for _, f := range fields {
			d.CellFormat(51, 6, d.tr(clip(a.Tax.Label(taxonomy.Field, f, l.Lang), 36)), "1", 0, "L", false, 0, "")
			for _, p := range phases {
				cell, _ := m.Cell(ar.Key, p, f)
				s := fmt.Sprint(cell.Supply)
				if cell.Gap {
					s += " !"
					d.SetFillColor(210, 210, 210)
				} else {
					d.SetFillColor(255, 255, 255)
				}
				d.CellFormat(22, 6, s, "1", 0, "C", true, 0, "")
			}
			d.Ln(-1)
		}
		d.SetFont("Helvetica", "", 8)
		d.MultiCell(0, 4, d.tr(l.T("chainview.profile.legend")), "", "L", false)
		d.Ln(2)
		d.heading(11, l.T("chainview.gaps.heading"))
		any := false
		for _, g := range gaps {
			if g.AreaKey == ar.Key {
				any = true
				d.SetFont("Helvetica", "", 9)
				d.MultiCell(0, 4.5, d.tr(fmt.Sprintf("%d. %s", g.Rank, g.Sentence)), "", "L", false)
			}
		}
		if !any {
			d.para(l.T("chainview.gaps.none"))
		}
	}
	return finish(w, d)
}

// need shows the Bedarfsindex behind the analysis as the chain page does: the formula, how the z-scores and the
// need weight are computed, and the chosen indicators with their weight, share, reading (polarity) and period.
// Without an index it says that every Sozialraum weighs 1.
func (d *doc) need() {
	l, n := d.l, d.a.Matrix.Need
	d.Ln(2)
	d.heading(13, l.T("chainview.need.heading"))
	if n == nil || len(n.Indicators) == 0 {
		d.para(l.T("chainview.need.none"))
		return
	}
	d.SetFont("Helvetica", "B", 10)
	d.MultiCell(0, 5, d.tr(l.T("chainview.need.formula")+": "+n.Formula), "", "L", false)
	d.Ln(1)
	d.para(l.T("chainview.need.zscore"))
	d.para(l.T("chainview.need.mapping", map[string]any{"Slope": d.num(n.Slope, 2), "Min": d.num(n.MinWeight, 1), "Max": d.num(n.MaxWeight, 1)}))
	widths := []float64{50, 14, 28, 60, 28}
	row := func(style string, cells ...string) {
		d.SetFont("Helvetica", style, 8)
		for i, c := range cells {
			d.CellFormat(widths[i], 6, d.tr(clip(c, int(widths[i]/1.6))), "1", 0, "L", false, 0, "")
		}
		d.Ln(-1)
	}
	d.SetFont("Helvetica", "B", 9)
	d.MultiCell(0, 5, d.tr(l.T("chainview.need.indicators")), "", "L", false)
	row("B", l.T("chainview.col.indicator"), l.T("chainview.col.weight"), l.T("chainview.col.weight_share"), l.T("report.need.polarity"),
		l.T("chainview.col.period"))
	for _, ind := range n.Indicators {
		polarity := l.T("report.need.higher_is_worse")
		if ind.HigherIsBetter {
			polarity = l.T("report.need.higher_is_better")
		}
		period := ind.Period
		if period == "" {
			period = l.T("chainview.need.no_period")
		}
		row("", ind.Name, d.num(ind.Weight, 1), d.num(ind.Share*100, 0)+" %", polarity, period)
	}
	d.Ln(3)
}

func finish(w io.Writer, d *doc) error {
	if err := d.Error(); err != nil {
		return errs.Wrap(err, "pdf")
	}
	return errs.Wrap(d.Output(w), "pdf output")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// greys are the fill levels of the map, light to dark, so the map reads in black-and-white print.
var greys = []int{240, 205, 165, 120, 80}

// level puts v into one of the five classes between 0 and maxV.
func level(v, maxV float64) int {
	if maxV <= 0 {
		return 0
	}
	return min(int(v/maxV*float64(len(greys)-1)+0.5), len(greys)-1)
}

// choropleth draws the Areas filled by value with their key and value written in them, and a legend.
func (d *doc) choropleth(values map[string]float64) {
	var bound orb.Bound
	first := true
	for _, ar := range d.a.Areas {
		if ar.Geometry == nil {
			continue
		}
		if b := ar.Geometry.Bound(); first {
			bound, first = b, false
		} else {
			bound = bound.Union(b)
		}
	}
	if first {
		return
	}
	const boxW, boxH = 120.0, 90.0
	x0, y0 := d.GetX(), d.GetY()
	// Longitude degrees are shorter than latitude degrees this far north.
	kx := math.Cos(bound.Center().Lat() * math.Pi / 180)
	w, h := (bound.Max.Lon()-bound.Min.Lon())*kx, bound.Max.Lat()-bound.Min.Lat()
	scale := math.Min(boxW/w, boxH/h)
	pt := func(p orb.Point) fpdf.PointType {
		return fpdf.PointType{X: x0 + (p.Lon()-bound.Min.Lon())*kx*scale, Y: y0 + (bound.Max.Lat()-p.Lat())*scale}
	}
	maxV := 0.0
	for _, v := range values {
		maxV = math.Max(maxV, v)
	}
	d.SetDrawColor(60, 60, 60)
	d.SetLineWidth(0.3)
	for _, ar := range d.a.Areas {
		if ar.Geometry == nil {
			continue
		}
		g := greys[level(values[ar.Key], maxV)]
		d.SetFillColor(g, g, g)
		for _, ring := range outerRings(ar.Geometry) {
			var pts []fpdf.PointType
			for _, p := range ring {
				pts = append(pts, pt(p))
			}
			d.Polygon(pts, "DF")
		}
		c, _ := planar.CentroidArea(ar.Geometry)
		cp := pt(c)
		if g < 140 {
			d.SetTextColor(255, 255, 255)
		} else {
			d.SetTextColor(0, 0, 0)
		}
		d.SetFont("Helvetica", "B", 7)
		d.Text(cp.X-4, cp.Y, fmt.Sprintf("%s: %s", ar.Key, d.num(values[ar.Key], 0)))
	}
	d.SetTextColor(0, 0, 0)
	// Legend beside the map: the classes and the Areas' keys with names.
	lx := x0 + boxW + 6
	d.SetXY(lx, y0)
	d.SetFont("Helvetica", "", 7)
	for i, g := range greys {
		d.SetFillColor(g, g, g)
		d.Rect(lx, y0+float64(i)*5, 4, 4, "DF")
		lo, hi := maxV*(float64(i)-0.5)/4, maxV*(float64(i)+0.5)/4
		d.Text(lx+6, y0+float64(i)*5+3.2, d.tr(fmt.Sprintf("%s–%s", d.num(math.Max(lo, 0), 0), d.num(hi, 0))))
	}
	y := y0 + 30
	for _, ar := range d.a.Areas {
		d.Text(lx, y, d.tr(clip(ar.Key+" "+ar.Name, 32)))
		y += 3.5
	}
	d.SetXY(x0, y0+math.Max(boxH, y-y0)+4)
}

// bars draws a horizontal bar per Area, longest first, with its value written beside it.
func (d *doc) bars(values map[string]float64) {
	type item struct {
		ar region.Area
		v  float64
	}
	var items []item
	maxV := 0.0
	for _, ar := range d.a.Areas {
		items = append(items, item{ar, values[ar.Key]})
		maxV = math.Max(maxV, values[ar.Key])
	}
	for i := 1; i < len(items); i++ { // insertion sort keeps ties in key order
		for j := i; j > 0 && items[j].v > items[j-1].v; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	d.SetFont("Helvetica", "", 8)
	d.SetFillColor(90, 90, 90)
	for _, it := range items {
		x, y := d.GetX(), d.GetY()
		d.CellFormat(55, 5, d.tr(clip(it.ar.Name, 34)), "", 0, "R", false, 0, "")
		bw := 0.0
		if maxV > 0 {
			bw = it.v / maxV * 100
		}
		d.Rect(x+57, y+0.8, bw, 3.4, "F")
		d.SetXY(x+59+bw, y)
		d.CellFormat(20, 5, d.num(it.v, 0), "", 1, "L", false, 0, "")
		d.SetX(x)
	}
}

// outerRings are the outer rings of a Polygon or MultiPolygon; Sozialräume have no holes worth drawing.
func outerRings(g orb.Geometry) []orb.Ring {
	switch g := g.(type) {
	case orb.Polygon:
		if len(g) > 0 {
			return []orb.Ring{g[0]}
		}
	case orb.MultiPolygon:
		var out []orb.Ring
		for _, p := range g {
			if len(p) > 0 {
				out = append(out, p[0])
			}
		}
		return out
	}
	return nil
}
