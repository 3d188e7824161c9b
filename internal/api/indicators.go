package api

import (
	"net/http"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/store"
)

// indicatorRoutes registers the social-monitoring endpoint.
func (a *api) indicatorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/indicators", a.read(a.getIndicators))
}

// indicatorsBody is the indicator catalogue of a Kommune with its values.
type indicatorsBody struct {
	Kommune string `json:"kommune"`
	AGS     string `json:"ags"`
	// MinCell is the minimum cell size: counts below it, and rates whose numerator is below it, are suppressed.
	MinCell int             `json:"min_cell"`
	Items   []indicatorItem `json:"items"`
}

type indicatorItem struct {
	indicator.Indicator
	Values []indicatorValue `json:"values"`
}

// indicatorValue is one value of a region and period. A suppressed value has no number: null with
// "suppressed": true, so that a client cannot mistake it for zero.
type indicatorValue struct {
	Level      indicator.Level `json:"level"`
	RegionKey  string          `json:"region_key"`
	RegionName string          `json:"region_name"`
	Period     string          `json:"period"`
	Value      *float64        `json:"value"`
	Suppressed bool            `json:"suppressed"`
}

// getIndicators answers the catalogue entries (all, or ?code=) with the values of the Kommune {ags} and each
// of its Sozialräume (all periods, or ?period=), small counts suppressed. The access rule is the one of the
// gap analysis (/matrix): signed-in users and API tokens of the Kommune and of its Land; anonymous is
// unauthenticated, another tenant's Kommune not found.
func (a *api) getIndicators(r *http.Request) (any, error) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		return nil, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	scope := p.Scope()
	k, err := a.Store.GetKommuneByAGS(r.Context(), scope, r.PathValue("ags"))
	if err != nil {
		return nil, err
	}
	cat, err := a.Store.ListIndicators(r.Context())
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	code, period := q.Get("code"), q.Get("period")
	if code != "" {
		var found []indicator.Indicator
		for _, ind := range cat {
			if ind.Code == code {
				found = append(found, ind)
			}
		}
		if len(found) == 0 {
			var v errs.Validation
			v.Add("code", "validation.unknown_code", map[string]any{"Value": code})
			return nil, v.Err()
		}
		cat = found
	}
	values, err := a.Store.ListIndicatorValues(r.Context(), scope, k.ID, store.IndicatorFilter{Indicator: code, Period: period})
	if err != nil {
		return nil, err
	}
	byCode := map[string][]indicator.Value{}
	for _, v := range values {
		byCode[v.Indicator] = append(byCode[v.Indicator], v)
	}
	body := indicatorsBody{Kommune: k.Name, AGS: k.AGS, MinCell: a.Privacy.Min(), Items: make([]indicatorItem, 0, len(cat))}
	for _, ind := range cat {
		item := indicatorItem{Indicator: ind, Values: []indicatorValue{}}
		for _, v := range byCode[ind.Code] {
			iv := indicatorValue{Level: indicator.LevelKommune, RegionKey: v.RegionKey, RegionName: v.RegionName, Period: v.Period}
			if v.AreaID != nil {
				iv.Level = indicator.LevelArea
			}
			if shown, ok := a.Privacy.Disclose(ind, v); ok {
				iv.Value = &shown
			} else {
				iv.Suppressed = true
			}
			item.Values = append(item.Values, iv)
		}
		body.Items = append(body.Items, item)
	}
	return body, nil
}
