package auth

import (
	"time"

	"github.com/kette-org/kette/internal/errs"
)

// Attempt is one login attempt, recorded whether it succeeded, failed or was refused by throttling.
type Attempt struct {
	Email      string
	RemoteAddr string
	At         time.Time
	Success    bool
	Throttled  bool
}

// Throttle limits password guessing: failed attempts within Window are counted per account (since its last
// successful login) and per remote address; at the limit, further attempts are refused until older failures
// leave the window. Refused attempts are recorded but not counted, so the account opens again on its own.
type Throttle struct {
	Window     time.Duration
	PerAccount int
	PerAddress int
}

// DefaultThrottle allows 10 failures per account and 30 per address in 15 minutes.
func DefaultThrottle() Throttle {
	return Throttle{Window: 15 * time.Minute, PerAccount: 10, PerAddress: 30}
}

// Failures are the counts of failed attempts within the window.
type Failures struct {
	Account int
	Address int
}

// Check returns a too-many-requests error when either limit is reached.
func (t Throttle) Check(f Failures) error {
	if f.Account >= t.PerAccount || f.Address >= t.PerAddress {
		return &errs.Error{Code: errs.TooManyRequests, Message: "auth.error.throttled"}
	}
	return nil
}
