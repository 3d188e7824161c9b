package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/planning"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// adminPlanningRoutes registers the planning cycle of a Kommune.
func (s *server) adminPlanningRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/planung", s.page(s.cycles))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/planung", s.page(s.createCycle))
	mux.HandleFunc("GET /verwaltung/planung/{id}", s.page(s.cyclePage))
	mux.HandleFunc("POST /verwaltung/planung/{id}/schritte", s.page(s.saveStep))
	mux.HandleFunc("POST /verwaltung/planung/{id}/anhaenge", s.page(s.addAttachment))
	mux.HandleFunc("POST /verwaltung/planung/{id}/massnahmen", s.page(s.addMeasure))
	mux.HandleFunc("POST /verwaltung/massnahmen/{id}", s.page(s.updateMeasure))
	mux.HandleFunc("GET /verwaltung/anhaenge/{id}", s.download)
}

// cyclesPage lists a Kommune's planning cycles.
type cyclesPage struct {
	form
	Kommune region.Kommune
	Cycles  []planning.Cycle
	Edit    bool
}

func (s *server) cyclesData(r *http.Request, lang string) (auth.Principal, cyclesPage, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return p, cyclesPage{}, err
	}
	d := cyclesPage{form: s.newForm(r, lang, "planning.title"), Kommune: k, Edit: p.Scope().MayAdminister()}
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: d.Title})
	d.Cycles, err = s.store.ListCycles(r.Context(), p.Scope(), k.ID)
	return p, d, err
}

func (s *server) cycles(r *http.Request, lang string) (string, any, error) {
	_, d, err := s.cyclesData(r, lang)
	if err != nil {
		return "", nil, err
	}
	d.Values["started_on"] = catalog.DateOf(time.Now().In(s.berlin)).String()
	return "admin_planning", d, nil
}

func (s *server) createCycle(r *http.Request, lang string) (string, any, error) {
	p, d, err := s.cyclesData(r, lang)
	if err != nil {
		return "", nil, err
	}
	var v errs.Validation
	c := planning.Cycle{KommuneID: d.Kommune.ID, Title: strings.TrimSpace(r.PostFormValue("title"))}
	if day := formDate(&v, "started_on", r.PostFormValue("started_on")); day != nil {
		c.StartedOn = *day
	}
	err = v.Err()
	if err == nil {
		err = s.store.CreateCycle(r.Context(), p.Scope(), actorOf(p), &c)
	}
	if err != nil {
		d.Values["title"], d.Values["started_on"] = r.PostFormValue("title"), r.PostFormValue("started_on")
		data, err := s.refuse(&d.form, lang, err)
		if ws, ok := data.(withStatus); ok {
			d.form = ws.data.(form)
			return "admin_planning", withStatus{status: ws.status, data: d}, nil
		}
		return "", nil, err
	}
	return "", seeOther("/verwaltung/planung/" + c.ID.String()), nil
}

// cycleView is one cycle with the choices for a new measure: the Kommune's current gaps and its offers.
type cycleView struct {
	form
	Kommune  region.Kommune
	Cycle    planning.Cycle
	Steps    []stepView
	Gaps     []option
	Offers   []option
	Statuses []option
	Edit     bool
}

type stepView struct {
	planning.StepRecord
	Label   string
	Done    string
	Current bool
	Files   []planning.Attachment
}

func (s *server) cycleData(r *http.Request, lang string) (auth.Principal, cycleView, error) {
	p, err := signedIn(r)
	if err != nil {
		return p, cycleView{}, err
	}
	id, err := pathID(r)
	if err != nil {
		return p, cycleView{}, err
	}
	return s.cycleByID(r, lang, p, id)
}

