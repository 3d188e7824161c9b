package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// An uploaded GeoJSON file is the Kommune's whole boundary set: Sozialräume it leaves out end the day before
// "Gültig ab". Such an upload is not applied at once but shown first, with the Sozialräume that will end; the
// coordinator confirms it (the file waits in the store meanwhile) or uploads another.

// areaPreviewPage shows what a boundary set will do before it is applied.
type areaPreviewPage struct {
	form
	Kommune  region.Kommune
	From     string // "Gültig ab", written out
	LastDay  string // the day before, the last day of the Areas that end
	Plan     store.AreaUpload
	Ended    []endedAreaRow
	UploadID string
}

type endedAreaRow struct {
	Key, Name string
	Children  int
}

// previewAreaSet plans a boundary set; when it ends Sozialräume, it keeps the set for the confirmation and
// returns the preview page, else nil (the caller applies it at once).
func (s *server) previewAreaSet(r *http.Request, lang string, p auth.Principal, k region.Kommune, areas []region.Area, from catalog.Date) (any, error) {
	plan, err := s.store.PlanAreaSet(r.Context(), p.Scope(), actorOf(p), k.ID, areas, from)
	if err != nil || len(plan.Ended) == 0 {
		return nil, err
	}
	id, err := s.store.SavePendingAreaSet(r.Context(), p.Scope(), actorOf(p), k.ID, areas, from)
	if err != nil {
		return nil, err
	}
	l := s.i18n.For(lang)
	d := areaPreviewPage{form: s.newForm(r, lang, "areaupload.title"), Kommune: k, From: formatDate(l, from, s.berlin),
		LastDay: formatDate(l, plan.Ended[0].LastDay, s.berlin), Plan: plan, UploadID: id.String()}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: l.T("admincatalog.areas.title"), Href: "/verwaltung/kommunen/" + k.AGS + "/sozialraeume"},
		crumb{Name: d.Title})
	for _, e := range plan.Ended {
		d.Ended = append(d.Ended, endedAreaRow{Key: e.Key, Name: e.Name, Children: e.Children})
	}
	return d, nil
}

// confirmAreas applies a previewed boundary set: all of it, with the Sozialräume shown as ending, or nothing
// when the Sozialräume changed since the preview.
func (s *server) confirmAreas(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return "", nil, err
	}
	if !p.Scope().MayAdminister() {
		return "", nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	if err := r.ParseForm(); err != nil {
		return "", nil, errs.E(errs.BadRequest, "error.bad_request")
	}
	id, err := uuid.Parse(r.PostForm.Get("upload"))
	if err != nil {
		return "", nil, errs.E(errs.NotFound, "areaupload.gone")
	}
	res, err := s.store.ApplyPendingAreaSet(r.Context(), p.Scope(), actorOf(p), k.ID, id, r.PostForm["endet"])
	if err != nil {
		if errs.Is(err, errs.Forbidden) || errs.Is(err, errs.Internal) {
			return "", nil, err
		}
		d, derr := s.areaPage(r, lang, p, k)
		if derr != nil {
			return "", nil, derr
		}
		data, err := s.refuse(&d.form, lang, err)
		if ws, ok := data.(withStatus); ok {
			d.form = ws.data.(form)
			return "admin_areas", withStatus{status: ws.status, data: d}, nil
		}
		return "admin_areas", data, err
	}
	q := url.Values{"hochgeladen": {""}, "neu": {strconv.Itoa(res.Created)}, "geaendert": {strconv.Itoa(res.Updated)},
		"verschoben": {strconv.Itoa(res.Relocated)}, "beendet": {strconv.Itoa(len(res.Ended))}}
	return "", seeOther("/verwaltung/kommunen/" + k.AGS + "/sozialraeume?" + q.Encode()), nil
}
