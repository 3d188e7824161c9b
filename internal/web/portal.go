package web

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/portal"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// portalRoutes registers the Kommunen's public portals and the legal pages of every public site.
func (s *server) portalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /portal/{ags}", s.page(s.portalStart))
	mux.HandleFunc("GET /portal/{ags}/einbetten", s.embed)
	mux.HandleFunc("GET /portal/{ags}/farben.css", s.portalCSS)
	mux.HandleFunc("GET /portal/{ags}/logo", s.portalLogo)
	// Written out, not looped, so every pattern is a literal the route checks can read.
	mux.HandleFunc("GET /impressum", s.page(s.legal(legalPages[0])))
	mux.HandleFunc("GET /portal/{ags}/impressum", s.page(s.legal(legalPages[0])))
	mux.HandleFunc("GET /datenschutz", s.page(s.legal(legalPages[1])))
	mux.HandleFunc("GET /portal/{ags}/datenschutz", s.page(s.legal(legalPages[1])))
	mux.HandleFunc("GET /barrierefreiheit", s.page(s.legal(legalPages[2])))
	mux.HandleFunc("GET /portal/{ags}/barrierefreiheit", s.page(s.legal(legalPages[2])))
	mux.HandleFunc("GET /leichte-sprache", s.page(s.legal(legalPages[3])))
	mux.HandleFunc("GET /portal/{ags}/leichte-sprache", s.page(s.legal(legalPages[3])))
	mux.HandleFunc("POST /barrierefreiheit", s.page(s.feedback))
	mux.HandleFunc("POST /portal/{ags}/barrierefreiheit", s.page(s.feedback))
	s.publicChainRoutes(mux)
}

// portalView is what the layout shows of a portal: its title, logo and colours.
type portalView struct {
	AGS, Title, Intro string
	KommuneID         string
	HasLogo           bool
	Version           string // changes the style sheet's address when the colours change
	Prefix            string // "/portal/{ags}" or "" on the portal's own host
}

type portalKey struct{}

