package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/workflow"
)

// editor creates a provider editor of the fixture's organization.
func (e *accountsEnv) editor(t *testing.T, f fixture, email string) auth.User {
	t.Helper()
	u := auth.User{Email: email, DisplayName: "Redaktion " + f.org.Name, Role: auth.ProviderEditor, KommuneID: f.kommune.ID,
		OrganizationIDs: []uuid.UUID{f.org.ID}}
	e.create(t, &u, "")
	return u
}

func actor(u auth.User) audit.Actor { return audit.Actor{Kind: "user", ID: u.ID.String()} }

func TestAnEditorsChangeIsPublicOnlyAfterTheCoordinatorApprovesIt(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		coord := e.coordinator(t, e.hn, "koordination@hannover.example", "")
		ed := e.editor(t, e.hn, "redaktion@fz.example")
		public := e.hn.offer

		// Provider editors cannot change the public catalogue directly.
		direct := public
		direct.Name = "Direkt geändert"
		if err := e.s.UpdateOffer(ctx, ed.Scope(), actor(ed), &direct); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("direct update by an editor: %v, want forbidden", err)
		}

		cr := workflow.ChangeRequest{Proposed: public}
		cr.Proposed.Name = "Babymassage (neu: auch samstags)"
		if err := e.s.SaveChange(ctx, ed.Scope(), actor(ed), ed.ID, &cr); err != nil {
			t.Fatal(err)
		}
		if cr.Kind != workflow.Update || cr.State != workflow.Draft || cr.Base == nil {
			t.Fatalf("saved change: kind %s state %s base %v", cr.Kind, cr.State, cr.Base)
		}
		again := workflow.ChangeRequest{Proposed: public}
		if err := e.s.SaveChange(ctx, coord.Scope(), actor(coord), coord.ID, &again); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second open request for the same offer: %v, want conflict", err)
		}
		if _, err := e.s.ApproveChange(ctx, ed.Scope(), actor(ed), ed.ID, cr.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("editor approving: %v, want forbidden", err)
		}
		if _, err := e.s.SubmitChange(ctx, ed.Scope(), actor(ed), cr.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.GetOffer(ctx, tenant.Public(), public.ID)
		if err != nil || got.Name != "Babymassage" {
			t.Fatalf("before approval the public sees %q (%v), want the old name", got.Name, err)
		}

		// Returned with a comment, edited, submitted again, approved.
		if _, err := e.s.ReturnChange(ctx, coord.Scope(), actor(coord), coord.ID, cr.ID, "  "); !errs.Is(err, errs.Invalid) {
			t.Fatalf("return without comment: %v, want invalid", err)
		}
		ret, err := e.s.ReturnChange(ctx, coord.Scope(), actor(coord), coord.ID, cr.ID, "Bitte Uhrzeit am Samstag nennen.")
		if err != nil || ret.State != workflow.Returned || ret.Comment == "" {
			t.Fatalf("return: %+v %v", ret.State, err)
		}
		cr.Proposed.Name = "Babymassage (auch samstags 10–11 Uhr)"
		if err := e.s.SaveChange(ctx, ed.Scope(), actor(ed), ed.ID, &cr); err != nil || cr.State != workflow.Draft {
			t.Fatalf("edit after return: state %s, %v", cr.State, err)
		}
		if _, err := e.s.SubmitChange(ctx, ed.Scope(), actor(ed), cr.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
		done, err := e.s.ApproveChange(ctx, coord.Scope(), actor(coord), coord.ID, cr.ID)
		if err != nil || done.State != workflow.Approved {
			t.Fatalf("approve: %s %v", done.State, err)
		}
		got, err = e.s.GetOffer(ctx, tenant.Public(), public.ID)
		if err != nil || got.Name != "Babymassage (auch samstags 10–11 Uhr)" {
			t.Fatalf("after approval the public sees %q (%v)", got.Name, err)
		}
		if got.LastConfirmedAt == nil || !got.LastConfirmedAt.Equal(e.clock.Now()) {
			t.Fatalf("approval confirms the offer: %v", got.LastConfirmedAt)
		}

		// Every step is in the audit log.
		log, err := e.s.ListAudit(ctx, coord.Scope(), audit.Filter{Entity: "change_request", EntityID: cr.ID.String()})
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 6 { // created, submitted, returned, edited, submitted, approved
			t.Fatalf("change request has %d audit entries, want 6", len(log))
		}
		offerLog, _ := e.s.ListAudit(ctx, coord.Scope(), audit.Filter{Entity: "offer", EntityID: public.ID.String()})
		if len(offerLog) == 0 || offerLog[0].Actor != actor(coord).String() || offerLog[0].Action != audit.Update {
			t.Fatalf("newest offer entry: %+v", offerLog)
		}
	})
}

