package api

import (
	"math"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
)

// searchResult is the answer of GET /api/v1/offers.
type searchResult struct {
	Total   int                     `json:"total"`
	Page    int                     `json:"page"`
	PerPage int                     `json:"per_page"`
	Place   *searchPlace            `json:"place,omitempty"`
	Hits    []searchHit             `json:"hits"`
	Facets  map[string][]facetCount `json:"facets"`
}

type searchPlace struct {
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type searchHit struct {
	ID               uuid.UUID        `json:"id"`
	Name             string           `json:"name"`
	Organization     string           `json:"organization"`
	KommuneID        uuid.UUID        `json:"kommune_id"`
	Score            float64          `json:"score"`
	DistanceKm       *float64         `json:"distance_km,omitempty"`
	OpenToday        bool             `json:"open_today"`
	Cost             string           `json:"cost"`
	MinimumAgeMonths *int             `json:"minimum_age_months,omitempty"`
	MaximumAgeMonths *int             `json:"maximum_age_months,omitempty"`
	Phases           []string         `json:"phases"`
	Fields           []string         `json:"fields"`
	Languages        []string         `json:"languages"`
	LastConfirmedAt  *time.Time       `json:"last_confirmed_at,omitempty"`
	Locations        []searchLocation `json:"locations"`
	Explain          string           `json:"explain,omitempty"`
}

type searchLocation struct {
	PostalCode string  `json:"postal_code"`
	City       string  `json:"city"`
	Latitude   float64 `json:"latitude"`
	Longitude  float64 `json:"longitude"`
}

type facetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// searchOffers answers GET /api/v1/offers: the public search with facets and total. The parameters are those
// of search.ParseParams (the page /angebote reads the same), with lang for the offer's language. The hits'
// fields come from the index's memory, like the hits.
func (a *api) searchOffers(r *http.Request) (any, error) {
	if a.Search == nil {
		return nil, errs.E(errs.Unavailable, "error.unavailable")
	}
	now := time.Now()
	p, err := search.ParseParams(r.URL.Query(), a.Store.Taxonomies(), a.places, search.ParseOptions{LangParam: "lang", Now: now})
	if err != nil {
		return nil, err
	}
	p.Query.Explain = r.URL.Query().Get("explain") == "1"
	p.Query.Facets = search.ScopedFacets(&p.Query)
	res, err := a.Search.Search(p.Query)
	if err != nil {
		return nil, err
	}
	if p.Query.Page <= 1 { // turning pages is the same search, counted once
		a.SearchLog.Record(r.Context(), searchlog.Entry(searchlog.API, p, res.Total, now))
	}
	found := a.Search.Details(res.Hits, now)
	out := searchResult{Total: res.Total, Page: max(p.Query.Page, 1), PerPage: p.Query.PerPage, Hits: []searchHit{},
		Facets: map[string][]facetCount{}}
	if out.PerPage == 0 {
		out.PerPage = search.DefaultPerPage
	}
	if pl := p.Place; pl != nil {
		out.Place = &searchPlace{Kind: string(pl.Kind), Name: pl.Name, Latitude: pl.Latitude, Longitude: pl.Longitude}
	}
	for _, f := range found {
		o := f.Doc.Offer
		h := searchHit{ID: o.ID, Name: o.Name, Organization: f.Doc.OrganizationName, KommuneID: o.KommuneID,
			Score: math.Round(f.Score*1000) / 1000, OpenToday: f.OpenToday, Cost: o.Cost,
			MinimumAgeMonths: o.MinimumAgeMonths, MaximumAgeMonths: o.MaximumAgeMonths, Phases: o.Phases,
			Fields: o.Fields, Languages: o.Languages, LastConfirmedAt: o.LastConfirmedAt, Locations: []searchLocation{},
			Explain: f.Explain}
		if f.DistanceKm >= 0 {
			d := math.Round(f.DistanceKm*100) / 100
			h.DistanceKm = &d
		}
		for _, l := range f.Doc.Locations {
			h.Locations = append(h.Locations, searchLocation{PostalCode: l.PostalCode, City: l.City,
				Latitude: l.Latitude, Longitude: l.Longitude})
		}
		out.Hits = append(out.Hits, h)
	}
	// The Sozialräume are counted only for a search within Kommunen or Sozialräume (search.ScopedFacets).
	for dim, counts := range res.Facets {
		fc := make([]facetCount, 0, len(counts))
		for _, c := range counts {
			fc = append(fc, facetCount{Value: c.Value, Count: c.Count})
		}
		out.Facets[dim] = fc
	}
	return out, nil
}
