package tenant

import (
	"testing"

	"github.com/google/uuid"
)

func TestOrganizationScopeLimitsChangesToItsOrganizations(t *testing.T) {
	k, mine, other := uuid.New(), uuid.New(), uuid.New()
	s := Organizations(k, mine)
	if s.Kind != KindKommune || s.KommuneID != k || !s.Limited() {
		t.Fatalf("organization scope: %+v", s)
	}
	if !s.MayChange(mine) || s.MayChange(other) {
		t.Fatalf("MayChange(mine)=%v MayChange(other)=%v, want true, false", s.MayChange(mine), s.MayChange(other))
	}
	if full := Kommune(k); full.Limited() || !full.MayChange(other) {
		t.Fatalf("a coordinator's scope is not limited: %+v", full)
	}
}
