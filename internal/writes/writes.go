// Package writes holds what the HTTP layer and the GraphQL endpoint share
// about one request's writes: the header naming its idempotency key, and a
// record of whether it saved a write, which the request timeout reads.
package writes

import (
	"context"
	"sync/atomic"
)

// IdempotencyKeyHeader names a client's key for the writes of one request.
// A retry that sends the same document with the same key is answered with
// the first attempt's results and writes nothing again (README, "Changing
// the graph: planners' writes").
const IdempotencyKeyHeader = "Idempotency-Key"

type ctxKey struct{}

var savedKey = &ctxKey{}

// Watch returns ctx with a record of the writes saved under it, and a
// function that reports whether there was one. The request timeout asks
// it: an answer that reports a saved write is sent even after the
// deadline, so a client never reads TIMEOUT for a write that was made.
func Watch(ctx context.Context) (context.Context, func() bool) {
	var saved atomic.Bool
	return context.WithValue(ctx, savedKey, &saved), saved.Load
}

// Saved notes in ctx's record, if it has one, that a write was saved.
func Saved(ctx context.Context) {
	if saved, ok := ctx.Value(savedKey).(*atomic.Bool); ok {
		saved.Store(true)
	}
}

// Made says whether a write was saved under ctx: the rest of its answer is
// then resolved, and sent, past the request's end, since it tells the
// client what was saved.
func Made(ctx context.Context) bool {
	saved, ok := ctx.Value(savedKey).(*atomic.Bool)
	return ok && saved.Load()
}
