package graph

import (
	"bytes"
	"slices"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// SDL is the schema the endpoint executes, written as GraphQL SDL with its
// descriptions and directives. It does not depend on the introspection
// switch: /schema.graphql serves it to code generators and the playground
// when introspection is off.
//
// Built-in types and the spec's own directives are left out, as graphql-js's
// printSchema leaves them out; the directives gqlgen adds beyond the spec
// (@defer, @oneOf) are declared, so a tool that reads the SDL accepts the
// operations the endpoint accepts.
var SDL = sync.OnceValue(func() []byte {
	schema := NewExecutableSchema(Config{}).Schema()
	var extra ast.DirectiveDefinitionList
	for name, d := range schema.Directives {
		if !specifiedDirectives[name] {
			extra = append(extra, d)
		}
	}
	slices.SortFunc(extra, func(a, b *ast.DirectiveDefinition) int { return strings.Compare(a.Name, b.Name) })
	var b bytes.Buffer
	for _, d := range extra {
		formatter.NewFormatter(&b, formatter.WithNonIntrospectionBuiltin()).FormatSchemaDocument(&ast.SchemaDocument{Directives: ast.DirectiveDefinitionList{d}})
		b.WriteByte('\n')
	}
	formatter.NewFormatter(&b).FormatSchema(schema)
	return b.Bytes()
})

// specifiedDirectives are those of the GraphQL specification (October 2021),
// which every tool knows without a declaration.
var specifiedDirectives = map[string]bool{"skip": true, "include": true, "deprecated": true, "specifiedBy": true}
