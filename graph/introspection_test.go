package graph_test

import (
	"strings"
	"testing"

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