func (s *server) cycleByID(r *http.Request, lang string, p auth.Principal, id uuid.UUID) (auth.Principal, cycleView, error) {
	c, err := s.store.GetCycle(r.Context(), p.Scope(), id)
	if err != nil {
		return p, cycleView{}, err
	}
	k, err := s.store.GetKommune(r.Context(), p.Scope(), c.KommuneID)
	if err != nil {
		return p, cycleView{}, err
	}
	l := s.i18n.For(lang)
	d := cycleView{form: s.newForm(r, lang, "planning.title"), Kommune: k, Cycle: c, Edit: p.Scope().MayAdminister()}
	d.Title = c.Title
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: l.T("planning.title"), Href: "/verwaltung/kommunen/" + k.AGS + "/planung"}, crumb{Name: c.Title})
	for _, st := range c.Steps {
		v := stepView{StepRecord: st, Label: l.T("planning.step." + string(st.Step)), Current: st.Step == c.Current}
		if st.DoneOn != nil {
			v.Done = st.DoneOn.String()
		}
		for _, f := range c.Files {
			if f.Step == st.Step {
				v.Files = append(v.Files, f)
			}
		}
		d.Steps = append(d.Steps, v)
	}
	for _, st := range planning.Statuses() {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: l.T("planning.status." + string(st))})
	}
	if d.Edit {
		if err := s.measureChoices(r, lang, p, &d); err != nil {
			return p, d, err
		}
	}
	return p, d, nil
}

// measureChoices lists today's gaps (as the analysis sees them) and the Kommune's offers for a new measure.
func (s *server) measureChoices(r *http.Request, lang string, p auth.Principal, d *cycleView) error {
	today := catalog.DateOf(time.Now().In(s.berlin))
	m, err := chain.ForKommune(r.Context(), s.store, p.Scope(), d.Kommune.ID, today, chain.Config{})
	if err != nil {
		return err
	}
	l := s.i18n.For(lang)
	tax := s.store.Taxonomies()
	d.Gaps = []option{{Value: "", Label: l.T("planning.choose_gap")}}
	for _, g := range m.Gaps {
		d.Gaps = append(d.Gaps, option{Value: strings.Join([]string{g.AreaID.String(), g.Phase, g.Field, g.Transition}, "|"),
			Label: g.Sentence(l, tax)})
	}
	offers, _, err := s.store.ListOffers(r.Context(), p.Scope(), store.OfferFilter{KommuneID: d.Kommune.ID, Limit: 1000})
	if err != nil {
		return err
	}
	d.Offers = []option{{Value: "", Label: l.T("planning.no_offer_yet")}}
	for _, o := range offers {
		d.Offers = append(d.Offers, option{Value: o.ID.String(), Label: o.Name + " – " + o.OrganizationName})
	}
	return nil
}

func (s *server) cyclePage(r *http.Request, lang string) (string, any, error) {
	_, d, err := s.cycleData(r, lang)
	if err != nil {
		return "", nil, err
	}
	if r.URL.Query().Has("gespeichert") {
		d.Notice = s.i18n.For(lang).T("planning.saved")
	}
	return "admin_planning_cycle", d, err
}

// cycleRefused re-renders the cycle page with the messages of err.
func (s *server) cycleRefused(r *http.Request, lang string, p auth.Principal, id uuid.UUID, err error) (string, any, error) {
	_, d, ferr := s.cycleByID(r, lang, p, id)
	if ferr != nil {
		return "", nil, ferr
	}
	for k := range r.PostForm {
		d.Values[k] = r.PostFormValue(k)
	}
	data, err := s.refuse(&d.form, lang, err)
	if ws, ok := data.(withStatus); ok {
		d.form = ws.data.(form)
		return "admin_planning_cycle", withStatus{status: ws.status, data: d}, nil
	}
	return "", nil, err
}

func (s *server) saveStep(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	var v errs.Validation
	rec := planning.StepRecord{Step: planning.Step(r.PostFormValue("step")), Notes: strings.TrimSpace(r.PostFormValue("notes")),
		DoneOn: formDate(&v, "done_on", r.PostFormValue("done_on"))}
	err = v.Err()
	if err == nil {
		err = s.store.SaveStep(r.Context(), p.Scope(), actorOf(p), id, rec)
	}
	if err != nil {
		return s.cycleRefused(r, lang, p, id, err)
	}
	return "", seeOther("/verwaltung/planung/" + id.String() + "?gespeichert#" + string(rec.Step)), nil
}

