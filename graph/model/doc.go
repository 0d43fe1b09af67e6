// Package model holds the GraphQL object types: thin wrappers over
// *domain.Node, one per node kind, whose methods derive the plain fields
// (a centre's employees from its figures, a nullable note from an empty
// string). Relation fields are resolved in package graph through the
// per-request loaders, never here.
package model
