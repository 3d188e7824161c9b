package auth

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/tenant"
)

// fast keeps the tests quick; the format and the comparison are the same as with DefaultParams.
var fast = Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	e := errs.As(err)
	if e.Code != errs.Invalid {
		t.Fatalf("got %v, want an invalid error", err)
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		out[f.Field] = f.Message
	}
	return out
}

func TestValidateNamesTheFields(t *testing.T) {
	k := uuid.New()
	cases := []struct {
		name string
		user User
		want map[string]string
	}{
		{"bad e-mail", User{Email: "no-at-sign", DisplayName: "A", Role: KommuneCoordinator, KommuneID: k},
			map[string]string{"email": "validation.email"}},
		{"unknown role", User{Email: "a@example.org", DisplayName: "A", Role: "king", KommuneID: k},
			map[string]string{"role": "auth.validation.role"}},
		{"coordinator without Kommune", User{Email: "a@example.org", DisplayName: "A", Role: KommuneCoordinator},
			map[string]string{"kommune_id": "auth.validation.kommune_required"}},
		{"Land admin without Land", User{Email: "a@example.org", DisplayName: "A", Role: LandAdmin},
			map[string]string{"land_code": "auth.validation.land_required"}},
		{"editor without organizations", User{Email: "a@example.org", DisplayName: "A", Role: ProviderEditor, KommuneID: k},
			map[string]string{"organization_ids": "auth.validation.organizations_required"}},
		{"reviewer with organizations", User{Email: "a@example.org", DisplayName: "A", Role: Reviewer, KommuneID: k,
			OrganizationIDs: []uuid.UUID{uuid.New()}}, map[string]string{"organization_ids": "auth.validation.organizations_only_editor"}},
		{"no name", User{Email: "a@example.org", Role: Reviewer, KommuneID: k}, map[string]string{"display_name": "validation.required"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fields(t, c.user.Validate())
			for f, msg := range c.want {
				if got[f] != msg {
					t.Errorf("field %s: got %q, want %q (all: %v)", f, got[f], msg, got)
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("got fields %v, want only %v", got, c.want)
			}
		})
	}
	ok := User{Email: "a@example.org", DisplayName: "A", Role: LandAdmin, LandCode: "03"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid Land admin: %v", err)
	}
}

func TestNormalizeLowersTheEmailAndDropsDuplicateOrganizations(t *testing.T) {
	o := uuid.New()
	u := User{Email: "  Anna.Schmidt@Example.ORG ", OrganizationIDs: []uuid.UUID{o, o}}
	u.Normalize()
	if u.Email != "anna.schmidt@example.org" || len(u.OrganizationIDs) != 1 {
		t.Fatalf("normalised: %+v", u)
	}
}

func TestScopeFollowsTheRole(t *testing.T) {
	k, o := uuid.New(), uuid.New()
	if s := (User{Role: LandAdmin, LandCode: "03"}).Scope(); s.Kind != tenant.KindLand || s.LandCode != "03" {
		t.Errorf("Land admin: %+v", s)
	}
	for _, r := range []Role{KommuneCoordinator, Reviewer, ProgrammeOfficer} {
		if s := (User{Role: r, KommuneID: k}).Scope(); s.Kind != tenant.KindKommune || s.KommuneID != k || s.Limited() {
			t.Errorf("%s: %+v", r, s)
		}
	}
	s := User{Role: ProviderEditor, KommuneID: k, OrganizationIDs: []uuid.UUID{o}}.Scope()
	if s.Kind != tenant.KindKommune || s.KommuneID != k || !s.MayChange(o) || s.MayChange(uuid.New()) {
		t.Errorf("provider editor: %+v", s)
	}
	if s := (User{Role: KommuneCoordinator, KommuneID: k, Disabled: true}).Scope(); s.Kind != 0 {
		t.Errorf("disabled user acts with %+v, want the zero scope", s)
	}
}

func TestPasswordHashVerifiesAndRejects(t *testing.T) {
	h, err := fast.Hash("Kinderschutz2026!")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	if h2, _ := fast.Hash("Kinderschutz2026!"); h2 == h {
		t.Fatal("two hashes of one password are equal: no random salt")
	}
	if ok, rehash, err := fast.Verify("Kinderschutz2026!", h); !ok || rehash || err != nil {
		t.Fatalf("right password: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if ok, _, err := fast.Verify("kinderschutz2026!", h); ok || err != nil {
		t.Fatalf("wrong password: ok=%v err=%v", ok, err)
	}
	// A changed hash byte makes the right password fail; a broken format is an internal error.
	parts := strings.Split(h, "$")
	key := []byte(parts[5])
	key[3] = map[bool]byte{true: 'B', false: 'A'}[key[3] == 'A']
	parts[5] = string(key)
	if ok, _, _ := fast.Verify("Kinderschutz2026!", strings.Join(parts, "$")); ok {
		t.Fatal("tampered hash accepted")
	}
	for _, bad := range []string{"", "plain", strings.Replace(h, "argon2id", "argon2i", 1), strings.Replace(h, "m=1024", "m=99999999", 1),
		strings.Replace(h, "v=19", "v=16", 1)} {
		if ok, _, err := fast.Verify("Kinderschutz2026!", bad); ok || !errs.Is(err, errs.Internal) {
			t.Errorf("malformed %q: ok=%v err=%v", bad, ok, err)
		}
	}
	stronger := fast
	stronger.Time = 2
	if ok, rehash, err := stronger.Verify("Kinderschutz2026!", h); !ok || !rehash || err != nil {
		t.Fatalf("raised parameters: ok=%v rehash=%v err=%v, want ok and rehash", ok, rehash, err)
	}
}

func TestPasswordPolicy(t *testing.T) {
	if got := fields(t, CheckPassword("kurz", "a@example.org")); got["password"] != "auth.validation.password_too_short" {
		t.Errorf("short: %v", got)
	}
	if got := fields(t, CheckPassword("Anna@Example.org", "anna@example.org")); got["password"] != "auth.validation.password_is_email" {
		t.Errorf("e-mail as password: %v", got)
	}
	if err := CheckPassword("zehn Zeichen", "anna@example.org"); err != nil {
		t.Errorf("good password: %v", err)
	}
	if err := CheckPassword("ääääääääää", ""); err != nil {
		t.Errorf("ten umlauts are ten characters: %v", err)
	}
}

func TestSecretsAreRandomAndStoredHashed(t *testing.T) {
	a, err := NewSecret(APITokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret(APITokenPrefix)
	if a.Plain == b.Plain || !strings.HasPrefix(a.Plain, "kt_") || len(a.Plain) < 40 {
		t.Fatalf("secrets %q %q", a.Plain, b.Plain)
	}
	if a.Hash != HashSecret(a.Plain) || len(a.Hash) != 64 || strings.Contains(a.Hash, a.Plain) {
		t.Fatalf("hash %q of %q", a.Hash, a.Plain)
	}
}

func TestThrottleLimits(t *testing.T) {
	th := DefaultThrottle()
	if err := th.Check(Failures{Account: 9, Address: 29}); err != nil {
		t.Fatalf("below the limits: %v", err)
	}
	for _, f := range []Failures{{Account: 10}, {Address: 30}} {
		if err := th.Check(f); !errs.Is(err, errs.TooManyRequests) || errs.As(err).Message != "auth.error.throttled" {
			t.Errorf("%+v: %v", f, err)
		}
	}
}

func TestMessagesExistInGermanAndEnglish(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"auth.error.throttled", "auth.error.login_failed", "auth.error.disabled", "auth.error.email_taken",
		"auth.validation.email_taken", "auth.validation.role", "auth.validation.land_required", "auth.validation.no_kommune",
		"auth.validation.kommune_required", "auth.validation.organizations_required", "auth.validation.organizations_only_editor",
		"auth.validation.unknown_land", "auth.validation.unknown_kommune", "auth.validation.unknown_organization",
		"auth.validation.password_too_short", "auth.validation.password_is_email", "auth.validation.passwords_differ",
		"auth.validation.organization_id", "error.unauthenticated", "error.too_many_requests", "error.not_found_user",
		"error.not_found_session", "error.not_found_api_token", "error.not_found_invitation", "error.not_found_password_reset",
		"field.display_name", "field.role", "field.kommune_id", "field.organization_ids", "field.password"}
	for _, r := range Roles() {
		ids = append(ids, r.LabelID())
	}
	for _, lang := range []string{"de", "en"} {
		for _, id := range ids {
			if !b.Has(lang, id) {
				t.Errorf("%s: message %s missing", lang, id)
			}
		}
	}
	if got := b.For("de").T(KommuneCoordinator.LabelID()); got != "Koordination Kommune" {
		t.Errorf("German label: %q", got)
	}
	if got := b.For("de").T("auth.error.throttled"); !strings.HasPrefix(got, "Zu viele Anmeldeversuche") {
		t.Errorf("throttled: %q", got)
	}
	if !slices.Contains(Roles(), ProgrammeOfficer) || Role("x").Valid() {
		t.Error("roles")
	}
}
