package store_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// fastParams keep the tests quick; hashing works the same as with the defaults.
var fastParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is the store's replaceable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// accountsEnv is a migrated store with a clock, two Kommunen and a login service.
type accountsEnv struct {
	s      *store.Store
	dsn    string
	clock  *clock
	bs, hn fixture // Braunschweig and Hannover
	svc    *auth.Service
}

// eachWithClock runs fn once per database like storetest.Each, with a store on a test clock.
func eachWithClock(t *testing.T, fn func(t *testing.T, e *accountsEnv)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := &accountsEnv{dsn: storetest.DSN(t, d), clock: &clock{t: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)}}
			e.s = openAt(t, e.dsn, e.clock)
			e.bs = seed(t, e.s, "03101000", "031010000000", 52.2689, 10.5268)
			e.hn = seed(t, e.s, "03241001", "032410001001", 52.3745, 9.7386)
			e.svc = &auth.Service{Store: e.s, Params: fastParams, Throttle: auth.DefaultThrottle(), SessionTTL: auth.SessionTTL}
			fn(t, e)
		})
	}
}

func openAt(t *testing.T, dsn string, c *clock) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, dsn, store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *accountsEnv) coordinator(t *testing.T, f fixture, email, password string) auth.User {
	t.Helper()
	u := auth.User{Email: email, DisplayName: "Koordination " + f.kommune.Name, Role: auth.KommuneCoordinator, KommuneID: f.kommune.ID}
	e.create(t, &u, password)
	return u
}

func (e *accountsEnv) create(t *testing.T, u *auth.User, password string) {
	t.Helper()
	var hash string
	if password != "" {
		var err error
		if hash, err = e.svc.HashPassword(password, u.Email); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.s.CreateUser(ctx, system, tester, u, hash); err != nil {
		t.Fatal(err)
	}
}

func fieldErrors(t *testing.T, err error, code errs.Code) map[string]string {
	t.Helper()
	e := errs.As(err)
	if e.Code != code {
		t.Fatalf("got %v, want code %s", err, code)
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		out[f.Field] = f.Message
	}
	return out
}

func TestInvalidUserIsRefusedWithGermanFieldErrorsAndNothingIsWritten(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		b, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		de := b.For("de")
		cases := []struct {
			user        auth.User
			field, want string
		}{
			{auth.User{Email: "anna(at)example.org", DisplayName: "Anna", Role: auth.Reviewer, KommuneID: e.bs.kommune.ID},
				"email", "E-Mail: „anna(at)example.org“ ist keine gültige E-Mail-Adresse."},
			{auth.User{Email: "anna@example.org", DisplayName: "Anna", Role: "chef", KommuneID: e.bs.kommune.ID},
				"role", "Rolle: „chef“ ist keine bekannte Rolle"},
			{auth.User{Email: "anna@example.org", DisplayName: "Anna", Role: auth.KommuneCoordinator},
				"kommune_id", "Kommune: Diese Rolle braucht eine Kommune."},
			{auth.User{Email: "anna@example.org", DisplayName: "Anna", Role: auth.KommuneCoordinator, KommuneID: uuid.New()},
				"kommune_id", "Kommune: Diese Kommune ist nicht bekannt."},
			{auth.User{Email: "anna@example.org", DisplayName: "Anna", Role: auth.ProviderEditor, KommuneID: e.bs.kommune.ID,
				OrganizationIDs: []uuid.UUID{e.hn.org.ID}}, "organization_ids", "Einrichtungen: Die Einrichtung " + e.hn.org.ID.String()},
		}
		for _, c := range cases {
			u := c.user
			err := e.s.CreateUser(ctx, system, tester, &u, "")
			var msg string
			for _, f := range errs.As(err).Fields {
				if f.Field == c.field {
					msg = de.FieldMessage(f)
				}
			}
			if !errs.Is(err, errs.Invalid) || !strings.HasPrefix(msg, c.want) {
				t.Errorf("%+v: got %v (%q), want %q", c.user, err, msg, c.want)
			}
		}
		users, err := e.s.ListUsers(ctx, system, store.UserFilter{})
		if err != nil || len(users) != 0 {
			t.Fatalf("after refused creates: %v %v, want no users", users, err)
		}
		entries, _ := e.s.ListAudit(ctx, system, audit.Filter{Entity: "user"})
		if len(entries) != 0 {
			t.Fatalf("refused creates were audited: %+v", entries)
		}
	})
}

