package demo

import (
	"context"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// Password is the password of every demo account. It is published in the README: demo accounts exist only
// with --demo, so a newcomer can try every role at once.
const Password = "kette-demo-2026"

// Account is a demo login.
type Account struct {
	Email string
	Role  auth.Role
	Where string // the Land or Kommune, for the listing
}

// Accounts creates one account per role (Land administration of Niedersachsen; the others in Hannover, the
// provider editor for the first two organizations there) unless they exist, and returns them all.
func Accounts(ctx context.Context, s *store.Store, params auth.Params) ([]Account, error) {
	hannover, err := s.GetKommuneByAGS(ctx, tenant.System(), GapHealthKommuneAGS)
	if err != nil {
		return nil, err
	}
	orgs, _, err := s.ListOrganizations(ctx, tenant.System(), store.OrganizationFilter{KommuneID: hannover.ID, Limit: 2})
	if err != nil {
		return nil, err
	}
	var orgIDs []uuid.UUID
	for _, o := range orgs {
		orgIDs = append(orgIDs, o.ID)
	}
	users := []auth.User{
		{Email: "land@demo.kette.example", DisplayName: "Demo Landesadministration", Role: auth.LandAdmin, LandCode: "03"},
		{Email: "koordination@demo.kette.example", DisplayName: "Demo Koordination Hannover", Role: auth.KommuneCoordinator, KommuneID: hannover.ID},
		{Email: "redaktion@demo.kette.example", DisplayName: "Demo Redaktion Einrichtung", Role: auth.ProviderEditor, KommuneID: hannover.ID, OrganizationIDs: orgIDs},
		{Email: "begutachtung@demo.kette.example", DisplayName: "Demo Begutachtung", Role: auth.Reviewer, KommuneID: hannover.ID},
		{Email: "foerderung@demo.kette.example", DisplayName: "Demo Förderprogramm", Role: auth.ProgrammeOfficer, KommuneID: hannover.ID},
	}
	var out []Account
	for _, u := range users {
		where := hannover.Name
		if u.Role == auth.LandAdmin {
			where = "Niedersachsen"
		}
		out = append(out, Account{Email: u.Email, Role: u.Role, Where: where})
		if _, err := s.GetUserByEmail(ctx, tenant.System(), u.Email); err == nil {
			continue
		} else if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		hash, err := params.Hash(Password)
		if err != nil {
			return nil, err
		}
		if err := s.CreateUser(ctx, tenant.System(), Actor, &u, hash); err != nil {
			return nil, err
		}
	}
	return out, nil
}
