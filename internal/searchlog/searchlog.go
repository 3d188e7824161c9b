// Package searchlog records what families look for in the Familienwegweiser without recording who they are
// (issue 4 part 6). Entry turns a search into a log row by rules that keep no personal data:
//
//   - the filters as codes ("phase:age_0_3", "lang:tr", "free:1"); the child's age only as the year of life, a
//     radius only as a band, a point never;
//   - the area: the Kommune (and Sozialraum, when the place named one) the search was made for; a postcode or
//     an address is cut to its Kommune, coordinates are dropped;
//   - the query words, folded to lower case, without any word containing a digit (house numbers, phone
//     numbers, dates, postcodes), looking like an e-mail or web address, or naming a street, at most a few
//     words of bounded length;
//   - the result count, and the day and time of the search;
//   - never an IP address, cookie, session, user or the raw text: Entry does not even receive the request.
//
// Recorder writes entries off the request path through a buffered channel drained by Run, and Job folds raw
// rows older than 90 days into daily counts for the housekeeping loop.
package searchlog

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/kette-org/kette/internal/housekeeping"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// Retention is how long single searches are kept before they are folded into daily counts.
const Retention = 90 * 24 * time.Hour

// Limits of what a logged search keeps of its text.
const (
	maxWords    = 8
	maxWordLen  = 40
	minWordLen  = 2
	radiusBands = "1 2 5 10 20 50" // km; a radius is logged as the smallest band that holds it
)

// Channels of a search.
const (
	Web = "web"
	API = "api"
)

// Entry builds the log row of a search from its parsed parameters and result count, by the rules of the
// package comment.
func Entry(channel string, p search.Params, results int, at time.Time) store.SearchLogEntry {
	q := p.Query
	e := store.SearchLogEntry{At: at.UTC().Truncate(time.Second), Channel: channel, Results: results, Words: Words(q.Text)}
	if p.Place != nil {
		k := p.Place.KommuneID
		e.KommuneID = &k
		if p.Place.AreaID != nil {
			a := *p.Place.AreaID
			e.AreaID = &a
		}
	} else if len(q.KommuneIDs) == 1 {
		k := q.KommuneIDs[0]
		e.KommuneID = &k
	}
	add := func(dim string, values ...string) {
		for _, v := range values {
			e.Filters = append(e.Filters, dim+":"+v)
		}
	}
	add("phase", q.Phases...)
	add("field", q.Fields...)
	add("target", q.TargetGroups...)
	add("transition", q.Transitions...)
	add("lang", q.Languages...)
	add("access", q.Access...)
	add("delivery", q.Delivery...)
	add("organization_kind", q.OrganizationKinds...)
	for _, a := range q.AreaIDs {
		add("area", a.String())
	}
	if q.Free {
		add("free", "1")
	}
	if q.OpenNow {
		add("open_now", "1")
	}
	if q.Weekday > 0 {
		add("weekday", strconv.Itoa(q.Weekday))
	}
	if q.AgeMonths != nil {
		add("age_years", strconv.Itoa(*q.AgeMonths/12))
	}
	if q.HasPoint && q.RadiusKm > 0 {
		add("radius_km", radiusBand(q.RadiusKm))
	}
	return e
}

func radiusBand(km float64) string {
	for _, b := range strings.Fields(radiusBands) {
		if n, _ := strconv.ParseFloat(b, 64); km <= n {
			return b
		}
	}
	return "50+"
}

// Words are the query words worth counting: lower case, letters only at the edges, without any word that
// holds a digit or looks like an e-mail or web address, and without repeats.
func Words(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if strings.ContainsAny(w, "@/:\\") || strings.Contains(w, "www.") || hasDigit(w) ||
			strings.Count(w, ".") > 0 && looksLikeDomain(w) {
			continue
		}
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if n := len([]rune(w)); n < minWordLen || n > maxWordLen || seen[w] || !onlyWordRunes(w) || isStreet(w) {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == maxWords {
			break
		}
	}
	return out
}

// streetSuffixes end the names of streets; such a word is part of an address, not a topic. ("platz" is not
// among them: "Kitaplatz" is what many look for.)
var streetSuffixes = []string{"straße", "strasse", "str", "weg", "allee", "gasse", "chaussee"}

func isStreet(w string) bool {
	for _, s := range streetSuffixes {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// looksLikeDomain catches "name.de" and "mail.example.org" but not a sentence's full stop ("Kita.").
func looksLikeDomain(w string) bool {
	w = strings.TrimRight(w, ".,;!?")
	i := strings.LastIndex(w, ".")
	return i > 0 && i < len(w)-1
}

// onlyWordRunes keeps letters and inner hyphens ("Eltern-Kind-Gruppe"), nothing that could carry other data.
func onlyWordRunes(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' {
			return false
		}
	}
	return true
}

// Recorder writes search log entries. Started with Run it queues them and writes in the background, so a
// search never waits for the database (when the queue is full an entry is dropped and counted: the log is a
// statistic, a search must not suffer for it). Not started, it writes at once, which tests rely on.
type Recorder struct {
	store   *store.Store
	log     *slog.Logger
	queue   chan store.SearchLogEntry
	running atomic.Bool
	dropped atomic.Int64
}

// New returns a Recorder writing to s.
func New(s *store.Store, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Recorder{store: s, log: log, queue: make(chan store.SearchLogEntry, 1024)}
}

// Record logs one search. A nil Recorder records nothing, so the doors can run without a log.
func (r *Recorder) Record(ctx context.Context, e store.SearchLogEntry) {
	if r == nil {
		return
	}
	if r.running.Load() {
		select {
		case r.queue <- e:
		default:
			r.dropped.Add(1)
		}
		return
	}
	r.write(context.WithoutCancel(ctx), e)
}

// Running says whether Run is draining the queue.
func (r *Recorder) Running() bool { return r.running.Load() }

// Dropped is how many entries were dropped because the queue was full.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Run writes queued entries until ctx ends, then writes what is still queued.
func (r *Recorder) Run(ctx context.Context) {
	r.running.Store(true)
	for {
		select {
		case e := <-r.queue:
			r.write(context.WithoutCancel(ctx), e) // an entry taken is written, even when ctx ends meanwhile
		case <-ctx.Done():
			r.running.Store(false)
			for {
				select {
				case e := <-r.queue:
					r.write(context.WithoutCancel(ctx), e)
				default:
					return
				}
			}
		}
	}
}

func (r *Recorder) write(ctx context.Context, e store.SearchLogEntry) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.store.RecordSearch(ctx, tenant.Public(), e); err != nil {
		r.log.Warn("search log: entry not written", "err", err)
	}
}

// Fold turns the raw searches older than Retention into daily counts.
func Fold(ctx context.Context, s *store.Store, now time.Time) (int, error) {
	return s.FoldSearchLog(ctx, tenant.System(), now.Add(-Retention))
}

// Job is the housekeeping job that folds the search log once an hour.
func Job(s *store.Store) housekeeping.Job {
	return housekeeping.Job{Name: "fold search log", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := Fold(ctx, s, now)
		return err
	}}
}
