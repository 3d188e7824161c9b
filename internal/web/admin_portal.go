package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/portal"
	"github.com/kette-org/kette/internal/region"
)

// adminPortalRoutes registers the settings of a Kommune's public portal.
func (s *server) adminPortalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/portal", s.page(s.portalSettings))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/portal", s.page(s.savePortal))
}

// portalSettingsPage edits the portal and shows how to embed it and what barriers were reported.
type portalSettingsPage struct {
	form
	Kommune  region.Kommune
	HasLogo  bool
	Embed    string
	PortalAt string
	Feedback []portal.Feedback
	// ChainViews are the views of the Präventionskette the portal may show (public_chain.go), ChainAt their page.
	ChainViews []checkItem
	ChainAt    string
}

func (s *server) portalSettingsForm(r *http.Request, lang string) (auth.Principal, portalSettingsPage, portal.Portal, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return p, portalSettingsPage{}, portal.Portal{}, err
	}
	if !p.Scope().MayAdminister() {
		return p, portalSettingsPage{}, portal.Portal{}, errs.E(errs.Forbidden, "error.forbidden")
	}
	po, err := s.store.GetPortal(r.Context(), p.Scope(), k.ID)
	if err != nil {
		return p, portalSettingsPage{}, po, err
	}
	d := portalSettingsPage{form: s.newForm(r, lang, "portaladmin.title"), Kommune: k, HasLogo: len(po.Logo) > 0,
		PortalAt: absoluteURL(r, "/portal/"+k.AGS)}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	d.Embed = `<iframe src="` + absoluteURL(r, "/portal/"+k.AGS+"/einbetten") + `" title="` + po.Title +
		`" width="100%" height="640" loading="lazy"></iframe>`
	v := d.Values
	v["title"], v["intro"], v["host"], v["primary_color"] = po.Title, po.Intro, po.Host, po.PrimaryColor
	v["frame_ancestors"] = strings.Join(po.FrameAncestors, "\n")
	v["impressum"], v["privacy"], v["accessibility"], v["easy_language"] = po.Impressum, po.Privacy, po.Accessibility, po.EasyLanguage
	v["feedback_email"] = po.FeedbackEmail
	d.Feedback, err = s.store.ListFeedback(r.Context(), p.Scope(), k.ID)
	if err != nil {
		return p, d, po, err
	}
	views, err := s.store.ChainViews(r.Context(), p.Scope(), k.ID)
	d.ChainViews, d.ChainAt = s.chainViewChoices(s.i18n.For(lang), views), absoluteURL(r, "/portal/"+k.AGS+"/praeventionskette")
	return p, d, po, err
}

func (s *server) portalSettings(r *http.Request, lang string) (string, any, error) {
	_, d, _, err := s.portalSettingsForm(r, lang)
	if r.URL.Query().Has("gespeichert") {
		d.Notice = s.i18n.For(lang).T("portaladmin.saved")
	}
	if r.URL.Query().Has("kette-gespeichert") {
		d.Notice = s.i18n.For(lang).T("publicchain.admin.saved")
	}
	return "admin_portal", d, err
}

func (s *server) savePortal(r *http.Request, lang string) (string, any, error) {
	p, d, _, err := s.portalSettingsForm(r, lang)
	if err != nil {
		return "", nil, err
	}
	po := portal.Portal{KommuneID: d.Kommune.ID, Title: r.FormValue("title"), Intro: r.FormValue("intro"), Host: r.FormValue("host"),
		PrimaryColor: r.FormValue("primary_color"), FrameAncestors: strings.Fields(r.FormValue("frame_ancestors")),
		Impressum: r.FormValue("impressum"), Privacy: r.FormValue("privacy"), Accessibility: r.FormValue("accessibility"),
		EasyLanguage: r.FormValue("easy_language"), FeedbackEmail: r.FormValue("feedback_email")}
	keepLogo := r.FormValue("remove_logo") == ""
	if err := readLogo(r, &po); err != nil {
		return s.portalRefused(lang, d, r, err)
	}
	if len(po.Logo) > 0 {
		keepLogo = false
	}
	if err := s.store.SavePortal(r.Context(), p.Scope(), actorOf(p), &po, keepLogo); err != nil {
		return s.portalRefused(lang, d, r, err)
	}
	return "", seeOther("/verwaltung/kommunen/" + d.Kommune.AGS + "/portal?gespeichert"), nil
}

// readLogo takes an uploaded logo, if any; its type is sniffed from the bytes, not taken from the browser.
func readLogo(r *http.Request, po *portal.Portal) error {
	f, _, err := r.FormFile("logo")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil
	}
	if err != nil {
		return errs.E(errs.BadRequest, "error.bad_request")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, portal.MaxLogo+1))
	if err != nil {
		return errs.E(errs.BadRequest, "error.bad_request")
	}
	if len(b) > 0 {
		po.Logo, po.LogoType = b, http.DetectContentType(b)
	}
	return nil
}

func (s *server) portalRefused(lang string, d portalSettingsPage, r *http.Request, err error) (string, any, error) {
	for _, k := range []string{"title", "intro", "host", "primary_color", "frame_ancestors", "impressum", "privacy",
		"accessibility", "easy_language", "feedback_email"} {
		d.Values[k] = r.FormValue(k)
	}
	data, err := s.refuse(&d.form, lang, err)
	if ws, ok := data.(withStatus); ok {
		d.form = ws.data.(form)
		return "admin_portal", withStatus{status: ws.status, data: d}, nil
	}
	return "", nil, err
}
