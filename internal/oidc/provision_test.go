package oidc

import (
	"context"
	"testing"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var setup = audit.System("test")

// twoKommunen stores Niedersachsen with Hannover and Braunschweig.
func twoKommunen(t *testing.T, s *store.Store) (hannover, braunschweig region.Kommune) {
	t.Helper()
	ctx := context.Background()
	if err := s.UpsertLand(ctx, setup, region.Land{Code: "03", Name: "Niedersachsen"}); err != nil {
		t.Fatal(err)
	}
	hannover = region.Kommune{AGS: "03241001", ARS: "032410001001", Name: "Region Hannover", Type: region.TypeRegion, LandCode: "03"}
	braunschweig = region.Kommune{AGS: "03101000", ARS: "031010000000", Name: "Braunschweig", Type: region.TypeKreisfreieStadt, LandCode: "03"}
	for _, k := range []*region.Kommune{&hannover, &braunschweig} {
		if err := s.CreateKommune(ctx, setup, k); err != nil {
			t.Fatal(err)
		}
	}
	return hannover, braunschweig
}

func coordinator(email, ags string, sync bool) Identity {
	return Identity{Issuer: "https://login.example", Subject: "sub-" + email, Email: email, EmailVerified: true,
		Name: "Anna Schmidt", Role: auth.KommuneCoordinator, KommuneAGS: ags, SyncRole: sync}
}

func TestProvisionCreatesAnAccountWithoutPasswordOnceAndLinksItAfterwards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		hannover, _ := twoKommunen(t, s)
		id := coordinator("anna.schmidt@hannover.example", hannover.AGS, true)

		u, err := Provision(ctx, s, id)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != id.Email || u.DisplayName != "Anna Schmidt" || u.Role != auth.KommuneCoordinator ||
			u.KommuneID != hannover.ID || u.LandCode != "03" || u.Disabled {
			t.Fatalf("created %+v", u)
		}
		stored, hash, err := s.UserForLogin(ctx, id.Email)
		if err != nil || stored.ID != u.ID || hash != "" {
			t.Fatalf("stored account %+v with hash %q: %v — want the same account without password", stored, hash, err)
		}
		// The account acts in Hannover only.
		if sc := stored.Scope(); sc.Kind != tenant.KindKommune || sc.KommuneID != hannover.ID {
			t.Fatalf("scope %+v", sc)
		}

		again, err := Provision(ctx, s, id)
		if err != nil || again.ID != u.ID {
			t.Fatalf("second login: %+v %v, want the same account", again, err)
		}
		all, err := s.ListUsers(ctx, tenant.System(), store.UserFilter{})
		if err != nil || len(all) != 1 {
			t.Fatalf("accounts after two logins: %d %v", len(all), err)
		}
		entries, err := s.ListAudit(ctx, tenant.System(), audit.Filter{Entity: "user"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != audit.Create || entries[0].Actor != Actor.String() {
			t.Fatalf("audit log %+v, want one creation by %s", entries, Actor)
		}
	})
}

