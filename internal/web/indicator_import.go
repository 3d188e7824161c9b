package web

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// The upload of indicator values. A file is parsed in the background, because a Regionaldatenbank table or a
// year of small-area counts can have tens of thousands of lines: the upload answers at once with a page that
// shows how far the parse is (a <progress> bar with its text, refreshed by <meta http-equiv="refresh">, so no
// script is needed), then the preview of what would change with every problem by line and column. Nothing is
// written until "Übernehmen"; the store then checks the file again in the same transaction (all or nothing)
// and logs the import in the audit log.
//
// Jobs live in memory, one per user and Kommune, and expire after importJobTTL. They are found by the
// signed-in user's id and a Kommune the user may administer, so nobody sees another's upload. With several
// instances behind a load balancer the pages of one upload need the same instance (sticky sessions); a
// lost job only means uploading the file again.
func (s *server) indicatorImportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/kommunen/{ags}/indikatoren/import", s.page(s.importPage))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/indikatoren/import", s.page(s.importUpload))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/indikatoren/import/uebernehmen", s.page(s.importApply))
	mux.HandleFunc("POST /verwaltung/kommunen/{ags}/indikatoren/import/verwerfen", s.page(s.importDiscard))
}

const (
	// importJobTTL is how long an upload and its preview are kept.
	importJobTTL = time.Hour
	// maxIndicatorUpload bounds an upload: a Regionaldatenbank table of all Gemeinden is a few megabytes.
	maxIndicatorUpload = 50 << 20
	// importRefresh is how often, in seconds, the waiting page reloads itself.
	importRefresh = 2
	// importListLength is how many values and problems the page lists one by one.
	importListLength = 500
	// refreshParam=aus stops the waiting page from reloading itself, for those whom a reload interrupts
	// (a screen reader starts reading the page again).
	refreshParam = "aktualisieren"
)

// importJobs holds the uploads being parsed or previewed.
type importJobs struct {
	mu   sync.Mutex
	jobs map[importKey]*importJob
	now  func() time.Time
	// pause, when set (by tests), is called with every progress report on the parsing goroutine, so that a
	// test can hold a parse halfway and look at the page.
	pause func(indicator.Progress)
}

type importKey struct{ user, kommune uuid.UUID }

func newImportJobs() *importJobs {
	return &importJobs{jobs: map[importKey]*importJob{}, now: time.Now}
}

// importJob is one upload. Its fields after mu are written by the parsing goroutine.
type importJob struct {
	ID      uuid.UUID
	Name    string
	Size    int
	Started time.Time

	mu sync.Mutex
	// The fields below are written by the goroutines parsing and applying the file.
	progress indicator.Progress
	checking bool // the file is read; its values are being compared with the database
	done     bool
	file     indicator.File
	preview  indicator.Preview
	problems []indicator.Problem
	failed   bool // an internal error, logged; the user is asked to try again
	applying bool // "Übernehmen" was pressed; the values are being written
	applied  int  // when done applying: the number of values written, -1 while none
}

// importState is a consistent copy of a job's progress.
type importState struct {
	progress indicator.Progress
	checking bool
	done     bool
	file     indicator.File
	preview  indicator.Preview
	problems []indicator.Problem
	failed   bool
	applying bool
	applied  int
}

func (j *importJob) state() importState {
	j.mu.Lock()
	defer j.mu.Unlock()
	return importState{progress: j.progress, checking: j.checking, done: j.done, file: j.file, preview: j.preview,
		problems: j.problems, failed: j.failed, applying: j.applying, applied: j.applied}
}

// get returns the job of a user for a Kommune; expired jobs are dropped on the way.
func (js *importJobs) get(user, kommune uuid.UUID) *importJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.sweep()
	return js.jobs[importKey{user, kommune}]
}

// put starts a job, replacing the user's previous upload for the Kommune.
func (js *importJobs) put(user, kommune uuid.UUID, j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.sweep()
	js.jobs[importKey{user, kommune}] = j
}

// drop removes the job, if it is still the one given (a newer upload stays).
func (js *importJobs) drop(user, kommune uuid.UUID, id uuid.UUID) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j, ok := js.jobs[importKey{user, kommune}]; ok && j.ID == id {
		delete(js.jobs, importKey{user, kommune})
	}
}

