package neo4jstore

import (
	"errors"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/bif-kk/orggraph/internal/domain"
)

// Error is a failed store operation. Its text names the operation and the
// domain error only; the driver's own error stays reachable through
// errors.As for logs, never in what a client is shown.
type Error struct {
	Op     string
	Domain error // a domain sentinel
	Cause  error // the driver's error
}

func (e *Error) Error() string { return "neo4jstore: " + e.Op + ": " + e.Domain.Error() }

// Unwrap lets errors.Is find both the domain sentinel and, for context
// deadlines, the context error.
func (e *Error) Unwrap() []error { return []error{e.Domain, e.Cause} }

// wrap classifies a driver error. Anything that is not clearly the caller's
// fault or a conflict means the store could not answer now.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ne *neo4j.Neo4jError
	switch {
	case errors.Is(err, domain.ErrNotFound), errors.Is(err, domain.ErrInvalidInput), errors.Is(err, domain.ErrConflict),
		errors.Is(err, domain.ErrKeyReused):
		return err // already a domain answer
	case errors.As(err, &ne) && ne.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
		return &Error{Op: op, Domain: domain.ErrConflict, Cause: err}
	default: // connectivity, timeouts and cancellations alike
		return &Error{Op: op, Domain: domain.ErrUnavailable, Cause: err}
	}
}
