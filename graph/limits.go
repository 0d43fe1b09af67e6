package graph

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// depthLimit refuses an operation whose fields nest deeper than max, before
// it runs. Introspection fields are left to gqlparser's own limit, so the
// playground's schema query passes.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	depth := selectionDepth(opCtx.Operation.SelectionSet, map[string]int{})
	if depth <= d.max {
		return nil
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf("operation nests fields %d deep, more than the limit of %d", depth, d.max),
		Extensions: map[string]any{"code": CodeDepthLimit},
	}
}

// selectionDepth is the deepest chain of fields in set. Fragments are
// measured once each (memo), so fragments spread many times cost nothing
// extra; validation has already refused fragment cycles.
func selectionDepth(set ast.SelectionSet, memo map[string]int) int {
	deepest := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + selectionDepth(s.SelectionSet, memo)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, memo)
		case *ast.FragmentSpread:
			known, ok := memo[s.Name]
			if !ok && s.Definition != nil {
				known = selectionDepth(s.Definition.SelectionSet, memo)
				memo[s.Name] = known
			}
			d = known
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// queriesOnlyOverGET refuses a mutation or subscription sent with GET, as the
// GraphQL-over-HTTP draft requires: GET must be safe to repeat and cache.
// gqlgen's GET transport refuses them too, but without an extensions.code.
type queriesOnlyOverGET struct{}

func (queriesOnlyOverGET) ExtensionName() string                   { return "QueriesOnlyOverGET" }
func (queriesOnlyOverGET) Validate(graphql.ExecutableSchema) error { return nil }

func (queriesOnlyOverGET) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if methodFrom(ctx) != http.MethodGet || opCtx.Operation.Operation == ast.Query {
		return nil
	}
	return &gqlerror.Error{
		Message:    "a " + string(opCtx.Operation.Operation) + " must be sent with POST",
		Extensions: map[string]any{"code": CodeMethodNotAllowed},
	}
}

var methodKey = &contextKey{"method"}

// withMethod records the request's HTTP method for queriesOnlyOverGET.
func withMethod(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), methodKey, r.Method)))
	})
}

func methodFrom(ctx context.Context) string {
	m, _ := ctx.Value(methodKey).(string)
	return m
}
