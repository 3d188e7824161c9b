package auth

import (
	"time"

	"github.com/google/uuid"
)

// Session is a login in the database: its ID is the hash of the cookie token, so it survives restarts, is
// shared by every instance and can be revoked.
type Session struct {
	ID         string    `json:"-"`
	UserID     uuid.UUID `json:"user_id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
	Revoked    bool      `json:"revoked"`
}

// APIToken is a bearer token of an integration, acting with the scope of its user.
type APIToken struct {
	ID         uuid.UUID  `json:"id"`
	UserID     uuid.UUID  `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Invitation lets the invited person create their own account with the role and scope chosen by the inviter.
type Invitation struct {
	ID              uuid.UUID   `json:"id"`
	Email           string      `json:"email"`
	Role            Role        `json:"role"`
	LandCode        string      `json:"land_code,omitempty"`
	KommuneID       uuid.UUID   `json:"kommune_id,omitzero"`
	OrganizationIDs []uuid.UUID `json:"organization_ids,omitempty"`
	InvitedBy       uuid.UUID   `json:"invited_by,omitzero"`
	CreatedAt       time.Time   `json:"created_at"`
	ExpiresAt       time.Time   `json:"expires_at"`
	UsedAt          *time.Time  `json:"used_at,omitempty"`
}

// User is the account the invitation will create, without display name.
func (inv Invitation) User() User {
	return User{Email: inv.Email, Role: inv.Role, LandCode: inv.LandCode, KommuneID: inv.KommuneID,
		OrganizationIDs: inv.OrganizationIDs}
}

// Validate checks the invitation like the account it will create.
func (inv Invitation) Validate() error {
	u := inv.User()
	u.DisplayName = "-" // chosen by the invited person when accepting
	return u.Validate()
}

// Lifetimes of the secrets.
const (
	SessionTTL    = 12 * time.Hour
	InvitationTTL = 7 * 24 * time.Hour
	ResetTTL      = time.Hour
)
