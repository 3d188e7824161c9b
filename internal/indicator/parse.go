package indicator

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Problem is one thing wrong with an import file, with where it is. Message is an i18n message id of the
// indicator catalogue; Data fills its template.
type Problem struct {
	Line       int            `json:"line"`   // 1-based; 0 for the whole file
	Column     int            `json:"column"` // 1-based; 0 for the whole line
	ColumnName string         `json:"column_name,omitempty"`
	Message    string         `json:"message"`
	Data       map[string]any `json:"data,omitempty"`
}

// Formats of import files.
const (
	FormatCSV     = "csv"     // a table as German offices export it
	FormatGENESIS = "genesis" // a CSV table of the Regionaldatenbank / GENESIS-Online with its title and footer
	FormatXLSX    = "xlsx"
)

// Row is one value read from a file, not yet checked against the regions of the database.
type Row struct {
	Line      int
	Indicator string // catalogue code
	Region    string // the region key as written, leading zeros restored
	Period    string // normalised: 2024, 2024-12, 2024-12-31 or 2023/2024
	Value     float64
	Count     *int64
	// Columns of the cells, for problems found later.
	RegionCol, PeriodCol, ValueCol int
	RegionHeader, ValueHeader      string
}

// File is a parsed import file.
type File struct {
	Name     string
	Format   string
	Encoding string // UTF-8, UTF-8 mit BOM, Windows-1252
	Rows     []Row
	Missing  int // cells marked as missing ("-", ".", empty …): nothing is imported for them
	Ignored  int // lines of a flat GENESIS file that belong to no indicator of the catalogue
}

// Parse reads an import file of any supported format. Problems are collected rather than stopping at the
// first, so that a user can fix a file in one go; a file with problems must not be imported.
func Parse(name string, data []byte, cat []Indicator) (File, []Problem) {
	return ParseProgress(name, data, cat, nil)
}

// Progress is how far ParseProgress is with a file. A file is taken in two steps: StepRead splits it into
// rows, StepCheck interprets each row (region, period, numbers). Rows is the number of lines (or sheet rows)
// done in the step, and Read of Total the part of the file behind them — characters of the decoded text for
// CSV, rows for XLSX, whose row count is known once the sheet is open. Read/Total is the share done, for a
// progress bar.
type Progress struct {
	Step  string `json:"step"`
	Rows  int    `json:"rows"`
	Read  int64  `json:"read"`
	Total int64  `json:"total"`
}

// The steps of ParseProgress.
const (
	StepRead  = "read"
	StepCheck = "check"
)

// progressEvery is how many rows pass between two reports: often enough for a progress bar over a file of
// 50,000 rows, rarely enough to cost nothing.
const progressEvery = 500

// ParseProgress is Parse that calls report (when not nil) every few hundred rows while reading the table and
// once when it is read, so that a large upload can show its progress. report runs on the parsing goroutine;
// a slow report slows the parse.
func ParseProgress(name string, data []byte, cat []Indicator, report func(Progress)) (File, []Problem) {
	if report == nil {
		report = func(Progress) {}
	}
	f := File{Name: name}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.EqualFold(filepath.Ext(name), ".xlsx") {
		f.Format, f.Encoding = FormatXLSX, "XLSX"
		t, probs := readXLSX(data, report)
		if len(probs) > 0 {
			return f, probs
		}
		t.report = report
		if isFlat(t) {
			return f.fromFlat(t, cat)
		}
		return f.fromTable(t, cat)
	}
	text, enc, probs := decodeText(data)
	f.Encoding = enc
	if len(probs) > 0 {
		f.Format = FormatCSV
		return f, probs
	}
	t, format, probs := readCSV(text, report)
	f.Format = format
	if len(probs) > 0 {
		return f, probs
	}
	t.report = report
	if isFlat(t) {
		return f.fromFlat(t, cat)
	}
	return f.fromTable(t, cat)
}

// decodeText turns the bytes of a text file into a string. German offices export UTF-8 with or without byte
// order mark, or Windows-1252 (Excel's "CSV (Trennzeichen-getrennt)"): valid UTF-8 is taken as UTF-8, anything
// else as Windows-1252. UTF-16 and binary files are refused, and so is UTF-8 that was converted twice
// ("MÃ¼nchen"), because importing it would store broken names without anyone noticing.
func decodeText(data []byte) (string, string, []Problem) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "", "UTF-16", []Problem{{Message: "indicator.problem.utf16"}}
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "UTF-8 mit BOM", []Problem{invalidUTF8(data)}
		}
		return checkText(string(data), "UTF-8 mit BOM")
	case utf8.Valid(data):
		return checkText(string(data), "UTF-8")
	}
	dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", "Windows-1252", []Problem{{Message: "indicator.problem.encoding"}}
	}
	return checkText(string(dec), "Windows-1252")
}

