// Package freshness keeps the catalogue current: a job that, for every Kommune, reminds the providers of offers
// not confirmed for RemindAfterMonths (by e-mail, at most once per RemindEveryDays), hides offers unconfirmed
// for HideAfterMonths from the public search and tells the Kommune's coordinators. Confirming is one click
// (store.ConfirmOffer) and undoes both.
//
// The job is safe to run on several instances at once: the store claims each reminder and each hiding for
// one caller only. Start it beside serve with
//
//	job := &freshness.Job{Store: st, Mail: &mail.Templates{Sender: smtp, I18n: bundle}, Config: cfg, Log: log}
//	go job.Loop(ctx, time.Hour)
package freshness

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // dates in mails are Berlin dates, whatever the host's zoneinfo

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/mail"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// Config holds the rules, in months as the coordinators speak of them.
type Config struct {
	RemindAfterMonths int    // unconfirmed this long: the providers are reminded (11)
	HideAfterMonths   int    // unconfirmed this long: hidden from the public search (13)
	ShareMonths       int    // the dashboard's share counts offers confirmed within this many months (12)
	RemindEveryDays   int    // a reminder for an offer is repeated at most this often (30)
	BaseURL           string // the site's address for links in mails, e.g. https://kette.kommune.example
	Lang              string // language of the mails; German by default
}

// DefaultConfig is the rule of issue 3: remind after 11 months, hide after 13, judge by 12.
func DefaultConfig() Config {
	return Config{RemindAfterMonths: 11, HideAfterMonths: 13, ShareMonths: 12, RemindEveryDays: 30, Lang: "de"}
}

// Validate checks the months: reminding must come before hiding, or nobody is warned.
func (c Config) Validate() error {
	var v errs.Validation
	if c.RemindAfterMonths < 1 {
		v.Add("remind_after_months", "freshness.validation.months", map[string]any{"Value": c.RemindAfterMonths})
	}
	if c.HideAfterMonths <= c.RemindAfterMonths {
		v.Add("hide_after_months", "freshness.validation.hide_after_remind", map[string]any{"Value": c.HideAfterMonths,
			"Remind": c.RemindAfterMonths})
	}
	if c.RemindEveryDays < 1 {
		v.Add("remind_every_days", "freshness.validation.days", map[string]any{"Value": c.RemindEveryDays})
	}
	return v.Err()
}

// StaleSince is the cut-off of the coordinator's list and the reminders at now.
func (c Config) StaleSince(now time.Time) time.Time { return now.AddDate(0, -c.RemindAfterMonths, 0) }

// ShareSince is the cut-off of the dashboard's share at now.
func (c Config) ShareSince(now time.Time) time.Time { return now.AddDate(0, -c.ShareMonths, 0) }

// Job runs the rules over the store and sends the mails.
type Job struct {
	Store  *store.Store
	Mail   *mail.Templates
	Config Config
	Log    *slog.Logger
}

// Report says what one run did.
type Report struct {
	Reminded int // offers whose providers (or coordinators) were reminded
	Hidden   int // offers hidden from the public search
	Mails    int // mails sent
	Failed   int // mails that could not be sent (their reminders are tried again next run)
}

// actor is the audit log's name of the job.
var actor = audit.System("freshness")

