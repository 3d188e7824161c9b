package web

import (
	"html/template"
	"math"
	"net/http"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kette-org/kette/internal/chart"
	"github.com/kette-org/kette/internal/freshness"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// freshnessRoutes registers the freshness dashboard of a Kommune and the one-click confirmation.
func (s *server) freshnessRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/aktualitaet", s.page(s.freshnessDashboard))
	mux.HandleFunc("POST /verwaltung/angebote/{id}/bestaetigen", s.page(s.confirmOffer))
}

// freshnessPage is the dashboard: the share confirmed within a year (the number the coordinator is judged by),
// the share per organization as a chart with its table, and the offers waiting for a confirmation.
type freshnessPage struct {
	base
	Kommune     region.Kommune
	Total       store.Freshness
	Percent     string // the share, formatted
	ShareMonths int
	StaleMonths int
	HideMonths  int
	ChartSVG    template.HTML
	Orgs        []freshnessRow
	Stale       []staleRow
	Notice      string
}

type freshnessRow struct {
	Name                      string
	Active, Confirmed, Hidden int
	Percent                   string
}

type staleRow struct {
	store.FreshOffer
	MayConfirm bool
}

func (s *server) freshnessDashboard(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	ctx, scope, cfg := r.Context(), p.Scope(), s.freshness
	now := time.Now()
	l := s.i18n.For(lang)
	d := freshnessPage{base: s.newBase(r, lang, l.T("freshness.title")), Kommune: k, ShareMonths: cfg.ShareMonths,
		StaleMonths: cfg.RemindAfterMonths, HideMonths: cfg.HideAfterMonths}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	total, orgs, err := s.store.FreshnessShare(ctx, scope, k.ID, cfg.ShareSince(now))
	if err != nil {
		return "", nil, err
	}
	printer := message.NewPrinter(language.Make(lang))
	percent := func(f store.Freshness) (float64, string) {
		v := math.Round(f.Share() * 100)
		return v, l.T("freshness.percent", map[string]any{"Value": printer.Sprintf("%.0f", v)})
	}
	_, d.Percent = percent(total)
	d.Total = total
	bar := chart.Bar{Title: l.T("freshness.chart_title"), Desc: l.T("freshness.chart_desc", map[string]any{"Months": cfg.ShareMonths}),
		Unit: l.T("freshness.percent_unit"), Format: func(v float64) string { return printer.Sprintf("%.0f", v) }}
	for _, o := range orgs {
		v, text := percent(o)
		item := chart.BarItem{Label: o.Name, Value: v}
		if o.Confirmed < o.Active {
			item.Class = "gap"
		}
		bar.Items = append(bar.Items, item)
		d.Orgs = append(d.Orgs, freshnessRow{Name: o.Name, Active: o.Active, Confirmed: o.Confirmed, Hidden: o.Hidden, Percent: text})
	}
	if len(bar.Items) > 0 {
		d.ChartSVG = bar.SVG()
	}
	stale, err := s.store.StaleOffers(ctx, scope, k.ID, cfg.StaleSince(now))
	if err != nil {
		return "", nil, err
	}
	for _, o := range stale {
		d.Stale = append(d.Stale, staleRow{FreshOffer: o, MayConfirm: scope.MayChange(o.OrganizationID)})
	}
	if r.URL.Query().Has("bestaetigt") {
		d.Notice = l.T("freshness.confirmed")
	}
	return "freshness", d, nil
}

// confirmOffer confirms an offer with one click and goes back to the dashboard of its Kommune (or to the
// page the form names).
func (s *server) confirmOffer(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	if _, err := s.store.ConfirmOffer(r.Context(), p.Scope(), actorOf(p), id); err != nil {
		return "", nil, err
	}
	o, err := s.store.GetOffer(r.Context(), p.Scope(), id)
	if err != nil {
		return "", nil, err
	}
	k, err := s.store.GetKommune(r.Context(), p.Scope(), o.KommuneID)
	if err != nil {
		return "", nil, err
	}
	back := freshness.DashboardPath(k.AGS) + "?bestaetigt=1#veraltet"
	return "", seeOther(safeNext(r.PostFormValue("next"), back)), nil
}