func TestDuplicateEmailIsAConflictInAnyCase(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		e.coordinator(t, e.bs, "anna.schmidt@braunschweig.example", "")
		dup := auth.User{Email: "Anna.Schmidt@Braunschweig.EXAMPLE", DisplayName: "Anna", Role: auth.Reviewer, KommuneID: e.hn.kommune.ID}
		err := e.s.CreateUser(ctx, system, tester, &dup, "")
		if got := fieldErrors(t, err, errs.Conflict); got["email"] != "auth.validation.email_taken" {
			t.Fatalf("duplicate: %v", err)
		}
		got, err := e.s.GetUserByEmail(ctx, system, "ANNA.SCHMIDT@braunschweig.example")
		if err != nil || got.Email != "anna.schmidt@braunschweig.example" || got.KommuneID != e.bs.kommune.ID {
			t.Fatalf("lookup in another case: %+v %v", got, err)
		}
	})
}

func TestUsersAreScopedToTheirTenant(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		bsUser := e.coordinator(t, e.bs, "bs@example.org", "Passwort-Braunschweig")
		hnUser := e.coordinator(t, e.hn, "hn@example.org", "")
		admin := auth.User{Email: "land@example.org", DisplayName: "Land", Role: auth.LandAdmin, LandCode: "03"}
		e.create(t, &admin, "")
		editor := auth.User{Email: "fz@example.org", DisplayName: "FZ", Role: auth.ProviderEditor, KommuneID: e.bs.kommune.ID,
			OrganizationIDs: []uuid.UUID{e.bs.org.ID}}
		e.create(t, &editor, "")

		bsScope := bsUser.Scope()
		if _, err := e.s.GetUser(ctx, bsScope, hnUser.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Braunschweig reads Hannover's user: %v", err)
		}
		if _, err := e.s.GetUserByEmail(ctx, bsScope, "hn@example.org"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Braunschweig finds Hannover's user by e-mail: %v", err)
		}
		moved := hnUser
		moved.DisplayName = "Übernommen"
		if err := e.s.UpdateUser(ctx, bsScope, tester, &moved); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Braunschweig updates Hannover's user: %v", err)
		}
		if err := e.s.DisableUser(ctx, bsScope, tester, hnUser.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Braunschweig disables Hannover's user: %v", err)
		}
		intruder := auth.User{Email: "x@example.org", DisplayName: "X", Role: auth.Reviewer, KommuneID: e.hn.kommune.ID}
		if got := fieldErrors(t, e.s.CreateUser(ctx, bsScope, tester, &intruder, ""), errs.Invalid); got["kommune_id"] == "" {
			t.Fatalf("Braunschweig creates a user in Hannover: %v", got)
		}
		up := auth.User{Email: "y@example.org", DisplayName: "Y", Role: auth.LandAdmin, LandCode: "03"}
		if err := e.s.CreateUser(ctx, bsScope, tester, &up, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a coordinator creates a Land administrator: %v", err)
		}
		rev := auth.User{Email: "z@example.org", DisplayName: "Z", Role: auth.Reviewer, KommuneID: e.bs.kommune.ID}
		if err := e.s.CreateUser(ctx, editor.Scope(), tester, &rev, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a provider editor creates a user: %v", err)
		}

		for _, c := range []struct {
			name  string
			scope tenant.Scope
			want  []string
		}{
			{"Braunschweig", bsScope, []string{"bs@example.org", "fz@example.org"}},
			{"Hannover", hnUser.Scope(), []string{"hn@example.org"}},
			{"Land 03", admin.Scope(), []string{"bs@example.org", "fz@example.org", "hn@example.org", "land@example.org"}},
			{"Land 05", tenant.Land("05"), nil},
			{"public", tenant.Public(), nil},
		} {
			users, err := e.s.ListUsers(ctx, c.scope, store.UserFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range users {
				got = append(got, u.Email)
			}
			if !sameSet(got, c.want) {
				t.Errorf("%s lists %v, want %v", c.name, got, c.want)
			}
		}
		got, err := e.s.GetUser(ctx, bsScope, editor.ID)
		if err != nil || len(got.OrganizationIDs) != 1 || got.OrganizationIDs[0] != e.bs.org.ID || got.LandCode != "03" {
			t.Fatalf("editor read back: %+v %v", got, err)
		}
		entries, err := e.s.ListAudit(ctx, system, audit.Filter{Entity: "user", EntityID: bsUser.ID.String()})
		if err != nil || len(entries) != 1 || entries[0].Action != audit.Create {
			t.Fatalf("audit of the user: %+v %v", entries, err)
		}
		if a := string(entries[0].After); !strings.Contains(a, "bs@example.org") || strings.Contains(a, "argon2") || strings.Contains(a, "password") {
			t.Fatalf("audit after %s: want the account without its password hash", a)
		}
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestUpdateAndDisableAreAuditedAndEndSessions(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		u := e.coordinator(t, e.bs, "bs@example.org", "Passwort-Braunschweig")
		token, _, err := e.svc.Login(ctx, "bs@example.org", "Passwort-Braunschweig", "10.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		u.DisplayName = "Anna Schmidt"
		u.Role = auth.Reviewer
		if err := e.s.UpdateUser(ctx, tenant.Kommune(e.bs.kommune.ID), tester, &u); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.SessionUser(ctx, token); err != nil {
			t.Fatalf("session after a rename: %v", err)
		}
		if err := e.s.DisableUser(ctx, tenant.Kommune(e.bs.kommune.ID), tester, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.SessionUser(ctx, token); !errs.Is(err, errs.NotFound) {
			t.Fatalf("session of a disabled user: %v", err)
		}
		if _, _, err := e.svc.Login(ctx, "bs@example.org", "Passwort-Braunschweig", "10.0.0.1", "test"); errs.As(err).Message != "auth.error.disabled" {
			t.Fatalf("login of a disabled user: %v", err)
		}
		entries, _ := e.s.ListAudit(ctx, system, audit.Filter{Entity: "user", EntityID: u.ID.String()})
		if len(entries) != 3 || entries[0].Action != audit.Update {
			t.Fatalf("audit: %d entries, want create and two updates", len(entries))
		}
		var disabled, before, renamed auth.User
		for raw, v := range map[string]*auth.User{string(entries[0].After): &disabled, string(entries[1].Before): &before,
			string(entries[1].After): &renamed} {
			if err := json.Unmarshal([]byte(raw), v); err != nil {
				t.Fatal(err)
			}
		}
		if !disabled.Disabled || before.Role != auth.KommuneCoordinator || renamed.DisplayName != "Anna Schmidt" || renamed.Role != auth.Reviewer {
			t.Fatalf("audit: disabled %+v, before %+v, renamed %+v", disabled, before, renamed)
		}
	})
}

func TestSessionsSurviveReopeningTheStore(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		u := e.coordinator(t, e.bs, "bs@example.org", "")
		token, sess, err := e.s.CreateSession(ctx, u.ID, time.Hour, "Firefox")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sess.ID, token) || sess.ID != auth.HashSecret(token) {
			t.Fatalf("session id %q is not the hash of the token", sess.ID)
		}
		if err := e.s.Close(); err != nil {
			t.Fatal(err)
		}
		again := openAt(t, e.dsn, e.clock)
		got, user, err := again.SessionUser(ctx, token)
		if err != nil || user.ID != u.ID || got.UserAgent != "Firefox" || !got.ExpiresAt.Equal(e.clock.Now().Add(time.Hour)) {
			t.Fatalf("after reopening: %+v %+v %v", got, user, err)
		}
	})
}

