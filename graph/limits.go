package graph

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/gqlext"
)

// queriesOnlyOverGET refuses a mutation sent with GET, as the
// GraphQL-over-HTTP draft requires: GET must be safe to repeat and cache.
// gqlgen's GET transport refuses them too, but without an extensions.code.
// A subscription over GET is an EventSource's event stream (live.go),
// which changes nothing.
type queriesOnlyOverGET struct{ gqlext.Name }

func (queriesOnlyOverGET) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if methodFrom(ctx) != http.MethodGet || opCtx.Operation.Operation != ast.Mutation {
		return nil
	}
	return &gqlerror.Error{
		Message:    "a " + string(opCtx.Operation.Operation) + " must be sent with POST",
		Extensions: apierr.Extensions(apierr.MethodNotAllowed),
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