func TestNewOffersStartAsDraftsAndForeignTenantsSeeNoRequests(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		coord := e.coordinator(t, e.hn, "koordination@hannover.example", "")
		foreign := e.coordinator(t, e.bs, "koordination@braunschweig.example", "")
		ed := e.editor(t, e.hn, "redaktion@fz.example")
		o := e.hn.offer
		o.ID, o.Name = uuid.Nil, "Elterncafé"
		cr := workflow.ChangeRequest{Proposed: o}
		if err := e.s.SaveChange(ctx, ed.Scope(), actor(ed), ed.ID, &cr); err != nil {
			t.Fatal(err)
		}
		if cr.Kind != workflow.Create {
			t.Fatalf("kind %s, want create", cr.Kind)
		}
		if _, err := e.s.GetOffer(ctx, tenant.Public(), cr.OfferID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a draft is not public: %v", err)
		}
		if _, err := e.s.GetChange(ctx, foreign.Scope(), cr.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("foreign coordinator reads the request: %v, want not found", err)
		}
		if _, err := e.s.ApproveChange(ctx, foreign.Scope(), actor(foreign), foreign.ID, cr.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("foreign coordinator approves: %v, want not found", err)
		}
		list, err := e.s.ListChanges(ctx, foreign.Scope(), store.ChangeFilter{})
		if err != nil || len(list) != 0 {
			t.Fatalf("foreign list: %d, %v", len(list), err)
		}
		list, err = e.s.ListChanges(ctx, coord.Scope(), store.ChangeFilter{States: []workflow.State{workflow.Draft}})
		if err != nil || len(list) != 1 || list[0].AuthorName != ed.DisplayName {
			t.Fatalf("own list: %+v, %v", list, err)
		}
		// An editor proposing an offer of an organization that is not theirs is refused.
		other := e.hn.offer
		other.ID = uuid.Nil
		otherOrg := e.hn.org
		otherOrg.ID, otherOrg.Name = uuid.Nil, "Anderer Träger"
		if err := e.s.CreateOrganization(ctx, system, tester, &otherOrg); err != nil {
			t.Fatal(err)
		}
		other.OrganizationID = otherOrg.ID
		bad := workflow.ChangeRequest{Proposed: other}
		if err := e.s.SaveChange(ctx, ed.Scope(), actor(ed), ed.ID, &bad); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("editor proposing for a foreign organization: %v, want forbidden", err)
		}
		if _, err := e.s.ApproveChange(ctx, coord.Scope(), actor(coord), coord.ID, cr.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := e.s.GetOffer(ctx, tenant.Public(), cr.OfferID); err != nil || got.Name != "Elterncafé" {
			t.Fatalf("approved new offer: %q %v", got.Name, err)
		}
	})
}

func TestApprovingAChangeToAnOfferEditedMeanwhileIsAConflict(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		coord := e.coordinator(t, e.hn, "koordination@hannover.example", "")
		ed := e.editor(t, e.hn, "redaktion@fz.example")
		cr := workflow.ChangeRequest{Proposed: e.hn.offer}
		cr.Proposed.Description = "Neu"
		if err := e.s.SaveChange(ctx, ed.Scope(), actor(ed), ed.ID, &cr); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SubmitChange(ctx, ed.Scope(), actor(ed), cr.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		meanwhile := e.hn.offer
		meanwhile.Phone = "0511 123456"
		if err := e.s.UpdateOffer(ctx, coord.Scope(), actor(coord), &meanwhile); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.ApproveChange(ctx, coord.Scope(), actor(coord), coord.ID, cr.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("approve stale change: %v, want conflict", err)
		}
	})
}

func TestReviewersAndProgrammeOfficersReadButChangeNothing(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		for _, role := range []auth.Role{auth.Reviewer, auth.ProgrammeOfficer} {
			u := auth.User{Email: string(role) + "@hannover.example", DisplayName: string(role), Role: role, KommuneID: e.hn.kommune.ID}
			e.create(t, &u, "")
			if _, err := e.s.GetOffer(ctx, u.Scope(), e.hn.offer.ID); err != nil {
				t.Fatalf("%s reads an offer of the Kommune: %v", role, err)
			}
			o := e.hn.offer
			o.Name = "Geändert"
			if err := e.s.UpdateOffer(ctx, u.Scope(), actor(u), &o); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s updates an offer: %v, want forbidden", role, err)
			}
			cr := workflow.ChangeRequest{Proposed: o}
			if err := e.s.SaveChange(ctx, u.Scope(), actor(u), u.ID, &cr); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s proposes a change: %v, want forbidden", role, err)
			}
			inv := auth.Invitation{Email: "neu@hannover.example", Role: auth.Reviewer, KommuneID: e.hn.kommune.ID}
			if _, err := e.s.CreateInvitation(ctx, u.Scope(), actor(u), &inv, time.Hour); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s invites: %v, want forbidden", role, err)
			}
		}
	})
}

func TestAnArchivedOrganizationGetsNoActiveOffers(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		coord := e.coordinator(t, e.hn, "k@hannover.example", "")
		if _, err := e.s.ArchiveOrganization(ctx, coord.Scope(), actor(coord), e.hn.org.ID); err != nil {
			t.Fatal(err)
		}
		o := e.hn.offer
		o.Status = catalog.StatusActive
		if err := e.s.UpdateOffer(ctx, coord.Scope(), actor(coord), &o); !errs.Is(err, errs.Invalid) {
			t.Fatalf("reactivating an offer of an archived organization: %v, want invalid", err)
		}
		n := e.hn.offer
		n.ID, n.Name = uuid.Nil, "Neu"
		cr := workflow.ChangeRequest{Proposed: n}
		if err := e.s.SaveChange(ctx, coord.Scope(), actor(coord), coord.ID, &cr); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a new active offer of an archived organization: %v, want invalid", err)
		}
	})
}
