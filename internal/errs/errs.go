// Package errs is Kette's one error type. Every error that reaches a door (web page or JSON API) is an *Error
// with a Code; the doors map the code to an HTTP status with HTTPStatus and show the user the German message
// from the i18n catalogue, never the wrapped internal error, which is only logged.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error for callers and for the HTTP mapping.
type Code string

// The codes Kette knows. They are also the "code" values of the JSON API's error bodies.
const (
	Invalid          Code = "invalid"            // input broke a rule: 422 with field errors
	BadRequest       Code = "bad_request"        // malformed request, e.g. an id that is no UUID: 400
	NotFound         Code = "not_found"          // absent or outside the caller's tenant: 404
	Conflict         Code = "conflict"           // unique key taken, stale version: 409
	Forbidden        Code = "forbidden"          // known caller, not allowed: 403
	Unauthenticated  Code = "unauthenticated"    // no or wrong credentials (login, bearer token): 401
	TooManyRequests  Code = "too_many_requests"  // throttled, e.g. too many failed logins: 429
	MethodNotAllowed Code = "method_not_allowed" // the path exists, the method does not: 405
	Unavailable      Code = "unavailable"        // a dependency such as the database is down or out of date: 503
	Internal         Code = "internal"           // a bug or an unexpected failure: 500
)

// FieldError names one field and what is wrong with it. Message is an i18n message id; Data fills its template.
type FieldError struct {
	Field   string         `json:"field"`
	Message string         `json:"message"`
	Data    map[string]any `json:"-"`
}

// Error is the error type of Kette.
type Error struct {
	Code    Code
	Message string // i18n message id for the user; empty means the default message of the code
	Fields  []FieldError
	Err     error // the cause, logged, never shown
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Message)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error with a code and a message id.
func E(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Wrap marks err as internal, keeping it as the logged cause. A nil err stays nil.
func Wrap(err error, context string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: Internal, Err: fmt.Errorf("%s: %w", context, err)}
}

// CodeOf returns the code of err; errors that are not *Error are internal.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as *Error, wrapping foreign errors as internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Err: err}
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// HTTPStatus is the one place where codes become HTTP status codes.
func HTTPStatus(code Code) int {
	switch code {
	case Invalid:
		return http.StatusUnprocessableEntity
	case BadRequest:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Forbidden:
		return http.StatusForbidden
	case Unauthenticated:
		return http.StatusUnauthorized
	case TooManyRequests:
		return http.StatusTooManyRequests
	case MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// DefaultMessage is the i18n message id shown for a code when the error names none.
func DefaultMessage(code Code) string { return "error." + string(code) }

// Validation collects field errors for one object; Err returns nil when none were added.
type Validation struct{ fields []FieldError }

// Add records a field error with an i18n message id and template data.
func (v *Validation) Add(field, message string, data map[string]any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: message, Data: data})
}

// Merge adds the field errors of err (if it is an invalid error) under a field prefix.
func (v *Validation) Merge(prefix string, err error) {
	var e *Error
	if errors.As(err, &e) && e.Code == Invalid {
		for _, f := range e.Fields {
			f.Field = prefix + f.Field
			v.fields = append(v.fields, f)
		}
	}
}

// Err returns an Invalid error listing the fields, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "error.invalid", Fields: v.fields}
}
