package model

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bif-kk/orggraph/internal/domain"
)

// MarshalID writes a node ID, so that id fields bind to domain.ID directly.
// Inside a scenario (ScenarioIn) a node's id is the scenario's own for it
// (ScenarioID); a scenario's id is the same everywhere.
func MarshalID(id domain.ID) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		s := string(id)
		if !strings.HasPrefix(s, domain.ScenarioIDPrefix) {
			if sid := ScenarioIn(ctx); sid != "" {
				s = ScenarioID(sid, id)
			}
		}
		_, err := io.WriteString(w, strconv.Quote(s))
		return err
	})
}

// UnmarshalID reads an ID argument. Whether it is well formed is the
// resolver's question: an unknown kind is invalid input, an unknown node
// null. Inside a scenario, an id of the scenario's reads as the node id it
// stands for.
func UnmarshalID(ctx context.Context, v any) (domain.ID, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: an ID is a string such as \"centre:cbe\", not %s", domain.ErrInvalidInput, kindOf(v))
	}
	if sid, id, ok := SplitScenarioID(s); ok && sid == ScenarioIn(ctx) {
		return id, nil
	}
	return domain.ID(s), nil
}
