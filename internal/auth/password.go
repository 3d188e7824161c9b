package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/kette-org/kette/internal/errs"
)

// Params are the argon2id cost parameters. Hashes carry their parameters, so they can be raised at any time:
// Verify then reports that an old hash needs rehashing and the next login stores a new one.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams follow RFC 9106's second recommended option with less parallelism: 64 MiB, 3 passes.
func DefaultParams() Params {
	return Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}
}

// Limits on parameters read from a stored hash, so that a tampered row cannot make a login allocate
// gigabytes or spin for minutes.
const (
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 64
	maxKeyLen  = 128
	maxSaltLen = 64
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// maxPasswordLength keeps hashing cheap for absurd inputs.
const maxPasswordLength = 1024

var errMalformedHash = errors.New("malformed argon2id hash")

// Hash returns the argon2id hash of password in PHC string format:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash> (base64 without padding).
func (p Params) Hash(password string) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", errs.Wrap(err, "salt")
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify compares password with an encoded hash in constant time. needsRehash is true for a correct password
// whose hash was made with other parameters than p. A malformed hash is an internal error.
func (p Params) Verify(password, encoded string) (ok, needsRehash bool, err error) {
	stored, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, errs.Wrap(err, "verify password")
	}
	got := argon2.IDKey([]byte(password), salt, stored.Time, stored.Memory, stored.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, stored != p, nil
}

// decodeHash parses a PHC argon2id string; the returned Params describe how it was made.
func decodeHash(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errMalformedHash
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, threads) != parts[3] {
		return p, nil, nil, errMalformedHash
	}
	if p.Memory < 8 || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || threads < 1 || threads > 255 {
		return p, nil, nil, errMalformedHash
	}
	p.Threads = uint8(threads)
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > maxSaltLen {
		return p, nil, nil, errMalformedHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > maxKeyLen {
		return p, nil, nil, errMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// CheckPassword applies the password policy: at least MinPasswordLength characters and not the e-mail address.
// The errors name the field "password".
func CheckPassword(password, email string) error {
	var v errs.Validation
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		v.Add("password", "auth.validation.password_too_short", map[string]any{"Min": MinPasswordLength})
	case n > maxPasswordLength:
		v.Add("password", "validation.too_long", map[string]any{"Max": maxPasswordLength})
	case email != "" && strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		v.Add("password", "auth.validation.password_is_email", nil)
	}
	return v.Err()
}
