package api

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/report"
)

// chainRoutes registers the gap-analysis and report endpoints. The indicator endpoints are not here yet.
func (a *api) chainRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/matrix", a.read(a.getMatrix))
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/gaps", a.read(a.getGaps))
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/reports/gaps.pdf", a.read(a.reportFile("application/pdf", "luecken", ".pdf", report.Lueckenbericht)))
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/reports/profile.pdf", a.read(a.reportFile("application/pdf", "sozialraumprofil", ".pdf", report.Sozialraumprofil)))
	mux.HandleFunc("GET /api/v1/kommunen/{ags}/reports/gaps.xlsx", a.read(a.reportFile(
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "luecken", ".xlsx", report.XLSX)))
}

// analysis reads the analysis of the Kommune {ags} for the signed-in principal as of ?datum= (default
// today) with the settings of the chain page's query (?abstand=, ?mindestabdeckung=, ?gewicht_<indicator>=;
// chain.ParseSettings). The numbers of a Kommune are for its own people and its Land only: without a
// principal it is unauthenticated, outside the principal's scope not found.
func (a *api) analysis(r *http.Request) (report.Analysis, error) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		return report.Analysis{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	date, err := Datum(r, time.Now())
	if err != nil {
		return report.Analysis{}, err
	}
	cat, err := a.Store.ListIndicators(r.Context())
	if err != nil {
		return report.Analysis{}, err
	}
	set, err := chain.ParseSettings(r.URL.Query(), cat)
	if err != nil {
		return report.Analysis{}, err
	}
	set.Privacy = a.Privacy
	return report.LoadWith(r.Context(), a.Store, p.Scope(), r.PathValue("ags"), date, set)
}

// Datum reads the reference date ?datum=YYYY-MM-DD; without one it is the day of now.
func Datum(r *http.Request, now time.Time) (catalog.Date, error) {
	s := r.URL.Query().Get("datum")
	if s == "" {
		return catalog.DateOf(now), nil
	}
	d, err := catalog.ParseDate(s)
	if err != nil {
		var v errs.Validation
		v.Add("datum", "chainview.date.invalid", map[string]any{"Value": s})
		return catalog.Date{}, v.Err()
	}
	return d, nil
}

// matrixBody is the matrix without the gap list, which /gaps answers with its sentences. The need index
// (formula, indicators, values and weight per Area) and the derived indicators come with it.
type matrixBody struct {
	chain.Matrix
	Gaps int `json:"gaps"`
}

func (a *api) getMatrix(r *http.Request) (any, error) {
	an, err := a.analysis(r)
	if err != nil {
		return nil, err
	}
	return matrixBody{Matrix: an.Matrix, Gaps: len(an.Matrix.Gaps)}, nil
}

type gapsBody struct {
	Kommune string           `json:"kommune"`
	AGS     string           `json:"ags"`
	Date    catalog.Date     `json:"date"`
	Items   []report.GapRow  `json:"items"`
	Anchors []missingAnchors `json:"missing_anchors"`
	// Formula is the need index the demand was weighted with; empty without one.
	Formula string `json:"need_formula"`
}

type missingAnchors struct {
	chain.Anchor
	Sentence string `json:"sentence"`
}

func (a *api) getGaps(r *http.Request) (any, error) {
	an, err := a.analysis(r)
	if err != nil {
		return nil, err
	}
	l := a.localizer(r)
	body := gapsBody{Kommune: an.Matrix.Kommune.Name, AGS: an.Matrix.Kommune.AGS, Date: an.Matrix.Date,
		Items: an.GapRows(l), Anchors: []missingAnchors{}}
	if an.Matrix.Need != nil {
		body.Formula = an.Matrix.Need.Formula
	}
	for _, m := range an.Matrix.MissingAnchors {
		body.Anchors = append(body.Anchors, missingAnchors{Anchor: m, Sentence: m.Sentence(l)})
	}
	return body, nil
}

// reportFile answers a report of the analysis as a download named after the Kommune and the date.
func (a *api) reportFile(contentType, name, ext string, write func(io.Writer, report.Analysis, *i18n.Localizer) error) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		an, err := a.analysis(r)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := write(&b, an, a.localizer(r)); err != nil {
			return nil, err
		}
		return file{contentType: contentType, name: name + "-" + an.Matrix.Kommune.AGS + "-" + an.Matrix.Date.String() + ext, body: b.Bytes()}, nil
	}
}
