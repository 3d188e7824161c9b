package indicator

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
)

// KommuneRef is a Kommune as the import needs it to resolve region keys.
type KommuneRef struct {
	ID   uuid.UUID
	AGS  string
	ARS  string
	Name string
	Type string // region.Type*
}

// AreaRef is a Sozialraum as the import needs it.
type AreaRef struct {
	ID        uuid.UUID
	KommuneID uuid.UUID
	Key       string
	Name      string
	Version   int
}

// Regions are the regions an import may write to: the Kommunen of the acting scope and, when the import is
// for one Kommune (Only), that Kommune's Sozialräume.
type Regions struct {
	Kommunen []KommuneRef
	Only     *KommuneRef
	Areas    []AreaRef // of Only
}

// Key identifies a stored value: indicator, region (the id of the Kommune or the Area) and period.
type Key struct {
	Indicator string
	Region    uuid.UUID
	Period    string
}

// Change says what applying a row does.
type Change string

const (
	ChangeNew       Change = "new"
	ChangeChanged   Change = "changed"
	ChangeUnchanged Change = "unchanged"
)

// PreviewRow is one value of the file with what applying it would do.
type PreviewRow struct {
	Line   int    `json:"line"`
	Change Change `json:"change"`
	Value         // the new value with its region resolved
	Old    *Value `json:"old,omitempty"`
}

// Preview is what an import would change, computed before anything is written.
type Preview struct {
	File      string       `json:"file"`
	Format    string       `json:"format"`
	Encoding  string       `json:"encoding"`
	Rows      []PreviewRow `json:"rows"`
	New       int          `json:"new"`
	Changed   int          `json:"changed"`
	Unchanged int          `json:"unchanged"`
	Missing   int          `json:"missing"` // cells marked missing in the file: nothing imported for them
	Ignored   int          `json:"ignored"` // lines of a flat GENESIS file that are no indicator of the catalogue
	// Skipped counts the rows of a Regionaldatenbank table for official regions that are no Kommune of the scope
	// (such tables cover all of Germany).
	Skipped  int       `json:"skipped"`
	Problems []Problem `json:"problems,omitempty"`
}

// MaxProblems is how many problems Err names one by one.
const MaxProblems = 100

// Err returns an invalid error naming every problem by line and column, or nil.
func (p Preview) Err() error {
	if len(p.Problems) == 0 {
		return nil
	}
	e := &errs.Error{Code: errs.Invalid, Message: "indicator.import_invalid"}
	for i, pr := range p.Problems {
		if i == MaxProblems {
			// A file broken in every row would bury the first, usually telling, problems.
			e.Fields = append(e.Fields, errs.FieldError{Field: "Datei", Message: "indicator.problem.more",
				Data: map[string]any{"Count": len(p.Problems) - MaxProblems}})
			break
		}
		e.Fields = append(e.Fields, errs.FieldError{Field: pr.Where(), Message: pr.Message, Data: pr.Data})
	}
	return e
}

// Where names the place of a problem the way a German spreadsheet user looks for it.
func (p Problem) Where() string {
	switch {
	case p.Line == 0:
		return "Datei"
	case p.Column == 0:
		return fmt.Sprintf("Zeile %d", p.Line)
	case p.ColumnName != "":
		return fmt.Sprintf("Zeile %d, Spalte %d (%s)", p.Line, p.Column, p.ColumnName)
	}
	return fmt.Sprintf("Zeile %d, Spalte %d", p.Line, p.Column)
}