// withPortal recognises a portal's own host name and keeps the portal in the request context, so every page
// on that host carries its branding and "/" is its start page.
func (s *server) withPortal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if p, err := s.store.PortalByHost(r.Context(), host); err == nil {
			r = r.WithContext(context.WithValue(r.Context(), portalKey{}, p))
			if r.URL.Path == "/" {
				if k, err := s.store.GetKommune(r.Context(), tenant.Public(), p.KommuneID); err == nil {
					r.SetPathValue("ags", k.AGS)
					s.page(s.portalStart).ServeHTTP(w, r)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// currentPortal is the portal a page belongs to: its host, its /portal/{ags} path, or ?portal=AGS carried
// along from a portal's search form.
func (s *server) currentPortal(r *http.Request) (*portalView, region.Kommune, portal.Portal, bool) {
	p, onHost := r.Context().Value(portalKey{}).(portal.Portal)
	var k region.Kommune
	var err error
	switch {
	case onHost:
		k, err = s.store.GetKommune(r.Context(), tenant.Public(), p.KommuneID)
	default:
		ags := r.PathValue("ags")
		if !strings.HasPrefix(r.URL.Path, "/portal/") {
			ags = r.URL.Query().Get("portal")
		}
		if !region.ValidAGS(ags) {
			return nil, k, p, false
		}
		if k, err = s.store.GetKommuneByAGS(r.Context(), tenant.Public(), ags); err == nil {
			p, err = s.store.GetPortal(r.Context(), tenant.Public(), k.ID)
		}
	}
	if err != nil {
		return nil, k, p, false
	}
	v := &portalView{AGS: k.AGS, Title: p.Title, Intro: p.Intro, KommuneID: k.ID.String(), HasLogo: len(p.Logo) > 0,
		Version: strconv.FormatInt(p.UpdatedAt.Unix(), 36), Prefix: "/portal/" + k.AGS}
	if onHost {
		v.Prefix = ""
	}
	return v, k, p, true
}

type portalStartPage struct {
	base
	Kommune region.Kommune
	// Chain links the Präventionskette when the Kommune publishes views of it.
	Chain *chainLink
}

// chainLink is the portal's link to its published chain views. Its text is German where the visitor's
// language has none (the page itself is German or English), and says so with its lang attribute.
type chainLink struct {
	Href, Text, Lang string
}

func (s *server) portalChainLink(r *http.Request, lang string, v *portalView, k region.Kommune) *chainLink {
	views, err := s.store.ChainViews(r.Context(), tenant.Public(), k.ID)
	if err != nil || len(views) == 0 {
		return nil
	}
	const id = "publicchain.portal_link"
	c := &chainLink{Href: v.Prefix + "/praeventionskette", Text: s.i18n.For(lang).T(id, map[string]any{"Name": k.Name})}
	if !s.i18n.Has(lang, id) {
		c.Lang = i18n.Default
	}
	return c
}

func (s *server) portalStart(r *http.Request, lang string) (string, any, error) {
	if _, err := pathAGS(r); err != nil {
		return "", nil, err
	}
	v, k, _, ok := s.currentPortal(r)
	if !ok {
		return "", nil, errs.E(errs.NotFound, "error.not_found")
	}
	d := portalStartPage{base: s.newBase(r, lang, v.Title), Kommune: k, Chain: s.portalChainLink(r, lang, v, k)}
	return "portal", d, nil
}

// embed is the portal's search for another site's page: the same start page, allowed in frames of the
// origins the Kommune named and nowhere else.
func (s *server) embed(w http.ResponseWriter, r *http.Request) {
	lang := s.language(w, r)
	if _, err := pathAGS(r); err != nil {
		s.fail(w, r, lang, err)
		return
	}
	v, k, p, ok := s.currentPortal(r)
	if !ok {
		s.fail(w, r, lang, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", strings.Replace(h.Get("Content-Security-Policy"), "frame-ancestors 'none'",
		"frame-ancestors "+p.FrameAncestorsCSP(), 1))
	if len(p.FrameAncestors) > 0 {
		h.Del("X-Frame-Options") // superseded by frame-ancestors, which can name several origins
	}
	d := portalStartPage{base: s.newBase(r, lang, v.Title), Kommune: k}
	d.Embedded = true
	s.render(w, r, http.StatusOK, lang, "portal", d)
}

func (s *server) portalCSS(w http.ResponseWriter, r *http.Request) {
	_, _, p, ok := s.currentPortal(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400") // the address carries the version
	_, _ = w.Write([]byte(p.CSS()))
}

func (s *server) portalLogo(w http.ResponseWriter, r *http.Request) {
	_, _, p, ok := s.currentPortal(r)
	if !ok || len(p.Logo) == 0 {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", p.LogoType)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(p.Logo)
}

// legalPage is one of the pages German law requires on every public site.
type legalPage struct {
	path, titleID, defaultID string
	text                     func(portal.Portal) string
}

var legalPages = []legalPage{
	{"impressum", "legal.impressum", "legal.default.impressum", func(p portal.Portal) string { return p.Impressum }},
	{"datenschutz", "legal.privacy", "legal.default.privacy", func(p portal.Portal) string { return p.Privacy }},
	{"barrierefreiheit", "legal.accessibility", "legal.default.accessibility", func(p portal.Portal) string { return p.Accessibility }},
	{"leichte-sprache", "legal.easy_language", "legal.default.easy_language", func(p portal.Portal) string { return p.EasyLanguage }},
}

// legalView is a legal page: the Kommune's own text where it wrote one, Kette's default otherwise, as
// paragraphs; the accessibility statement adds the feedback form.
type legalView struct {
	form
	Paragraphs []string
	Feedback   bool
	Action     string
	// German is set when the text is shown in German on a page in another language: the Kommune's own text,
	// or the one in Leichte Sprache, which is German by definition.
	German bool
}

func (s *server) legal(l legalPage) pageFunc {
	return func(r *http.Request, lang string) (string, any, error) {
		return "legal", s.legalData(r, lang, l), nil
	}
}

func (s *server) legalData(r *http.Request, lang string, l legalPage) legalView {
	loc := s.i18n.For(lang)
	text := ""
	action := "/barrierefreiheit"
	if v, _, p, ok := s.currentPortal(r); ok {
		text = l.text(p)
		action = v.Prefix + "/barrierefreiheit"
	}
	german := lang != i18n.Default && strings.TrimSpace(text) != ""
	if strings.TrimSpace(text) == "" {
		text = loc.T(l.defaultID)
		german = lang != i18n.Default && (l.path == "leichte-sprache" || !s.i18n.Has(lang, l.defaultID))
	}
	d := legalView{form: s.newForm(r, lang, l.titleID), Feedback: l.path == "barrierefreiheit", Action: action, German: german}
	d.Crumbs = s.trail(lang, crumb{Name: d.Title})
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			d.Paragraphs = append(d.Paragraphs, para)
		}
	}
	return d
}

// feedback stores a reported barrier and thanks the sender; a bad message comes back with its field message.
func (s *server) feedback(r *http.Request, lang string) (string, any, error) {
	d := s.legalData(r, lang, legalPages[2])
	f := portal.Feedback{Message: r.PostFormValue("message"), Contact: r.PostFormValue("contact"), Page: r.PostFormValue("page")}
	if _, k, _, ok := s.currentPortal(r); ok {
		f.KommuneID = &k.ID
	}
	if err := s.store.SaveFeedback(r.Context(), &f); err != nil {
		d.Values["message"], d.Values["contact"], d.Values["page"] = f.Message, f.Contact, f.Page
		data, err := s.refuse(&d.form, lang, err)
		if ws, ok := data.(withStatus); ok {
			d.form = ws.data.(form)
			return "legal", withStatus{status: ws.status, data: d}, nil
		}
		return "", nil, err
	}
	d.Notice = s.i18n.For(lang).T("legal.feedback_thanks")
	return "legal", d, nil
}