func TestExpiredAndRevokedSessionsAreNotFound(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		u := e.coordinator(t, e.bs, "bs@example.org", "")
		short, _, _ := e.s.CreateSession(ctx, u.ID, time.Minute, "")
		one, _, _ := e.s.CreateSession(ctx, u.ID, time.Hour, "")
		two, _, _ := e.s.CreateSession(ctx, u.ID, time.Hour, "")
		three, _, _ := e.s.CreateSession(ctx, u.ID, time.Hour, "")
		if _, _, err := e.s.SessionUser(ctx, "ks_unknown"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		e.clock.Advance(2 * time.Minute)
		if _, _, err := e.s.SessionUser(ctx, short); !errs.Is(err, errs.NotFound) {
			t.Fatalf("expired session: %v", err)
		}
		if err := e.s.TouchSession(ctx, one); err != nil {
			t.Fatal(err)
		}
		got, _, err := e.s.SessionUser(ctx, one)
		if err != nil || !got.LastSeenAt.Equal(e.clock.Now()) {
			t.Fatalf("touched session: %+v %v", got, err)
		}
		if err := e.s.RevokeSession(ctx, one); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.SessionUser(ctx, one); !errs.Is(err, errs.NotFound) {
			t.Fatalf("revoked session: %v", err)
		}
		if _, _, err := e.s.SessionUser(ctx, two); err != nil {
			t.Fatalf("other session after revoking one: %v", err)
		}
		if err := e.s.RevokeUserSessions(ctx, tenant.Kommune(e.hn.kommune.ID), tester, u.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Hannover revokes Braunschweig's sessions: %v", err)
		}
		if err := e.s.RevokeUserSessions(ctx, u.Scope(), tester, u.ID); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{two, three} {
			if _, _, err := e.s.SessionUser(ctx, tok); !errs.Is(err, errs.NotFound) {
				t.Fatalf("session after revoking all: %v", err)
			}
		}
	})
}

