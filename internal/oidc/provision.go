package oidc

import (
	"context"
	"fmt"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// Store is what Provision needs; *store.Store implements it.
type Store interface {
	GetKommuneByAGS(ctx context.Context, scope tenant.Scope, ags string) (region.Kommune, error)
	ListLands(ctx context.Context) ([]region.Land, error)
	GetUserByEmail(ctx context.Context, scope tenant.Scope, email string) (auth.User, error)
	CreateUser(ctx context.Context, scope tenant.Scope, actor audit.Actor, u *auth.User, passwordHash string) error
	UpdateUser(ctx context.Context, scope tenant.Scope, actor audit.Actor, u *auth.User) error
}

// Actor is how single sign-on appears in the audit log when it creates or changes an account.
var Actor = audit.System("oidc")

// Provision returns the local account of a verified identity:
//   - no account with the e-mail address: one is created with the mapped role and scope and no password
//     (it logs in through the provider; a password can be set later by a reset link);
//   - an account exists: it is linked by its e-mail address. With id.SyncRole (Config.SyncRoles) its role and
//     Kommune or Land become the mapped ones when they differ (the provider's directory is authoritative;
//     organizations of a former provider editor are dropped); without, it keeps what the Kette administration
//     gave it. Name and e-mail are not changed: they may have been edited in Kette;
//   - a disabled account is refused: single sign-on does not reopen what an administrator closed.
//
// Both changes land in the audit log under Actor. The Kommune is looked up by AGS in the system scope.
func Provision(ctx context.Context, st Store, id Identity) (auth.User, error) {
	if err := id.valid(); err != nil {
		return auth.User{}, err
	}
	want, err := target(ctx, st, id)
	if err != nil {
		return auth.User{}, err
	}
	u, err := st.GetUserByEmail(ctx, tenant.System(), id.Email)
	if errs.Is(err, errs.NotFound) {
		u = want
		u.Email, u.DisplayName = id.Email, id.Name
		if u.DisplayName == "" {
			u.DisplayName = id.Email
		}
		err = st.CreateUser(ctx, tenant.System(), Actor, &u, "")
		if !errs.Is(err, errs.Conflict) {
			return u, err
		}
		// Two first logins at once: the other one created the account; link to it.
		u, err = st.GetUserByEmail(ctx, tenant.System(), id.Email)
	}
	if err != nil {
		return auth.User{}, err
	}
	if u.Disabled {
		return auth.User{}, errs.E(errs.Unauthenticated, "auth.error.disabled")
	}
	if !id.SyncRole || (u.Role == want.Role && u.KommuneID == want.KommuneID && u.LandCode == want.LandCode) {
		return u, nil
	}
	u.Role, u.KommuneID, u.LandCode, u.OrganizationIDs = want.Role, want.KommuneID, want.LandCode, nil
	if err := st.UpdateUser(ctx, tenant.System(), Actor, &u); err != nil {
		return auth.User{}, err
	}
	return u, nil
}

// target is the account's role and scope the mapping asks for, with the Kommune resolved.
func target(ctx context.Context, st Store, id Identity) (auth.User, error) {
	if id.Role == auth.LandAdmin {
		lands, err := st.ListLands(ctx)
		if err != nil {
			return auth.User{}, err
		}
		for _, l := range lands {
			if l.Code == id.LandCode {
				return auth.User{Role: id.Role, LandCode: id.LandCode}, nil
			}
		}
		return auth.User{}, &errs.Error{Code: errs.Forbidden, Message: "oidc.error.unknown_tenant",
			Err: fmt.Errorf("mapped Land %s does not exist", id.LandCode)}
	}
	k, err := st.GetKommuneByAGS(ctx, tenant.System(), id.KommuneAGS)
	if errs.Is(err, errs.NotFound) {
		return auth.User{}, &errs.Error{Code: errs.Forbidden, Message: "oidc.error.unknown_tenant",
			Err: fmt.Errorf("mapped Kommune %s does not exist", id.KommuneAGS)}
	}
	if err != nil {
		return auth.User{}, err
	}
	return auth.User{Role: id.Role, KommuneID: k.ID, LandCode: k.LandCode}, nil
}
