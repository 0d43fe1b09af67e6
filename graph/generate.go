// Package graph is orggraph's GraphQL layer: the generated executor, thin
// resolvers over store.Store, the per-request loaders that batch every
// lookup, and the HTTP handler with its error presentation and limits.
package graph

//go:generate go run github.com/99designs/gqlgen generate
