package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bif-kk/orggraph/internal/domain"
)

// MarshalDate writes a date as its ISO string.
func MarshalDate(d domain.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(string(d)))
	})
}

// UnmarshalDate accepts only an ISO calendar date; anything else is invalid
// input, which the error presenter reports as BAD_USER_INPUT.
func UnmarshalDate(v any) (domain.Date, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: a Date is a string of the form 2026-02-01, not %s", domain.ErrInvalidInput, kindOf(v))
	}
	return domain.ParseDate(s)
}