func (js *importJobs) sweep() {
	cut := js.now().Add(-importJobTTL)
	for k, j := range js.jobs {
		if j.Started.Before(cut) {
			delete(js.jobs, k)
		}
	}
}

// run parses the file and builds its preview in the scope of the user who uploaded it.
func (s *server) runImport(ctx context.Context, j *importJob, scope tenant.Scope, ags string, data []byte, cat []indicator.Indicator) {
	pause := s.imports.pause
	f, probs := indicator.ParseProgress(j.Name, data, cat, func(p indicator.Progress) {
		j.mu.Lock()
		j.progress = p
		j.mu.Unlock()
		if pause != nil {
			pause(p)
		}
	})
	j.mu.Lock()
	j.checking = true
	j.mu.Unlock()
	// The rows that were read are checked against the database even when others are broken, so that the
	// page lists every problem (an unknown Sozialraum, a duplicate row) in one go.
	var preview indicator.Preview
	var err error
	if len(f.Rows) > 0 {
		preview, err = s.store.PreviewIndicatorImport(ctx, scope, ags, f)
		probs = append(probs, preview.Problems...)
		slices.SortStableFunc(probs, func(a, b indicator.Problem) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return a.Column - b.Column
		})
		// A line with values of several indicators and an unknown region has the same problem once per value.
		probs = slices.CompactFunc(probs, func(a, b indicator.Problem) bool {
			return a.Line == b.Line && a.Column == b.Column && a.Message == b.Message && fmt.Sprint(a.Data) == fmt.Sprint(b.Data)
		})
	}
	if err != nil {
		s.log.Error("indicator import preview", "file", j.Name, "err", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.done, j.file, j.preview, j.problems, j.failed = true, f, preview, probs, err != nil
}

// importKommune is the Kommune of the path for a user who may import into it: coordinators of the Kommune
// and administrators of its Land. Another tenant's Kommune is not found; a reader of the own Kommune is
// refused.
func (s *server) importKommune(r *http.Request) (auth.Principal, region.Kommune, error) {
	p, k, err := s.adminKommune(r)
	if err != nil {
		return p, k, err
	}
	if !p.Scope().MayAdminister() {
		return p, k, errs.E(errs.Forbidden, "error.forbidden")
	}
	return p, k, nil
}

// importView is the upload page in each of its states: the form, the progress, the problems, the preview.
type importView struct {
	form
	Kommune   region.Kommune
	Action    string
	Job       *importJob
	Running   bool
	Checking  bool // the progress has no measure: the bar shows "busy"
	Heading   string
	Percent   int
	Rows      string
	ReadText  string
	Problems  []importProblem
	More      int
	Summary   []string
	Groups    []importGroup
	Changes   []importChange
	MoreRows  int
	MayApply  bool
	Refresh   int    // seconds until the waiting page reloads itself; 0 while the user has paused that
	Paused    bool   // the user stopped the reloading (WCAG 2.2.1: a timed refresh can be turned off)
	PauseURL  string // the waiting page without reloading
	MinCell   int
	Suppr     bool
	FileLabel string
}

type importProblem struct{ Where, Text string }

// importGroup counts the values of one indicator and region.
type importGroup struct {
	Indicator, Region       string
	Periods                 string
	New, Changed, Unchanged int
}

type importChange struct {
	Line                                   int
	Change, Indicator, Region, Period, Old string
	New                                    string
}

func (s *server) importPage(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.importKommune(r)
	if err != nil {
		return "", nil, err
	}
	// A finished import leaves the upload page for the list, which says how many values came in.
	if j := s.imports.get(p.User.ID, k.ID); j != nil {
		if st := j.state(); st.applying && st.applied >= 0 {
			s.imports.drop(p.User.ID, k.ID, j.ID)
			return "", seeOther(fmt.Sprintf("/verwaltung/kommunen/%s/indikatoren?importiert=%d", k.AGS, st.applied)), nil
		}
	}
	d := s.importView(r, lang, p, k)
	return "indicator_import", d, nil
}

func (s *server) importView(r *http.Request, lang string, p auth.Principal, k region.Kommune) importView {
	l := s.i18n.For(lang)
	d := importView{form: s.newForm(r, lang, "indicatorview.import.title"), Kommune: k, MinCell: s.privacy.Min(),
		Action: "/verwaltung/kommunen/" + k.AGS + "/indikatoren/import"}
	d.Title = l.T("indicatorview.import.title_of", map[string]any{"Kommune": k.Name})
	d.Crumbs = s.adminTrail(lang, k, crumb{Name: l.T("indicatorview.list.crumb"), Href: "/verwaltung/kommunen/" + k.AGS + "/indikatoren"},
		crumb{Name: l.T("indicatorview.import.title")})
	d.Paused = r.URL.Query().Get(refreshParam) == "aus"
	d.PauseURL = d.Action + "?" + refreshParam + "=aus"
	j := s.imports.get(p.User.ID, k.ID)
	if j == nil {
		return d
	}
	d.Job = j
	refresh := importRefresh
	if d.Paused {
		refresh = 0
	}
	st := j.state()
	f := indicatorFormat(lang, indicator.Indicator{Kind: indicator.KindRate})
	if st.applying && !st.failed {
		d.Running, d.Checking, d.Refresh = true, true, refresh
		d.Heading = l.T("indicatorview.import.applying", map[string]any{"File": j.Name})
		count := st.preview.New + st.preview.Changed
		d.ReadText = l.T("indicatorview.import.applying_text", map[string]any{"Count": count, "N": f(float64(count))})
		return d
	}
	if !st.done {
		d.Running, d.Checking, d.Refresh = true, st.checking, refresh
		d.Heading = l.T("indicatorview.import.reading", map[string]any{"File": j.Name})
		if st.checking {
			d.Heading = l.T("indicatorview.import.checking", map[string]any{"File": j.Name})
		}
		if st.progress.Total > 0 {
			d.Percent = int(math.Floor(float64(st.progress.Read) * 100 / float64(st.progress.Total)))
		}
		d.Rows = f(float64(st.progress.Rows))
		msg := "indicatorview.import.progress"
		switch {
		case st.checking: // the database comparison has no measure of its own: the bar shows "busy"
			msg = "indicatorview.import.comparing"
		case st.progress.Step == indicator.StepCheck:
			msg = "indicatorview.import.progress_check"
		}
		d.ReadText = l.T(msg, map[string]any{"Rows": d.Rows, "Percent": d.Percent, "Size": sizeText(lang, j.Size)})
		return d
	}
	if st.failed {
		d.Message = l.T("indicatorview.import.failed")
		return d
	}
	for i, pr := range st.problems {
		if i == importListLength {
			d.More = len(st.problems) - importListLength
			break
		}
		d.Problems = append(d.Problems, importProblem{Where: problemWhere(l, pr), Text: l.T(pr.Message, pr.Data)})
	}
	if len(st.problems) > 0 {
		d.Message = l.T("indicatorview.import.problems", map[string]any{"Count": len(st.problems), "File": j.Name})
		return d
	}
	s.previewView(r.Context(), &d, l, lang, st)
	return d
}

// previewView fills the preview: counts, one row per indicator and region, and the values one by one.
func (s *server) previewView(ctx context.Context, d *importView, l *i18n.Localizer, lang string, st importState) {
	pv := st.preview
	cat, err := s.store.ListIndicators(ctx)
	byCode := map[string]indicator.Indicator{}
	if err == nil {
		for _, ind := range cat {
			byCode[ind.Code] = ind
		}
	}
	d.MayApply = pv.New+pv.Changed > 0
	d.Summary = append(d.Summary, l.T("indicatorview.import.format", map[string]any{"Format": l.T(formatLabel(pv.Format)),
		"Encoding": pv.Encoding}))
	n := indicatorFormat(lang, indicator.Indicator{Kind: indicator.KindCount})
	d.Summary = append(d.Summary, l.T("indicatorview.import.counts", map[string]any{"New": n(float64(pv.New)),
		"Changed": n(float64(pv.Changed)), "Unchanged": n(float64(pv.Unchanged))}))
	if pv.Missing > 0 {
		d.Summary = append(d.Summary, l.T("indicatorview.import.missing", map[string]any{"Count": pv.Missing}))
	}
	if pv.Ignored > 0 {
		d.Summary = append(d.Summary, l.T("indicatorview.import.ignored", map[string]any{"Count": pv.Ignored}))
	}
	if pv.Skipped > 0 {
		d.Summary = append(d.Summary, l.T("indicatorview.import.skipped", map[string]any{"Count": pv.Skipped}))
	}
	groups := map[[2]string]*importGroup{}
	var order [][2]string
	periods := map[[2]string]map[string]bool{}
	for _, row := range pv.Rows {
		ind := byCode[row.Indicator]
		key := [2]string{row.Indicator, row.RegionKey}
		g := groups[key]
		if g == nil {
			g = &importGroup{Indicator: indicatorLabel(ind, lang), Region: row.RegionKey + " " + row.RegionName}
			groups[key] = g
			order = append(order, key)
		}
		switch row.Change {
		case indicator.ChangeNew:
			g.New++
		case indicator.ChangeChanged:
			g.Changed++
		default:
			g.Unchanged++
		}
		if periods[key] == nil {
			periods[key] = map[string]bool{}
		}
		periods[key][row.Period] = true
		if row.Change == indicator.ChangeUnchanged {
			continue
		}
		if len(d.Changes) == importListLength {
			d.MoreRows++
			continue
		}
		f := indicatorFormat(lang, ind)
		c := importChange{Line: row.Line, Change: l.T(changeLabel(row.Change)), Indicator: indicatorLabel(ind, lang),
			Region: row.RegionKey + " " + row.RegionName, Period: row.Period, New: s.show(ind, row.Value).text(l, f, ind)}
		if row.Old != nil {
			c.Old = s.show(ind, *row.Old).text(l, f, ind)
		}
		d.Suppr = d.Suppr || c.New == "–" || c.Old == "–"
		d.Changes = append(d.Changes, c)
	}
	for _, key := range order {
		g := groups[key]
		ps := slices.Sorted(maps.Keys(periods[key]))
		g.Periods = ps[0]
		if len(ps) > 1 {
			g.Periods = l.T("indicatorview.import.periods", map[string]any{"First": ps[0], "Last": ps[len(ps)-1], "Count": len(ps)})
		}
		d.Groups = append(d.Groups, *g)
	}
}

// formatLabel is the message id naming a file format.
func formatLabel(format string) string {
	switch format {
	case indicator.FormatGENESIS:
		return "indicatorview.format.genesis"
	case indicator.FormatXLSX:
		return "indicatorview.format.xlsx"
	}
	return "indicatorview.format.csv"
}

// changeLabel is the message id naming what applying a value does.
func changeLabel(c indicator.Change) string {
	switch c {
	case indicator.ChangeNew:
		return "indicatorview.change.new"
	case indicator.ChangeChanged:
		return "indicatorview.change.changed"
	}
	return "indicatorview.change.unchanged"
}

// problemWhere names the place of a problem in the page's language, as a spreadsheet user looks for it.
func problemWhere(l *i18n.Localizer, p indicator.Problem) string {
	switch {
	case p.Line == 0:
		return l.T("indicatorview.where.file")
	case p.Column == 0:
		return l.T("indicatorview.where.line", map[string]any{"Line": p.Line})
	case p.ColumnName != "":
		return l.T("indicatorview.where.column_name", map[string]any{"Line": p.Line, "Column": p.Column, "Name": p.ColumnName})
	}
	return l.T("indicatorview.where.column", map[string]any{"Line": p.Line, "Column": p.Column})
}

// sizeText writes a file size in kB or MB.
func sizeText(lang string, n int) string {
	f := indicatorFormat(lang, indicator.Indicator{Kind: indicator.KindRate})
	if n >= 1<<20 {
		return f(math.Round(float64(n)/(1<<20)*10)/10) + " MB"
	}
	return f(math.Ceil(float64(n)/1024)) + " kB"
}

// importUpload takes the file, starts parsing it in the background and sends the browser to the waiting page.
func (s *server) importUpload(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.importKommune(r)
	if err != nil {
		return "", nil, err
	}
	data, name, err := readIndicatorUpload(r)
	if err != nil {
		d := s.importView(r, lang, p, k)
		out, err := s.refuse(&d.form, lang, err)
		if ws, ok := out.(withStatus); ok {
			d.form = ws.data.(form)
			return "indicator_import", withStatus{status: ws.status, data: d}, nil
		}
		return "indicator_import", out, err
	}
	cat, err := s.store.ListIndicators(r.Context())
	if err != nil {
		return "", nil, err
	}
	j := &importJob{ID: uuid.New(), Name: name, Size: len(data), Started: s.imports.now()}
	s.imports.put(p.User.ID, k.ID, j)
	// The parse outlives the request; it ends with its preview, or with the server.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
	go func() {
		defer cancel()
		s.runImport(ctx, j, p.Scope(), k.AGS, data, cat)
	}()
	return "", seeOther("/verwaltung/kommunen/" + k.AGS + "/indikatoren/import"), nil
}

// readIndicatorUpload reads the file of the form field "datei".
func readIndicatorUpload(r *http.Request) ([]byte, string, error) {
	var v errs.Validation
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		v.Add("datei", "indicatorview.upload.no_file", nil)
		return nil, "", v.Err()
	}
	file, header, err := r.FormFile("datei")
	if err != nil {
		v.Add("datei", "indicatorview.upload.no_file", nil)
		return nil, "", v.Err()
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxIndicatorUpload+1))
	if err != nil {
		return nil, "", errs.Wrap(err, "read upload")
	}
	switch {
	case len(data) > maxIndicatorUpload:
		v.Add("datei", "indicatorview.upload.too_large", map[string]any{"Max": maxIndicatorUpload >> 20})
	case len(data) == 0:
		v.Add("datei", "indicatorview.upload.empty", nil)
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	return data, header.Filename, nil
}

