// Package report turns the gap analysis of a Kommune into the documents a coordinator takes to the
// Jugendhilfeausschuss: the Lückenbericht and the Sozialraumprofil as PDF, and the matrix and gap list as XLSX.
// It also holds what the API and the pages share: reading the analysis for a signed-in user's scope and the
// gap rows with their sentences.
package report

import (
	"context"
	"math"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// Analysis is a Kommune's matrix with what it takes to explain it.
type Analysis struct {
	Matrix   chain.Matrix
	Areas    []region.Area // by key, as they were on the analysis' day, with polygons for the maps
	Tax      *taxonomy.Set
	Settings chain.Settings
}

// Load analyses the Kommune with the AGS as of date with the default settings, in scope: a Kommune outside
// it is not found.
func Load(ctx context.Context, s *store.Store, scope tenant.Scope, ags string, date catalog.Date) (Analysis, error) {
	return LoadWith(ctx, s, scope, ags, date, chain.DefaultSettings())
}

// LoadWith analyses the Kommune with the AGS as of date with the given settings (chain.Run), in scope.
func LoadWith(ctx context.Context, s *store.Store, scope tenant.Scope, ags string, date catalog.Date, set chain.Settings) (Analysis, error) {
	k, err := s.GetKommuneByAGS(ctx, scope, ags)
	if err != nil {
		return Analysis{}, err
	}
	m, err := chain.Run(ctx, s, scope, k.ID, date, set)
	if err != nil {
		return Analysis{}, err
	}
	areas, err := s.AreasAt(ctx, scope, k.ID, date)
	if err != nil {
		return Analysis{}, err
	}
	return Analysis{Matrix: m, Areas: areas, Tax: s.Taxonomies(), Settings: set}, nil
}

// GapRow is a ranked gap as the API and the XLSX give it.
type GapRow struct {
	Rank       int     `json:"rank"`
	AreaKey    string  `json:"area_key"`
	AreaName   string  `json:"area_name"`
	Phase      string  `json:"phase,omitempty"`
	Field      string  `json:"field,omitempty"`
	Transition string  `json:"transition,omitempty"`
	Children   int     `json:"children"`
	Need       float64 `json:"need"`
	Supply     int     `json:"supply"`
	Coverage   float64 `json:"coverage"`
	Target     float64 `json:"target"`
	Unmet      float64 `json:"unmet"`
	Sentence   string  `json:"sentence"`
	// UnmetSearches are the public searches for what the gap lacks that found nothing, when there were any.
	UnmetSearches *chain.UnmetSearches `json:"unmet_searches,omitempty"`
}

// GapRows lists the ranked gaps with their sentences in l's language.
func (a Analysis) GapRows(l *i18n.Localizer) []GapRow {
	rows := make([]GapRow, 0, len(a.Matrix.Gaps))
	for _, g := range a.Matrix.Gaps {
		rows = append(rows, GapRow{Rank: g.Rank, AreaKey: g.AreaKey, AreaName: g.AreaName, Phase: g.Phase, Field: g.Field,
			Transition: g.Transition, Children: int(math.Round(g.Children)), Need: g.Need, Supply: g.Supply,
			Coverage: round(g.Coverage, 2), Target: g.Target, Unmet: round(g.Unmet, 1), Sentence: g.Sentence(l, a.Tax),
			UnmetSearches: g.Searches})
	}
	return rows
}

// GapsPerArea counts the gaps (cells and transitions) of each Area, by key.
func (a Analysis) GapsPerArea() map[string]int {
	n := map[string]int{}
	for _, g := range a.Matrix.Gaps {
		n[g.AreaKey]++
	}
	return n
}

// Phases, Fields and Transitions are the codes the matrix has, in its order.
func (a Analysis) Phases() []string {
	return codes(a.Matrix.Cells, func(c chain.Cell) string { return c.Phase })
}
func (a Analysis) Fields() []string {
	return codes(a.Matrix.Cells, func(c chain.Cell) string { return c.Field })
}
func (a Analysis) Transitions() []string {
	return codes(a.Matrix.Transitions, func(c chain.Cell) string { return c.Transition })
}

func codes(cells []chain.Cell, of func(chain.Cell) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cells {
		if k := of(c); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}