func (s *server) addAttachment(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	a := planning.Attachment{CycleID: id, Step: planning.Step(r.FormValue("step"))}
	if f, h, ferr := r.FormFile("file"); ferr == nil {
		a.Filename = h.Filename
		a.Data, err = io.ReadAll(io.LimitReader(f, planning.MaxAttachment+1))
		f.Close()
		if err != nil {
			return "", nil, errs.E(errs.BadRequest, "error.bad_request")
		}
		a.ContentType = http.DetectContentType(a.Data)
	}
	if err := s.store.AddAttachment(r.Context(), p.Scope(), actorOf(p), &a); err != nil {
		return s.cycleRefused(r, lang, p, id, err)
	}
	return "", seeOther("/verwaltung/planung/" + id.String() + "?gespeichert#" + string(a.Step)), nil
}

// download sends an attachment as a file, never shown inline, so no uploaded content runs in Kette's origin.
func (s *server) download(w http.ResponseWriter, r *http.Request) {
	lang := s.language(w, r)
	p, err := signedIn(r)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	a, err := s.store.GetAttachment(r.Context(), p.Scope(), id)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename*=UTF-8''`+urlPathEscape(a.Filename))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(a.Data)
}

func (s *server) addMeasure(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	m, err := parseMeasure(r)
	m.CycleID = id
	if err == nil {
		err = s.store.SaveMeasure(r.Context(), p.Scope(), actorOf(p), &m)
	}
	if err != nil {
		return s.cycleRefused(r, lang, p, id, err)
	}
	return "", seeOther("/verwaltung/planung/" + id.String() + "?gespeichert#massnahmen"), nil
}

// updateMeasure changes a measure's status and its offer.
func (s *server) updateMeasure(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	m, err := s.store.GetMeasure(r.Context(), p.Scope(), id)
	if err != nil {
		return "", nil, err
	}
	m.Status = planning.MeasureStatus(r.PostFormValue("status"))
	m.OfferID = nil
	if raw := r.PostFormValue("offer_id"); raw != "" {
		oid, perr := uuid.Parse(raw)
		if perr != nil {
			var v errs.Validation
			v.Add("offer_id", "planning.validation.offer", nil)
			return s.cycleRefused(r, lang, p, m.CycleID, v.Err())
		}
		m.OfferID = &oid
	}
	if err := s.store.SaveMeasure(r.Context(), p.Scope(), actorOf(p), &m); err != nil {
		return s.cycleRefused(r, lang, p, m.CycleID, err)
	}
	return "", seeOther("/verwaltung/planung/" + m.CycleID.String() + "?gespeichert#massnahmen"), nil
}

// parseMeasure reads a new measure; the gap comes as "area|phase|field|transition".
func parseMeasure(r *http.Request) (planning.Measure, error) {
	var v errs.Validation
	m := planning.Measure{Title: strings.TrimSpace(r.PostFormValue("title")), Status: planning.Planned,
		Notes: strings.TrimSpace(r.PostFormValue("notes")), DueOn: formDate(&v, "due_on", r.PostFormValue("due_on"))}
	parts := strings.Split(r.PostFormValue("gap"), "|")
	if len(parts) == 4 {
		m.AreaID, _ = uuid.Parse(parts[0])
		m.Phase, m.Field, m.Transition = parts[1], parts[2], parts[3]
	}
	if raw := r.PostFormValue("offer_id"); raw != "" {
		if id, err := uuid.Parse(raw); err == nil {
			m.OfferID = &id
		} else {
			v.Add("offer_id", "planning.validation.offer", nil)
		}
	}
	return m, v.Err()
}

// urlPathEscape encodes a file name for Content-Disposition's filename* (RFC 5987).
func urlPathEscape(s string) string { return url.PathEscape(s) }
