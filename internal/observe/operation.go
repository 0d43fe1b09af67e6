package observe

import (
	"context"
	"sync/atomic"
)

// operationSlot carries a GraphQL operation's name from inside gqlgen out to
// the HTTP layer's request log. It is written by the goroutine serving the
// request and may be read by another (the request timeout's), hence atomic.
type operationSlot struct{ name atomic.Pointer[string] }

type contextKey struct{ name string }

var operationKey = &contextKey{"graphql-operation"}

// WithOperationSlot returns ctx with room for the name of the GraphQL
// operation a request carries; the GraphQL extension fills it and
// OperationName reads it.
func WithOperationSlot(ctx context.Context) context.Context {
	return context.WithValue(ctx, operationKey, &operationSlot{})
}

// OperationName returns the name of the GraphQL operation the request of
// ctx carried: "" when it had none, or when ctx has no slot for it.
func OperationName(ctx context.Context) string {
	slot, _ := ctx.Value(operationKey).(*operationSlot)
	if slot == nil {
		return ""
	}
	if name := slot.name.Load(); name != nil {
		return *name
	}
	return ""
}

// SetOperationName records name as the request's operation, for an answer
// served without running it (the HTTP layer's cache of answers).
func SetOperationName(ctx context.Context, name string) {
	if slot, _ := ctx.Value(operationKey).(*operationSlot); slot != nil && name != "" {
		slot.name.Store(&name)
	}
}
