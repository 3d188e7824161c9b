package generate

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
)

// districtsCSV is the shipped list of the 401 Kreise and kreisfreie Städte (see DISTRICTS-LICENSE.md).
//
//go:embed districts.csv
var districtsCSV string

// District is one line of the districts list.
type District struct {
	Key        string // 5-digit Kreisschlüssel
	Type       string // as in the file: Kreisfreie Stadt, Stadtkreis, Kreis, Landkreis, Regionalverband
	Name       string
	AreaKm2    float64
	Population int
	Line       int
}

// KommuneType maps the file's type to a Kommune type.
func (d District) KommuneType() string {
	switch d.Type {
	case "Kreisfreie Stadt", "Stadtkreis":
		return region.TypeKreisfreieStadt
	case "Regionalverband":
		return region.TypeRegion
	default:
		return region.TypeLandkreis
	}
}

// ShortName is the name without its suffix: "Kiel, Landeshauptstadt" → "Kiel".
func (d District) ShortName() string {
	name, _, _ := strings.Cut(d.Name, ",")
	return strings.TrimSpace(name)
}

var (
	districtHeader = []string{"AGS", "type", "name", "NUTS3", "area_km2", "population"}
	districtTypes  = map[string]bool{"Kreisfreie Stadt": true, "Stadtkreis": true, "Kreis": true, "Landkreis": true, "Regionalverband": true}
	kreisKey       = regexp.MustCompile(`^[0-9]{5}$`)
)

// ParseDistricts reads a districts list strictly: the header names at least the columns
// AGS;type;name;NUTS3;area_km2;population, every line has as many columns as the header, keys are 5-digit
// Kreis keys of a Land and unique, area and population are positive numbers. The first bad line is reported
// as an invalid error naming the line (1 is the header).
func ParseDistricts(r io.Reader) ([]District, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var out []District
	seen := map[string]bool{}
	width, line := 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
			cols := strings.Split(text, ";")
			if len(cols) < len(districtHeader) || strings.Join(cols[:len(districtHeader)], ";") != strings.Join(districtHeader, ";") {
				return nil, lineError(line, "validation.districts_header", map[string]any{"Want": strings.Join(districtHeader, ";")},
					fmt.Errorf("header %q", text))
			}
			width = len(cols)
			continue
		}
		cols := strings.Split(text, ";")
		if len(cols) != width {
			return nil, lineError(line, "validation.districts_columns", map[string]any{"Got": len(cols), "Want": width},
				fmt.Errorf("%d columns, want %d", len(cols), width))
		}
		bad := func(col, value string) error {
			return lineError(line, "validation.districts_value", map[string]any{"Column": col, "Value": value},
				fmt.Errorf("column %s: %q", col, value))
		}
		d := District{Key: cols[0], Type: cols[1], Name: strings.TrimSpace(cols[2]), Line: line}
		if !kreisKey.MatchString(d.Key) || !region.ValidLandCode(d.Key[:2]) {
			return nil, bad("AGS", cols[0])
		}
		if seen[d.Key] {
			return nil, lineError(line, "validation.districts_duplicate", map[string]any{"Value": d.Key},
				fmt.Errorf("duplicate key %s", d.Key))
		}
		seen[d.Key] = true
		if !districtTypes[d.Type] {
			return nil, bad("type", cols[1])
		}
		if d.Name == "" {
			return nil, bad("name", cols[2])
		}
		var err error
		if d.AreaKm2, err = strconv.ParseFloat(cols[4], 64); err != nil || d.AreaKm2 <= 0 {
			return nil, bad("area_km2", cols[4])
		}
		if d.Population, err = strconv.Atoi(cols[5]); err != nil || d.Population <= 0 {
			return nil, bad("population", cols[5])
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, lineError(line+1, "validation.districts_value", map[string]any{"Column": "", "Value": ""}, err)
	}
	if len(out) == 0 {
		return nil, lineError(line, "validation.districts_empty", nil, fmt.Errorf("no districts"))
	}
	return out, nil
}

// lineError is the invalid error of a districts list; the field error names the line in Data["Line"].
func lineError(line int, message string, data map[string]any, cause error) error {
	if data == nil {
		data = map[string]any{}
	}
	data["Line"] = line
	return &errs.Error{Code: errs.Invalid, Message: "error.districts_invalid",
		Fields: []errs.FieldError{{Field: "districts", Message: message, Data: data}},
		Err:    fmt.Errorf("districts line %d: %w", line, cause)}
}
