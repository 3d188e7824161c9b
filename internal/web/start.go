package web

import (
	"net/http"

	"github.com/kette-org/kette/internal/region"
)

type startPage struct {
	base
	Lands []landGroup
	Total region.KommuneSummary
}

type landGroup struct {
	Code, Name string
	Kommunen   []region.KommuneSummary
}

// start is the start page: what Kette is, and the Kommunen grouped by Land with their counts.
func (s *server) start(r *http.Request, lang string) (string, any, error) {
	ctx := r.Context()
	kommunen, err := s.store.ListKommunen(ctx, s.scope)
	if err != nil {
		return "", nil, err
	}
	lands, err := s.store.ListLands(ctx)
	if err != nil {
		return "", nil, err
	}
	p := startPage{base: s.newBase(r, lang, s.i18n.For(lang).T("start.title"))}
	byCode := map[string]int{}
	for _, l := range lands {
		byCode[l.Code] = len(p.Lands)
		p.Lands = append(p.Lands, landGroup{Code: l.Code, Name: l.Name})
	}
	for _, k := range kommunen {
		i, ok := byCode[k.LandCode]
		if !ok {
			byCode[k.LandCode] = len(p.Lands)
			i = len(p.Lands)
			p.Lands = append(p.Lands, landGroup{Code: k.LandCode, Name: k.LandCode})
		}
		p.Lands[i].Kommunen = append(p.Lands[i].Kommunen, k)
		p.Total.Areas += k.Areas
		p.Total.Organizations += k.Organizations
		p.Total.Offers += k.Offers
	}
	kept := p.Lands[:0]
	for _, g := range p.Lands {
		if len(g.Kommunen) > 0 {
			kept = append(kept, g)
		}
	}
	p.Lands = kept
	return "start", p, nil
}
