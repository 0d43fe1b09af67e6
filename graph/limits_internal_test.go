package graph

import (
	"context"
	"net/http"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// The schema has no mutations yet, so over HTTP a mutation fails validation
// before this check; it is tested here so that it holds once one is added.
func TestQueriesOnlyOverGET(t *testing.T) {
	tests := []struct {
		method  string
		op      ast.Operation
		refused bool
	}{
		{http.MethodGet, ast.Query, false},
		{http.MethodGet, ast.Mutation, true},
		{http.MethodGet, ast.Subscription, false}, // an EventSource's event stream
		{"WEBSOCKET", ast.Mutation, false},        // over graphql-ws, after a GET upgrade
		{http.MethodPost, ast.Mutation, false},
		{http.MethodPost, ast.Query, false},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+string(tt.op), func(t *testing.T) {
			ctx := context.WithValue(context.Background(), methodKey, tt.method)
			opCtx := &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: tt.op}}
			err := queriesOnlyOverGET{}.MutateOperationContext(ctx, opCtx)
			if (err != nil) != tt.refused {
				t.Fatalf("refused = %v, want %v", err != nil, tt.refused)
			}
			if err != nil && err.Extensions["code"] != apierr.MethodNotAllowed {
				t.Errorf("code = %v", err.Extensions["code"])
			}
		})
	}
}
