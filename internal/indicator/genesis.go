package indicator

import (
	"strconv"
	"strings"
)

// The flat CSV of GENESIS-Online and the Regionaldatenbank ("ffcsv"): one value per line, with the columns
// statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;
// 1_variable_attribute_code;1_variable_attribute_label;2_variable_code;…;value;value_unit;value_variable_code;
// value_variable_label. One of the variables is the region (KREISE, GEMEINDE, DLAND …: its attribute code is
// the official key), the others classify the value (age group, sex …).

// regionVariables are the GENESIS variables whose attribute code is an official regional key.
var regionVariables = map[string]bool{"DINSG": true, "DLAND": true, "REGBEZ": true, "KREISE": true, "GEMEIN": true,
	"GEMEINDE": true, "GEODL1": true, "GEOBL1": true, "GEORB1": true, "GEOKR1": true, "GEOGM1": true}

func isFlat(t table) bool {
	return len(t.rows) > 0 && strings.EqualFold(t.rows[0].text(0), "statistics_code")
}

// fromFlat reads the flat GENESIS CSV. A line becomes a value of the catalogue when its value variable or
// exactly one of its classifying attributes names an indicator (e.g. the age group "unter 3 Jahre" of the
// population table 12411) and every other classifying variable stands at its total ("Insgesamt"). Other lines
// (the other age groups, by sex …) are not ours to import and are counted as ignored, not as errors.
func (f File) fromFlat(t table, cat []Indicator) (File, []Problem) {
	f.Format = FormatGENESIS
	head := t.rows[0]
	col := map[string]int{}
	for j, c := range head.cells {
		col[strings.ToLower(strings.TrimSpace(c.text))] = j
	}
	var probs []Problem
	for _, need := range []string{"time", "value"} {
		if _, ok := col[need]; !ok {
			probs = append(probs, Problem{Line: head.line, Message: "indicator.problem.flat_column", Data: map[string]any{"Value": need}})
		}
	}
	if len(probs) > 0 {
		return f, probs
	}
	var vars []int // the numbers N of the N_variable_code columns
	for n := 1; ; n++ {
		if _, ok := col[strconv.Itoa(n)+"_variable_code"]; !ok {
			break
		}
		vars = append(vars, n)
	}
	get := func(r tableRow, name string) string {
		j, ok := col[name]
		if !ok {
			return ""
		}
		return r.text(j)
	}
	for n, r := range t.rows[1:] {
		t.checking(n+1, r)
		if r.empty() {
			continue
		}
		region, regionCol := "", 0
		var ind Indicator
		found, total := false, true
		if i, ok := Lookup(cat, get(r, "value_variable_label")); ok {
			ind, found = i, true
		}
		for _, n := range vars {
			prefix := strconv.Itoa(n) + "_variable_"
			code := get(r, prefix+"code")
			attrCode, attrLabel := get(r, prefix+"attribute_code"), get(r, prefix+"attribute_label")
			if regionVariables[strings.ToUpper(code)] {
				region, regionCol = regionKey(attrCode), col[prefix+"attribute_code"]+1
				continue
			}
			if i, ok := Lookup(cat, attrLabel); ok && !found {
				ind, found = i, true
				continue
			}
			if attrCode != "" && !strings.EqualFold(attrLabel, "Insgesamt") {
				total = false
			}
		}
		if !found || !total {
			f.Ignored++
			continue
		}
		if region == "" {
			probs = append(probs, Problem{Line: r.line, Message: "indicator.problem.region_empty"})
			continue
		}
		p, ok := period(get(r, "time"))
		if !ok {
			probs = append(probs, Problem{Line: r.line, Column: col["time"] + 1, ColumnName: "time", Message: "indicator.problem.period",
				Data: map[string]any{"Value": get(r, "time")}})
			continue
		}
		raw := get(r, "value")
		v, missing, good := flatNumber(raw)
		switch {
		case !good:
			probs = append(probs, Problem{Line: r.line, Column: col["value"] + 1, ColumnName: "value", Message: "indicator.problem.not_a_number",
				Data: map[string]any{"Value": raw}})
			continue
		case missing:
			f.Missing++
			continue
		}
		f.Rows = append(f.Rows, Row{Line: r.line, Indicator: ind.Code, Region: region, Period: p, Value: v, RegionCol: regionCol,
			PeriodCol: col["time"] + 1, ValueCol: col["value"] + 1, RegionHeader: "attribute_code", ValueHeader: "value"})
	}
	t.checked(len(t.rows) - 1)
	if len(probs) == 0 && len(f.Rows) == 0 {
		probs = append(probs, Problem{Message: "indicator.problem.no_rows"})
	}
	return f, probs
}

// flatNumber reads a value of the flat file: a machine format whose decimal sign is a point (English
// download) or a comma (German download), never with thousands separators.
func flatNumber(s string) (float64, bool, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") || s == "" || s == "-" || s == "." || s == "..." || s == "x" || s == "/" {
		return number(s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "eEnNiI") {
		return 0, false, false
	}
	return v, false, true
}