// currentJob is the user's job the form names (field "job"): a form of an older upload, or of one that is
// not finished, cannot apply anything.
func (s *server) currentJob(r *http.Request, p auth.Principal, k region.Kommune) (*importJob, error) {
	j := s.imports.get(p.User.ID, k.ID)
	if j == nil || j.ID.String() != r.PostFormValue("job") {
		return nil, errs.E(errs.Conflict, "indicatorview.import.stale")
	}
	return j, nil
}

// importApply writes the previewed file, all or nothing, in the background (a file of several hundred
// thousand values takes longer than a request may), and sends the browser to the waiting page, which goes on to
// the list of indicators when the values are in.
func (s *server) importApply(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.importKommune(r)
	if err != nil {
		return "", nil, err
	}
	j, err := s.currentJob(r, p, k)
	if err != nil {
		return "", nil, err
	}
	j.mu.Lock()
	ready := j.done && !j.failed && !j.applying && len(j.problems) == 0
	if ready {
		j.applying, j.applied = true, -1
	}
	file := j.file
	j.mu.Unlock()
	if !ready {
		return "", nil, errs.E(errs.Conflict, "indicatorview.import.stale")
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Minute)
	go func() {
		defer cancel()
		s.applyImport(ctx, j, p, k, file)
	}()
	return "", seeOther("/verwaltung/kommunen/" + k.AGS + "/indikatoren/import"), nil
}