// Run applies the rules once at now to every Kommune. A mail that fails is logged and counted, not fatal: the
// other Kommunen still get theirs.
func (j *Job) Run(ctx context.Context, now time.Time) (Report, error) {
	var rep Report
	if err := j.Config.Validate(); err != nil {
		return rep, err
	}
	ks, err := j.Store.ListKommunen(ctx, tenant.System())
	if err != nil {
		return rep, err
	}
	for _, k := range ks {
		if err := j.runKommune(ctx, now, k.Kommune, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (j *Job) runKommune(ctx context.Context, now time.Time, k region.Kommune, rep *Report) error {
	sys := tenant.System()
	// Hiding first, so an offer hidden now is not also reminded.
	hidden, err := j.Store.HideStale(ctx, sys, actor, k.ID, now.AddDate(0, -j.Config.HideAfterMonths, 0))
	if err != nil {
		return err
	}
	rep.Hidden += len(hidden)
	var coordinators []string
	if len(hidden) > 0 {
		if coordinators, err = j.coordinators(ctx, k.ID); err != nil {
			return err
		}
		for _, to := range coordinators {
			j.send(ctx, rep, "freshness_hidden", k, hidden, j.Config.HideAfterMonths, to)
		}
	}
	remindedSince := now.AddDate(0, 0, -j.Config.RemindEveryDays)
	claimed, err := j.Store.ClaimReminders(ctx, sys, k.ID, j.Config.StaleSince(now), remindedSince)
	if err != nil || len(claimed) == 0 {
		return err
	}
	rep.Reminded += len(claimed)
	editors, err := j.editors(ctx, k.ID)
	if err != nil {
		return err
	}
	// One mail per person with all of their offers; offers of organizations without an editor go to the
	// coordinators.
	byRecipient := map[string][]store.FreshOffer{}
	for _, o := range claimed {
		to := editors[o.OrganizationID]
		if len(to) == 0 {
			if coordinators == nil {
				if coordinators, err = j.coordinators(ctx, k.ID); err != nil {
					return err
				}
			}
			to = coordinators
		}
		for _, addr := range to {
			byRecipient[addr] = append(byRecipient[addr], o)
		}
	}
	var failed []uuid.UUID
	for _, to := range sortedKeys(byRecipient) {
		if !j.send(ctx, rep, "freshness_reminder", k, byRecipient[to], j.Config.RemindAfterMonths, to) {
			for _, o := range byRecipient[to] {
				failed = append(failed, o.ID)
			}
		}
	}
	return j.Store.ReleaseReminders(ctx, sys, failed)
}

// send renders and sends one mail about offers; it reports whether the mail went out.
func (j *Job) send(ctx context.Context, rep *Report, id string, k region.Kommune, offers []store.FreshOffer, months int, to string) bool {
	data := map[string]any{"Kommune": k.Name, "Months": months, "HideMonths": j.Config.HideAfterMonths,
		"Offers": j.offerLines(offers), "Link": strings.TrimRight(j.Config.BaseURL, "/") + DashboardPath(k.AGS)}
	if err := j.Mail.Send(ctx, j.lang(), id, data, to); err != nil {
		rep.Failed++
		j.log().Error("freshness mail", "mail", id, "kommune", k.AGS, "to", to, "err", err)
		return false
	}
	rep.Mails++
	return true
}

// DashboardPath is the address of a Kommune's freshness dashboard.
func DashboardPath(ags string) string { return "/verwaltung/kommunen/" + ags + "/aktualitaet" }

func (j *Job) offerLines(offers []store.FreshOffer) string {
	l := j.Mail.I18n.For(j.lang())
	berlin, _ := time.LoadLocation("Europe/Berlin")
	lines := make([]string, len(offers))
	for i, o := range offers {
		confirmed := l.T("mail.never_confirmed")
		if o.LastConfirmedAt != nil {
			confirmed = o.LastConfirmedAt.In(berlin).Format("02.01.2006")
		}
		lines[i] = l.T("mail.offer_line", map[string]any{"Name": o.Name, "Organization": o.OrganizationName, "Confirmed": confirmed})
	}
	return strings.Join(lines, "\n")
}

func (j *Job) lang() string {
	if j.Config.Lang == "" {
		return "de"
	}
	return j.Config.Lang
}

func (j *Job) log() *slog.Logger {
	if j.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Log
}

// users lists the enabled accounts of a role in a Kommune.
func (j *Job) users(ctx context.Context, kommuneID uuid.UUID, role auth.Role) ([]auth.User, error) {
	var out []auth.User
	for {
		page, err := j.Store.ListUsers(ctx, tenant.System(), store.UserFilter{KommuneID: kommuneID, Role: role, Limit: 500, Offset: len(out)})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 500 {
			break
		}
	}
	enabled := out[:0]
	for _, u := range out {
		if !u.Disabled {
			enabled = append(enabled, u)
		}
	}
	return enabled, nil
}

func (j *Job) coordinators(ctx context.Context, kommuneID uuid.UUID) ([]string, error) {
	us, err := j.users(ctx, kommuneID, auth.KommuneCoordinator)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, u := range us {
		out = append(out, u.Email)
	}
	return out, nil
}

// editors maps each organization to the addresses of its provider editors.
func (j *Job) editors(ctx context.Context, kommuneID uuid.UUID) (map[uuid.UUID][]string, error) {
	us, err := j.users(ctx, kommuneID, auth.ProviderEditor)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]string{}
	for _, u := range us {
		for _, org := range u.OrganizationIDs {
			out[org] = append(out[org], u.Email)
		}
	}
	return out, nil
}

func sortedKeys(m map[string][]store.FreshOffer) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Loop runs the job now and then every interval until ctx ends; errors are logged, the loop goes on.
func (j *Job) Loop(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Hour
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		rep, err := j.Run(ctx, time.Now())
		if err != nil && ctx.Err() == nil {
			j.log().Error("freshness job", "err", err)
		} else if rep.Reminded+rep.Hidden+rep.Failed > 0 {
			j.log().Info("freshness job", "reminded", rep.Reminded, "hidden", rep.Hidden, "mails", rep.Mails, "failed", rep.Failed)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
