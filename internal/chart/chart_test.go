package chart_test

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/chart"
)

// element is a parsed SVG element.
type element struct {
	Name  string
	Attr  map[string]string
	Text  string
	Inner []*element
}

// parse checks that the chart is well-formed XML and returns its elements in document order.
func parse(t *testing.T, h template.HTML) []*element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(h)))
	var all, stack []*element
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed SVG: %v\n%s", err, h)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			e := &element{Name: v.Name.Local, Attr: map[string]string{}}
			for _, a := range v.Attr {
				e.Attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				stack[len(stack)-1].Inner = append(stack[len(stack)-1].Inner, e)
			}
			all, stack = append(all, e), append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(v)
			}
		}
	}
	return all
}

func byName(es []*element, name string) []*element {
	var out []*element
	for _, e := range es {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

func float(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func german(v float64) string {
	return strings.ReplaceAll(strconv.FormatFloat(v, 'f', 1, 64), ".", ",")
}

func TestBarLengthsAreProportionalToTheValues(t *testing.T) {
	h := chart.Bar{Title: "SGB-II-Quote u15", Unit: " %", Format: german, Items: []chart.BarItem{
		{Label: "Nordstadt", Value: 34}, {Label: "Südstadt", Value: 17, Class: "gap"}, {Label: "Weststadt", Value: 0},
	}}.SVG()
	es := parse(t, h)
	svg := es[0]
	if svg.Name != "svg" || svg.Attr["role"] != "img" || byName(es, "title")[0].Text != "SGB-II-Quote u15" {
		t.Fatalf("the chart must be an image with a title: %+v", svg)
	}
	rects := byName(es, "rect")
	if len(rects) != 3 {
		t.Fatalf("%d bars", len(rects))
	}
	w0, w1, w2 := float(t, rects[0].Attr["width"]), float(t, rects[1].Attr["width"]), float(t, rects[2].Attr["width"])
	if w0 <= 0 || w2 != 0 || w1 < w0/2-0.2 || w1 > w0/2+0.2 {
		t.Errorf("widths %v %v %v, want 34:17:0", w0, w1, w2)
	}
	if rects[1].Attr["class"] != "chart__bar chart__bar--gap" {
		t.Errorf("class %q", rects[1].Attr["class"])
	}
	if !strings.Contains(string(h), ">34,0 %<") || !strings.Contains(string(h), "Südstadt: 17,0 %") {
		t.Errorf("values are written with the caller's format and unit:\n%s", h)
	}
}

func TestChartsEscapeTextAndUseNoInlineStyle(t *testing.T) {
	evil := `<script>alert(1)</script>" onload="x`
	v := 3.0
	for name, h := range map[string]template.HTML{
		"bar":     chart.Bar{Title: evil, Items: []chart.BarItem{{Label: evil, Value: 1}}}.SVG(),
		"line":    chart.Line{Title: evil, X: []string{evil}, Series: []chart.Series{{Name: evil, Values: []*float64{&v}}}}.SVG(),
		"heatmap": chart.Heatmap{Title: evil, Rows: []string{evil}, Cols: []string{evil}, Cells: [][]chart.HeatCell{{{Value: 1, Text: evil}}}}.SVG(),
	} {
		parse(t, h)
		s := string(h)
		if strings.Contains(s, "<script") || strings.Contains(s, `" onload="`) || strings.Contains(s, "style=") {
			t.Errorf("%s: unescaped text or inline style:\n%s", name, s)
		}
	}
}

func TestLineBreaksAtMissingValuesAndScalesToARoundMaximum(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	h := chart.Line{Title: "Betreuungsquote u3", X: []string{"2021", "2022", "2023", "2024", "2025"},
		Series: []chart.Series{{Name: "Nordstadt", Values: []*float64{f(20), f(24), nil, f(31), f(33)}}, {Name: "Südstadt", Values: []*float64{f(40), f(41), f(43), f(44), f(46)}}}}.SVG()
	es := parse(t, h)
	lines := byName(es, "polyline")
	if len(lines) != 3 {
		t.Fatalf("%d polylines, want 2 for Nordstadt (broken at 2023) and 1 for Südstadt", len(lines))
	}
	if n := len(strings.Fields(lines[0].Attr["points"])); n != 2 {
		t.Errorf("first run has %d points", n)
	}
	if len(byName(es, "circle")) != 9 {
		t.Errorf("%d dots, want one per value", len(byName(es, "circle")))
	}
	var labels []string
	for _, e := range byName(es, "text") {
		labels = append(labels, e.Text)
	}
	if !contains(labels, "50") || contains(labels, "46") {
		t.Errorf("y axis should end at the round 50: %v", labels)
	}
	if !contains(labels, "Nordstadt") || !contains(labels, "2025") {
		t.Errorf("legend or x labels missing: %v", labels)
	}
}

func TestHeatmapWritesEveryNumberAndDarkensHigherValues(t *testing.T) {
	h := chart.Heatmap{Title: "Angebote je 1.000 Kinder", Rows: []string{"Nordstadt", "Südstadt"}, Cols: []string{"Gesundheit", "Bildung"},
		Cells: [][]chart.HeatCell{{{Value: 0, Text: "0", Mark: "!"}, {Value: 5, Text: "5"}}, {{Value: 10, Text: "10"}, {Empty: true}}}}.SVG()
	es := parse(t, h)
	rects := byName(es, "rect")
	if len(rects) != 4 {
		t.Fatalf("%d cells", len(rects))
	}
	classes := []string{rects[0].Attr["class"], rects[1].Attr["class"], rects[2].Attr["class"], rects[3].Attr["class"]}
	if classes[0] != "chart__cell heat-0" || classes[2] == classes[0] || !strings.Contains(classes[3], "empty") {
		t.Errorf("classes %v", classes)
	}
	if rects[2].Attr["class"] <= rects[1].Attr["class"] {
		t.Errorf("10 must be darker than 5: %v", classes)
	}
	if title := rects[0].Inner[0].Text; title != "Nordstadt · Gesundheit: 0!" {
		t.Errorf("cell title %q", title)
	}
	var texts []string
	for _, e := range byName(es, "text") {
		texts = append(texts, e.Text)
	}
	for _, want := range []string{"0!", "5", "10", "–", "Gesundheit", "Südstadt"} {
		if !contains(texts, want) {
			t.Errorf("%q not written: %v", want, texts)
		}
	}
}

func TestCSVIsSemicolonSeparatedWithBOMAndDefusesFormulas(t *testing.T) {
	var b bytes.Buffer
	if err := chart.WriteCSV(&b, []string{"Sozialraum", "Wert"}, [][]string{{"Nordstadt", "-3,5"}, {"=HYPERLINK(\"x\")", "12"}}); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffSozialraum;Wert\nNordstadt;-3,5\n\"'=HYPERLINK(\"\"x\"\")\";12\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
