package domain

import (
	"fmt"
	"time"
)

// Date is an ISO 8601 calendar date, "2026-02-01". Being fixed-width, dates
// compare correctly as strings.
type Date string

const dateLayout = "2006-01-02"

// ParseDate validates s as a calendar date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Format(dateLayout) != s {
		return "", fmt.Errorf("%w: %q is not a date of the form 2026-02-01", ErrInvalidInput, s)
	}
	return Date(s), nil
}

// Time returns the date at midnight UTC.
func (d Date) Time() time.Time {
	t, _ := time.Parse(dateLayout, string(d))
	return t
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d < e }

// CheckPeriod refuses a period [from, to] that ends before it begins, a
// nil bound being open: every question asked between two days
// (Centre.changes, reformChanges, their connection's filter, timeline)
// holds its bounds to it, so each answers BAD_USER_INPUT alike.
func CheckPeriod(from, to *Date) error {
	if from != nil && to != nil && *to < *from {
		return fmt.Errorf("%w: to (%s) is before from (%s)", ErrInvalidInput, *to, *from)
	}
	return nil
}

// InRange reports whether d lies in [from, to], a nil bound being open.
func (d Date) InRange(from, to *Date) bool {
	return (from == nil || d >= *from) && (to == nil || d <= *to)
}

// ValidOn reports whether a fact valid from validFrom (inclusive) until
// validTo (exclusive) holds on day d. Nil bounds are open.
func ValidOn(d Date, validFrom, validTo *Date) bool {
	return (validFrom == nil || d >= *validFrom) && (validTo == nil || d < *validTo)
}