// applyImport writes the file in the scope of the user who pressed "Übernehmen".
func (s *server) applyImport(ctx context.Context, j *importJob, p auth.Principal, k region.Kommune, file indicator.File) {
	pv, err := s.store.ApplyIndicatorImport(ctx, p.Scope(), actorOf(p), k.AGS, file)
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case err == nil:
		j.applied = pv.New + pv.Changed
	case errs.Is(err, errs.Invalid) && len(pv.Problems) > 0:
		// The database changed since the preview (e.g. a Sozialraum was removed): show why; nothing was written.
		j.applying, j.preview, j.problems = false, pv, pv.Problems
	default:
		s.log.Error("indicator import", "file", j.Name, "err", err)
		j.failed = true
	}
}

// importDiscard drops the upload.
func (s *server) importDiscard(r *http.Request, lang string) (string, any, error) {
	p, k, err := s.importKommune(r)
	if err != nil {
		return "", nil, err
	}
	if j := s.imports.get(p.User.ID, k.ID); j != nil {
		if st := j.state(); st.applying && st.applied < 0 && !st.failed {
			return "", nil, errs.E(errs.Conflict, "indicatorview.import.busy") // too late: the values are being written
		}
		s.imports.drop(p.User.ID, k.ID, j.ID)
	}
	return "", seeOther("/verwaltung/kommunen/" + k.AGS + "/indikatoren/import"), nil
}