// BuildPreview resolves the regions of the parsed rows, checks what only the database can tell (unknown region
// keys, a Sozialraum value of an indicator published only per Kommune, two rows for the same value) and compares
// every row with the stored values (existing, by Key).
func BuildPreview(f File, cat []Indicator, reg Regions, existing map[Key]Value) Preview {
	p := Preview{File: f.Name, Format: f.Format, Encoding: f.Encoding, Missing: f.Missing, Ignored: f.Ignored}
	byCode := map[string]Indicator{}
	for _, ind := range cat {
		byCode[ind.Code] = ind
	}
	seen := map[Key]int{}
	for _, r := range f.Rows {
		ind := byCode[r.Indicator]
		v := Value{Indicator: r.Indicator, Period: r.Period, Value: r.Value, Count: r.Count, RegionKey: r.Region}
		region, found, skip := reg.resolve(r.Region, f.Format == FormatGENESIS)
		switch {
		case skip:
			p.Skipped++
			continue
		case !found:
			msg := "indicator.problem.unknown_region"
			if reg.Only == nil && !kommuneKeyShape(r.Region) {
				msg = "indicator.problem.unknown_region_no_kommune"
			}
			p.Problems = append(p.Problems, Problem{Line: r.Line, Column: r.RegionCol, ColumnName: r.RegionHeader, Message: msg,
				Data: map[string]any{"Value": r.Region}})
			continue
		}
		v.KommuneID, v.RegionName = region.kommune.ID, region.kommune.Name
		var id uuid.UUID = region.kommune.ID
		if region.area != nil {
			a := *region.area
			v.AreaID, v.AreaVersion, v.RegionKey, v.RegionName, id = &a.ID, a.Version, a.Key, a.Name, a.ID
			if !ind.HasLevel(LevelArea) {
				p.Problems = append(p.Problems, Problem{Line: r.Line, Column: r.ValueCol, ColumnName: r.ValueHeader,
					Message: "indicator.problem.no_area_level", Data: map[string]any{"Indicator": ind.NameDE}})
				continue
			}
		} else {
			v.RegionKey = region.kommune.AGS
			if !ind.HasLevel(LevelKommune) {
				p.Problems = append(p.Problems, Problem{Line: r.Line, Column: r.ValueCol, ColumnName: r.ValueHeader,
					Message: "indicator.problem.no_kommune_level", Data: map[string]any{"Indicator": ind.NameDE}})
				continue
			}
		}
		k := Key{Indicator: r.Indicator, Region: id, Period: r.Period}
		if first, dup := seen[k]; dup {
			p.Problems = append(p.Problems, Problem{Line: r.Line, Column: r.ValueCol, ColumnName: r.ValueHeader,
				Message: "indicator.problem.duplicate", Data: map[string]any{"First": first, "Indicator": ind.NameDE,
					"Region": v.RegionName, "Period": r.Period}})
			continue
		}
		seen[k] = r.Line
		row := PreviewRow{Line: r.Line, Value: v, Change: ChangeNew}
		if old, ok := existing[k]; ok {
			o := old
			row.Old = &o
			row.Change = ChangeChanged
			if old.Value == v.Value && sameCount(old.Count, v.Count) {
				row.Change = ChangeUnchanged
			}
		}
		switch row.Change {
		case ChangeNew:
			p.New++
		case ChangeChanged:
			p.Changed++
		default:
			p.Unchanged++
		}
		p.Rows = append(p.Rows, row)
	}
	if len(p.Problems) == 0 && len(p.Rows) == 0 {
		p.Problems = append(p.Problems, Problem{Message: "indicator.problem.nothing_for_scope"})
	}
	return p
}

func sameCount(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

type resolved struct {
	kommune KommuneRef
	area    *AreaRef
}

// resolve finds the region of a key: a Sozialraum of the Kommune the import is for, or a Kommune by AGS (8
// digits), ARS (12) or, for a kreisfreie Stadt, Landkreis or Region, the 5-digit Kreis key the
// Regionaldatenbank uses. skip is true for an official key of a region that is no Kommune of the scope in an
// official table, which covers the whole country.
func (reg Regions) resolve(key string, official bool) (r resolved, found, skip bool) {
	if reg.Only != nil {
		for i, a := range reg.Areas {
			if a.Key == key {
				return resolved{kommune: *reg.Only, area: &reg.Areas[i]}, true, false
			}
		}
	}
	candidates := reg.Kommunen
	if reg.Only != nil {
		candidates = []KommuneRef{*reg.Only}
	}
	for _, k := range candidates {
		if k.AGS == key || k.ARS == key {
			return resolved{kommune: k}, true, false
		}
		if len(key) == 5 && (k.AGS == key+"000" || ((k.Type == "landkreis" || k.Type == "region") && k.AGS[:5] == key)) {
			return resolved{kommune: k}, true, false
		}
	}
	if official && officialKey(key) {
		return resolved{}, false, true
	}
	return resolved{}, false, false
}

// kommuneKeyShape reports whether a key looks like the key of a Kommune: Kreis (5 digits), AGS (8) or ARS (12).
func kommuneKeyShape(s string) bool {
	return allDigits(s) && (len(s) == 5 || len(s) == 8 || len(s) == 12)
}