func TestAPITokensLookUpTheirUserAndCanBeRevoked(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		u := e.coordinator(t, e.bs, "bs@example.org", "")
		if _, _, err := e.s.CreateAPIToken(ctx, tenant.Kommune(e.hn.kommune.ID), tester, u.ID, "Fremd"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("token for another Kommune's user: %v", err)
		}
		colleague := e.coordinator(t, e.bs, "kollegin@example.org", "")
		if _, _, err := e.s.CreateAPIToken(ctx, colleague.Scope(), actor(colleague), u.ID, "Fremd"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("token made for a colleague: %v, want forbidden (it would act as them)", err)
		}
		plain, tok, err := e.s.CreateAPIToken(ctx, u.Scope(), actor(u), u.ID, "Familienportal")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(plain, auth.APITokenPrefix) {
			t.Fatalf("token %q", plain)
		}
		got, user, err := e.s.APITokenUser(ctx, plain)
		if err != nil || got.ID != tok.ID || user.ID != u.ID || got.LastUsedAt == nil {
			t.Fatalf("lookup: %+v %+v %v", got, user, err)
		}
		if user.Scope().KommuneID != e.bs.kommune.ID {
			t.Fatalf("token acts in %+v", user.Scope())
		}
		if _, _, err := e.s.APITokenUser(ctx, plain+"x"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("wrong token: %v", err)
		}
		if err := e.s.RevokeAPIToken(ctx, tenant.Kommune(e.hn.kommune.ID), tester, tok.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Hannover revokes Braunschweig's token: %v", err)
		}
		if err := e.s.RevokeAPIToken(ctx, u.Scope(), actor(u), tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.APITokenUser(ctx, plain); !errs.Is(err, errs.NotFound) {
			t.Fatalf("revoked token: %v", err)
		}
		list, err := e.s.ListAPITokens(ctx, u.Scope(), u.ID)
		if err != nil || len(list) != 1 || list[0].RevokedAt == nil {
			t.Fatalf("list: %+v %v", list, err)
		}
		entries, _ := e.s.ListAudit(ctx, system, audit.Filter{Entity: "api_token"})
		for _, en := range entries {
			if strings.Contains(string(en.After), plain) || strings.Contains(string(en.After), auth.HashSecret(plain)) {
				t.Fatalf("audit holds the token: %s", en.After)
			}
		}
		if len(entries) != 2 {
			t.Fatalf("audit entries of the token: %d, want create and revoke", len(entries))
		}
	})
}

