package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bif-kk/orggraph/internal/domain"
)

// MarshalID writes a node ID, so that id fields bind to domain.ID directly.
func MarshalID(id domain.ID) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(string(id)))
	})
}

// UnmarshalID reads an ID argument. Whether it is well formed is the
// resolver's question: an unknown kind is invalid input, an unknown node null.
func UnmarshalID(v any) (domain.ID, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: an ID is a string such as \"centre:cbe\", not %s", domain.ErrInvalidInput, kindOf(v))
	}
	return domain.ID(s), nil
}
