// Package gqlext holds what every gqlgen handler extension of orggraph
// (graph's, internal/observe's metrics and internal/querylimit's limits)
// writes the same way: gqlgen asks each for a name and to validate the
// schema, and none of them has anything to check in the schema.
package gqlext

import "github.com/99designs/gqlgen/graphql"

// Name, embedded in a handler extension, is its name: it gives the
// extension ExtensionName, and a Validate that accepts any schema.
type Name string

// ExtensionName implements graphql.HandlerExtension.
func (n Name) ExtensionName() string { return string(n) }

// Validate implements graphql.HandlerExtension; no extension of orggraph
// depends on the schema's shape.
func (Name) Validate(graphql.ExecutableSchema) error { return nil }