func invalidUTF8(data []byte) Problem {
	line, col := 1, 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		data = data[size:]
	}
	return Problem{Line: line, Column: col, Message: "indicator.problem.encoding_at"}
}

// mojibake matches UTF-8 umlauts and ß read as Windows-1252 and saved as UTF-8 again.
var mojibake = regexp.MustCompile(`Ã[¤¶¼„–œŸ]`)

func checkText(s, enc string) (string, string, []Problem) {
	for i, line := range strings.Split(s, "\n") {
		if strings.ContainsRune(line, 0) {
			return "", enc, []Problem{{Line: i + 1, Message: "indicator.problem.binary"}}
		}
		if loc := mojibake.FindStringIndex(line); loc != nil {
			return "", enc, []Problem{{Line: i + 1, Column: utf8.RuneCountInString(line[:loc[0]]) + 1,
				Message: "indicator.problem.double_encoded", Data: map[string]any{"Text": line[loc[0]:loc[1]]}}}
		}
	}
	return s, enc, nil
}

// number reads a number written the German way: decimal comma, dots between thousands ("1.234,5"), an
// optional per cent sign, a minus or the typographic minus. missing is true for the markers of a missing value
// in official tables: empty, "-", ".", "…", "x", "/". A dot that is no thousands separator ("12.5") is refused
// rather than guessed: 12.5 and 125 differ too much to guess.
func number(s string) (v float64, missing bool, ok bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	switch s {
	case "", "-", ".", "…", "...", "x", "X", "/":
		return 0, true, true
	}
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	s = strings.ReplaceAll(s, " ", "")
	s = strings.Replace(s, "−", "-", 1)
	intPart, frac, hasComma := strings.Cut(s, ",")
	if strings.Contains(intPart, ".") {
		groups := strings.Split(strings.TrimPrefix(intPart, "-"), ".")
		for i, g := range groups {
			if (i > 0 && len(g) != 3) || g == "" || len(g) > 3 {
				return 0, false, false
			}
		}
		intPart = strings.ReplaceAll(intPart, ".", "")
	}
	if hasComma && (frac == "" || strings.ContainsAny(frac, ".,")) {
		return 0, false, false
	}
	plain := intPart
	if hasComma {
		plain += "." + frac
	}
	if plain == "" || strings.ContainsAny(plain, "eEnN+") {
		return 0, false, false
	}
	f, err := strconv.ParseFloat(plain, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false, false
	}
	return f, false, true
}

var (
	yearRe       = regexp.MustCompile(`^(19|20)\d\d$`)
	monthRe      = regexp.MustCompile(`^(19|20)\d\d-(0[1-9]|1[0-2])$`)
	isoDateRe    = regexp.MustCompile(`^((19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)
	germanDateRe = regexp.MustCompile(`^(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])\.((19|20)\d\d)$`)
	schoolYearRe = regexp.MustCompile(`^((19|20)\d\d)\s*/\s*(\d\d|(19|20)\d\d)$`)
)

// period normalises a period: a year, a month, a day (German "31.12.2024" becomes 2024-12-31) or a school
// year ("2023/24" becomes 2023/2024, as Schuleingangsuntersuchungen are counted).
func period(s string) (string, bool) {
	s = strings.TrimSpace(s)
	switch {
	case yearRe.MatchString(s), monthRe.MatchString(s), isoDateRe.MatchString(s):
		return s, true
	case germanDateRe.MatchString(s):
		m := germanDateRe.FindStringSubmatch(s)
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("%s-%02d-%02d", m[3], mo, d), true
	case schoolYearRe.MatchString(s):
		m := schoolYearRe.FindStringSubmatch(s)
		first, _ := strconv.Atoi(m[1])
		second := m[3]
		if len(second) == 2 {
			second = strconv.Itoa(first/100*100 + mustAtoi(second))
			if mustAtoi(second) < first {
				second = strconv.Itoa(mustAtoi(second) + 100)
			}
		}
		if mustAtoi(second) != first+1 {
			return "", false
		}
		return fmt.Sprintf("%d/%s", first, second), true
	}
	return "", false
}

func mustAtoi(s string) int { n, _ := strconv.Atoi(s); return n }

// regionKey restores the leading zero spreadsheets drop from official keys (AGS 03101000 becomes 3101000)
// and otherwise keeps the key as written.
func regionKey(s string) string {
	s = strings.TrimSpace(s)
	if allDigits(s) {
		switch len(s) {
		case 1, 4, 7, 11:
			return "0" + s
		}
	}
	return s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// officialKey reports whether a key has the shape of an official regional key: Land (2), Regierungsbezirk (3),
// Kreis (5), Gemeinde (8, AGS) or ARS (12) digits, or "DG" for Germany.
func officialKey(s string) bool {
	if s == "DG" {
		return true
	}
	if !allDigits(s) {
		return false
	}
	switch len(s) {
	case 2, 3, 5, 8, 9, 12:
		return true
	}
	return false
}
