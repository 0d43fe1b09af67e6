package domain

import "errors"

// Sentinel errors. Stores wrap these with context; the GraphQL error
// presenter maps them to extensions.code and never shows the wrapped text of
// an ErrUnavailable, which may come from a driver.
var (
	ErrNotFound     = errors.New("not found")
	ErrInvalidInput = errors.New("invalid input")
	ErrUnavailable  = errors.New("store unavailable")
	ErrConflict     = errors.New("conflict")
	// ErrWritesDisabled: the store cannot keep a write (an embedded store
	// with no data folder), so it refuses rather than lose it.
	ErrWritesDisabled = errors.New("writes are disabled")
	// ErrKeyReused: a write's idempotency key already named a different
	// write; the new one is refused, not applied.
	ErrKeyReused = errors.New("idempotency key reused")
)