func TestTenWrongPasswordsThrottleTheAccountUntilTheWindowPasses(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		e.coordinator(t, e.bs, "bs@example.org", "Richtiges-Passwort")
		for i := range 10 {
			if _, _, err := e.svc.Login(ctx, "bs@example.org", "falsch-falsch", "10.0.0.1", "test"); errs.As(err).Message != "auth.error.login_failed" ||
				!errs.Is(err, errs.Unauthenticated) {
				t.Fatalf("wrong password %d: %v", i+1, err)
			}
			e.clock.Advance(time.Second)
		}
		_, _, err := e.svc.Login(ctx, "BS@example.org", "Richtiges-Passwort", "10.0.0.2", "test")
		if !errs.Is(err, errs.TooManyRequests) || errs.As(err).Message != "auth.error.throttled" {
			t.Fatalf("11th attempt with the right password: %v, want throttled", err)
		}
		b, _ := i18n.New()
		if msg := b.For("de").ErrorMessage(err); !strings.HasPrefix(msg, "Zu viele Anmeldeversuche") {
			t.Fatalf("German message %q", msg)
		}
		attempts, err := e.s.LoginAttempts(ctx, "bs@example.org", 50)
		if err != nil || len(attempts) != 11 || !attempts[0].Throttled || attempts[0].Success || attempts[1].Throttled || attempts[1].Success {
			t.Fatalf("recorded attempts: %+v %v", attempts, err)
		}
		// Refused attempts do not extend the lock: once the failures are older than the window, the right password works.
		e.clock.Advance(15 * time.Minute)
		token, u, err := e.svc.Login(ctx, "bs@example.org", "Richtiges-Passwort", "10.0.0.2", "test")
		if err != nil || u.Email != "bs@example.org" {
			t.Fatalf("right password after the window: %v", err)
		}
		if _, su, err := e.s.SessionUser(ctx, token); err != nil || su.ID != u.ID {
			t.Fatalf("session of the login: %v", err)
		}
		// A success starts the count for the account anew.
		if _, _, err := e.svc.Login(ctx, "bs@example.org", "falsch-falsch", "10.0.0.2", "test"); !errs.Is(err, errs.Unauthenticated) {
			t.Fatalf("one failure after a success: %v", err)
		}
	})
}

func TestThirtyFailuresFromOneAddressThrottleIt(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		e.coordinator(t, e.bs, "bs@example.org", "Richtiges-Passwort")
		for i := range 30 {
			if _, _, err := e.svc.Login(ctx, "nobody"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.org", "irgendwas-1", "192.0.2.7", ""); !errs.Is(err, errs.Unauthenticated) {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		if _, _, err := e.svc.Login(ctx, "bs@example.org", "Richtiges-Passwort", "192.0.2.7", ""); !errs.Is(err, errs.TooManyRequests) {
			t.Fatalf("31st attempt from the address: %v, want throttled", err)
		}
		if _, _, err := e.svc.Login(ctx, "bs@example.org", "Richtiges-Passwort", "192.0.2.8", ""); err != nil {
			t.Fatalf("same account from another address: %v", err)
		}
	})
}

func TestLoginUpgradesAnOutdatedHash(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		e.coordinator(t, e.bs, "bs@example.org", "Richtiges-Passwort")
		e.svc.Params.Time = 2
		if _, _, err := e.svc.Login(ctx, "bs@example.org", "Richtiges-Passwort", "", ""); err != nil {
			t.Fatal(err)
		}
		_, hash, err := e.s.UserForLogin(ctx, "bs@example.org")
		if err != nil || !strings.Contains(hash, "t=2,") {
			t.Fatalf("hash after login with raised parameters: %q %v", hash, err)
		}
	})
}

