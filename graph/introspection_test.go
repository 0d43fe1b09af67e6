package graph_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/graph/graphtest"
)

// introspection is the schema query GraphiQL and the playground send: it
// nests deep through ofType, and the depth and complexity limits must let
// it through.
const introspection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

func TestPlaygroundIntrospectionPassesLimits(t *testing.T) {
	out, errs := graphtest.Post(t, newHandler(t, fakeStore{}), introspection, nil)
	if errs || !strings.Contains(string(out), `"ReformChange"`) {
		t.Fatalf("introspection failed:\n%.500s", out)
	}
}

// With introspection off, asking for the schema is a validation error like
// any field the client may not ask: coded, 400, and nothing logged above
// INFO, since it is the client's mistake and not the server's.
func TestIntrospectionOffIsRefusedWhileValidating(t *testing.T) {
	var logs bytes.Buffer
	h := graph.NewHandler(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		fakeStore{}, graph.Options{NoIntrospection: true})
	tests := []struct {
		name  string
		query string
	}{
		{"__schema", `{ __schema { queryType { name } } }`},
		{"__type", `{ __type(name: "Node") { name } }`},
		{"inside a fragment", `fragment F on Query { __schema { types { name } } } { ...F }`},
		{"aliased beside a field", `{ centres { name } s: __type(name: "Centre") { fields { name } } }`},
		{"the playground's query", introspection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			status, body, resp := doAccepting(t, h, http.MethodPost, tt.query, nil, "application/graphql-response+json")
			if status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", status)
			}
			if got := codes(resp); len(got) == 0 || got[0] != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("codes = %v, want GRAPHQL_VALIDATION_FAILED:\n%s", got, body)
			}
			if len(resp.Errors) > 0 && !strings.Contains(resp.Errors[0].Message, "introspection is disabled") {
				t.Errorf("message does not say why: %q", resp.Errors[0].Message)
			}
			if string(resp.Data) != "" && string(resp.Data) != "null" {
				t.Errorf("a refused operation ran: %s", body)
			}
			if strings.Contains(logs.String(), `"level":"ERROR"`) || strings.Contains(logs.String(), `"level":"WARN"`) {
				t.Errorf("a client's refused introspection was logged as a server fault:\n%s", logs.String())
			}
		})
	}
	t.Run("__typename still answers", func(t *testing.T) {
		if _, body, resp := do(t, h, http.MethodPost, `{ __typename }`, nil); len(resp.Errors) > 0 {
			t.Errorf("__typename refused:\n%s", body)
		}
	})
}

// With suggestions off no validation error hints at a name the schema
// holds, whatever the client misspelt; with them on the same documents do
// hint, so the table shows each one reaches the rule it means to.
func TestSuggestionsOffForEveryMisspelling(t *testing.T) {
	tests := []struct {
		name  string
		query string
	}{
		{"field", `{ centres { nme } }`},
		{"argument", `{ node(idd: "centre:cbe") { id } }`},
		{"enum value", `{ node(id: "centre:cbe") { links(direction: OUTGOIN) { relationship } } }`},
		{"enum value as a string", `{ node(id: "centre:cbe") { links(direction: "OUTGOING") { relationship } } }`},
		{"input field", `{ targetGroupsConnection(filter: { txt: "x" }) { totalCount } }`},
		{"type in a fragment", `fragment F on Centr { name } { centres { ...F } }`},
		{"object without a selection", `{ centres }`},
	}
	for _, suggest := range []bool{true, false} {
		h := graph.NewHandler(slog.New(slog.DiscardHandler), fakeStore{}, graph.Options{NoSuggestions: !suggest})
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/suggestions=%t", tt.name, suggest), func(t *testing.T) {
				_, body, resp := do(t, h, http.MethodPost, tt.query, nil)
				if got := codes(resp); len(got) == 0 || got[0] != "GRAPHQL_VALIDATION_FAILED" {
					t.Fatalf("codes = %v, want GRAPHQL_VALIDATION_FAILED:\n%s", got, body)
				}
				if got := strings.Contains(body, "Did you mean"); got != suggest {
					t.Errorf("suggests = %t, want %t:\n%s", got, suggest, body)
				}
			})
		}
	}
}
