package graph

import (
	"github.com/bif-kk/orggraph/internal/live"
	"github.com/bif-kk/orggraph/internal/store"
)

// Resolver is the root resolver. Root fields read the store at most once
// each; everything below them goes through the request's loaders.
type Resolver struct {
	store store.Store
	feed  *live.Feed // the change feed's subscriptions (subscription.resolvers.go)
}