func TestInvitationCreatesTheInvitedAccountOnce(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		coord := e.coordinator(t, e.bs, "bs@example.org", "")
		inv := auth.Invitation{Email: "Editor@FZ-Mitte.example", Role: auth.ProviderEditor, KommuneID: e.bs.kommune.ID,
			OrganizationIDs: []uuid.UUID{e.bs.org.ID}, InvitedBy: coord.ID}
		foreign := inv
		foreign.KommuneID, foreign.OrganizationIDs = e.hn.kommune.ID, []uuid.UUID{e.hn.org.ID}
		if _, err := e.s.CreateInvitation(ctx, coord.Scope(), tester, &foreign, auth.InvitationTTL); !errs.Is(err, errs.Invalid) {
			t.Fatalf("invitation into Hannover by Braunschweig: %v", err)
		}
		token, err := e.s.CreateInvitation(ctx, coord.Scope(), tester, &inv, auth.InvitationTTL)
		if err != nil {
			t.Fatal(err)
		}
		if got := fieldErrors(t, errOnly(e.svc.AcceptInvitation(ctx, token, "Eva Editor", "kurz")), errs.Invalid); got["password"] == "" {
			t.Fatalf("short password accepted: %v", got)
		}
		u, err := e.svc.AcceptInvitation(ctx, token, "Eva Editor", "Familienzentrum-2026")
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "editor@fz-mitte.example" || u.Role != auth.ProviderEditor || u.KommuneID != e.bs.kommune.ID ||
			len(u.OrganizationIDs) != 1 || u.OrganizationIDs[0] != e.bs.org.ID || u.DisplayName != "Eva Editor" {
			t.Fatalf("invited user: %+v", u)
		}
		if s := u.Scope(); !s.MayChange(e.bs.org.ID) || s.MayChange(uuid.New()) {
			t.Fatalf("scope of the invited editor: %+v", s)
		}
		if _, err := e.svc.AcceptInvitation(ctx, token, "Noch mal", "Familienzentrum-2027"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("second use: %v", err)
		}
		if _, err := e.s.AcceptInvitation(ctx, token, "Noch mal", "x"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("second use in the store: %v", err)
		}
		if _, _, err := e.svc.Login(ctx, "editor@fz-mitte.example", "Familienzentrum-2026", "", ""); err != nil {
			t.Fatalf("login of the invited user: %v", err)
		}
		again := auth.Invitation{Email: "editor@fz-mitte.example", Role: auth.Reviewer, KommuneID: e.bs.kommune.ID}
		if _, err := e.s.CreateInvitation(ctx, coord.Scope(), tester, &again, time.Hour); !errs.Is(err, errs.Conflict) {
			t.Fatalf("invitation of an existing account: %v", err)
		}
		late := auth.Invitation{Email: "late@example.org", Role: auth.Reviewer, KommuneID: e.bs.kommune.ID}
		lateToken, err := e.s.CreateInvitation(ctx, coord.Scope(), tester, &late, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(2 * time.Hour)
		if _, err := e.svc.AcceptInvitation(ctx, lateToken, "Spät", "Familienzentrum-2026"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("expired invitation: %v", err)
		}
	})
}

func errOnly(_ auth.User, err error) error { return err }

func TestPasswordResetWorksOnceAndEndsSessions(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		e.coordinator(t, e.bs, "bs@example.org", "Altes-Passwort")
		session, _, err := e.svc.Login(ctx, "bs@example.org", "Altes-Passwort", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.CreatePasswordReset(ctx, audit.System("test"), "unknown@example.org", auth.ResetTTL); !errs.Is(err, errs.NotFound) {
			t.Fatalf("reset for an unknown address: %v", err)
		}
		token, u, err := e.s.CreatePasswordReset(ctx, audit.System("test"), "BS@example.org", auth.ResetTTL)
		if err != nil || u.Email != "bs@example.org" {
			t.Fatalf("reset: %v", err)
		}
		if _, err := e.svc.ResetPassword(ctx, token, "bs@example.org"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("e-mail as new password: %v", err)
		}
		if _, err := e.svc.ResetPassword(ctx, token, "Neues-Passwort"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ResetPassword(ctx, token, "Drittes-Passwort"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("second use: %v", err)
		}
		if _, _, err := e.s.SessionUser(ctx, session); !errs.Is(err, errs.NotFound) {
			t.Fatalf("session from before the reset: %v", err)
		}
		if _, _, err := e.svc.Login(ctx, "bs@example.org", "Altes-Passwort", "", ""); !errs.Is(err, errs.Unauthenticated) {
			t.Fatalf("old password: %v", err)
		}
		if _, _, err := e.svc.Login(ctx, "bs@example.org", "Neues-Passwort", "", ""); err != nil {
			t.Fatalf("new password: %v", err)
		}
		expired, _, _ := e.s.CreatePasswordReset(ctx, audit.System("test"), "bs@example.org", auth.ResetTTL)
		e.clock.Advance(auth.ResetTTL + time.Second)
		if _, err := e.svc.ResetPassword(ctx, expired, "Viertes-Passwort"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("expired link: %v", err)
		}
		entries, _ := e.s.ListAudit(ctx, system, audit.Filter{Entity: "user", EntityID: u.ID.String()})
		for _, en := range entries {
			if strings.Contains(string(en.After), "argon2") {
				t.Fatalf("audit holds a password hash: %s", en.After)
			}
		}
	})
}