func TestProvisionSyncsRoleAndScopeOfAnExistingAccountOnlyWhenConfigured(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		hannover, braunschweig := twoKommunen(t, s)
		local := auth.User{Email: "b.meyer@braunschweig.example", DisplayName: "Birte Meyer (Jugendamt)", Role: auth.Reviewer,
			KommuneID: hannover.ID}
		if err := s.CreateUser(ctx, tenant.System(), setup, &local, "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$a2V5"); err != nil {
			t.Fatal(err)
		}
		id := coordinator("B.Meyer@Braunschweig.example", braunschweig.AGS, false)
		id.Email = auth.NormalizeEmail(id.Email)

		kept, err := Provision(ctx, s, id)
		if err != nil || kept.ID != local.ID || kept.Role != auth.Reviewer || kept.KommuneID != hannover.ID {
			t.Fatalf("without sync: %+v %v, want the local account unchanged", kept, err)
		}

		id.SyncRole = true
		synced, err := Provision(ctx, s, id)
		if err != nil || synced.ID != local.ID || synced.Role != auth.KommuneCoordinator || synced.KommuneID != braunschweig.ID {
			t.Fatalf("with sync: %+v %v, want the mapped role in Braunschweig", synced, err)
		}
		stored, hash, err := s.UserForLogin(ctx, id.Email)
		if err != nil || stored.Role != auth.KommuneCoordinator || stored.KommuneID != braunschweig.ID ||
			stored.DisplayName != "Birte Meyer (Jugendamt)" || hash == "" {
			t.Fatalf("stored %+v hash %q: %v — want new role, the name and password kept", stored, hash, err)
		}
		// Nothing changes when the mapping already matches: no empty audit entries at every login.
		before, _ := s.ListAudit(ctx, tenant.System(), audit.Filter{Entity: "user"})
		if _, err := Provision(ctx, s, id); err != nil {
			t.Fatal(err)
		}
		after, _ := s.ListAudit(ctx, tenant.System(), audit.Filter{Entity: "user"})
		if len(after) != len(before) {
			t.Fatalf("an unchanged login wrote %d audit entries", len(after)-len(before))
		}
	})
}

func TestProvisionRefusesDisabledAccountsUnknownTenantsAndUnmappedIdentities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		hannover, _ := twoKommunen(t, s)
		closed := auth.User{Email: "gesperrt@hannover.example", DisplayName: "Gesperrt", Role: auth.KommuneCoordinator, KommuneID: hannover.ID}
		if err := s.CreateUser(ctx, tenant.System(), setup, &closed, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.DisableUser(ctx, tenant.System(), setup, closed.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := Provision(ctx, s, coordinator(closed.Email, hannover.AGS, true)); !errs.Is(err, errs.Unauthenticated) ||
			errs.As(err).Message != "auth.error.disabled" {
			t.Errorf("disabled account: %v", err)
		}
		if u, _ := s.GetUser(ctx, tenant.System(), closed.ID); !u.Disabled {
			t.Error("single sign-on reopened a disabled account")
		}

		if _, err := Provision(ctx, s, coordinator("neu@oldenburg.example", "03403000", true)); !errs.Is(err, errs.Forbidden) ||
			errs.As(err).Message != "oidc.error.unknown_tenant" {
			t.Errorf("Kommune not in Kette: %v", err)
		}
		land := Identity{Email: "land@nrw.example", EmailVerified: true, Name: "NRW", Role: auth.LandAdmin, LandCode: "05"}
		if _, err := Provision(ctx, s, land); errs.As(err).Message != "oidc.error.unknown_tenant" {
			t.Errorf("Land not in Kette: %v", err)
		}

		unverified := coordinator("x@hannover.example", hannover.AGS, true)
		unverified.EmailVerified = false
		noRole := coordinator("y@hannover.example", hannover.AGS, true)
		noRole.Role = ""
		editor := coordinator("z@hannover.example", hannover.AGS, true)
		editor.Role = auth.ProviderEditor
		for _, id := range []Identity{unverified, noRole, editor} {
			if _, err := Provision(ctx, s, id); !errs.Is(err, errs.Unauthenticated) {
				t.Errorf("%+v: %v", id, err)
			}
		}
		all, _ := s.ListUsers(ctx, tenant.System(), store.UserFilter{})
		if len(all) != 1 {
			t.Fatalf("refused logins created accounts: %d", len(all))
		}
	})
}

func TestProvisionMakesALandAdministrator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		twoKommunen(t, s)
		u, err := Provision(context.Background(), s, Identity{Email: "lena@niedersachsen.example", EmailVerified: true,
			Name: "Lena Land", Role: auth.LandAdmin, LandCode: "03"})
		if err != nil || u.Role != auth.LandAdmin || u.LandCode != "03" || u.Scope().Kind != tenant.KindLand {
			t.Fatalf("%+v %v", u, err)
		}
	})
}
