package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

	"github.com/kette-org/kette/internal/errs"
)

// Prefixes of the secrets handed out, so that a leaked one is recognisable (secret scanners, logs).
const (
	SessionPrefix    = "ks_"
	APITokenPrefix   = "kt_"
	InvitationPrefix = "ki_"
	ResetPrefix      = "kr_"
)

// Secret is a random token: Plain goes to the user once, only Hash is stored.
type Secret struct {
	Plain string
	Hash  string
}

// NewSecret returns 256 random bits from crypto/rand, URL-safe, with a prefix naming its kind.
func NewSecret(prefix string) (Secret, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Secret{}, errs.Wrap(err, "random secret")
	}
	plain := prefix + base64.RawURLEncoding.EncodeToString(b)
	return Secret{Plain: plain, Hash: HashSecret(plain)}, nil
}

// HashSecret is the stored form of a secret: hex SHA-256. A fast hash suffices because secrets are random
// and long; a database leak then yields nothing usable.
func HashSecret(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
