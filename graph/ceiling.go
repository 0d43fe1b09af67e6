package graph

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/gqlext"
	"github.com/bif-kk/orggraph/internal/writes"
)

// The answer ceiling is the second line behind the price a document is
// refused by before it runs (internal/querylimit): while an operation runs,
// it counts the values resolved and the bytes they come to, on gqlgen's
// path and the direct path alike, and stops the operation when either
// passes its bound, or when the request has ended (its deadline, or the
// client gone). A price is worked out from bounds the store's counts give
// at most a minute ago, and from bounds declared for traversals' answers,
// so an answer may outgrow it; the ceiling holds it all the same.
//
// Stopping cancels the operation's context, so the loaders and the stores
// give up, and every field not yet resolved answers at once. The answer is
// then one error, ANSWER_LIMIT_EXCEEDED or TIMEOUT, with data null: not
// thousands of per-field errors, nor a part of the answer.

// Defaults of the ceiling: as many values as a price may reach, and bytes
// to match at an average of 64 a value.
const (
	DefaultMaxAnswerValues = 500_000
	DefaultMaxAnswerBytes  = 32 << 20
)

// yieldEvery is how many values an operation writes before it lets other
// goroutines have its core: a widget's request waiting behind the deep
// listing (tens of thousands of values at 100× the seed, tens of ms on a
// core) runs within a fraction of a millisecond instead of when the
// scheduler preempts the listing. A widget's answer has a few dozen values
// and never yields.
const yieldEvery = 2048

// answerTally is one operation's count against the ceiling.
type answerTally struct {
	maxValues, maxBytes int64
	values, bytes       atomic.Int64
	over                atomic.Bool
	cancel              context.CancelFunc
}

// add counts values and bytes; false once either passes its bound, or the
// operation was stopped. Every yieldEvery values it lets the goroutines
// waiting for its core run first.
func (t *answerTally) add(values, bytes int64) bool {
	n := t.values.Add(values)
	if n/yieldEvery != (n-values)/yieldEvery {
		runtime.Gosched()
	}
	if n > t.maxValues || t.bytes.Add(bytes) > t.maxBytes {
		if !t.over.Swap(true) {
			t.cancel()
		}
	}
	return !t.over.Load()
}

var tallyKey = &contextKey{"answer tally"}

func tallyFrom(ctx context.Context) *answerTally {
	t, _ := ctx.Value(tallyKey).(*answerTally)
	return t
}

// errRequestEnded is what a field answers when the request ended before
// it was resolved; the error presenter codes it TIMEOUT and does not log it.
var errRequestEnded = apierr.New(apierr.Timeout, "the request ended before the field was resolved")

// answerCeiling is the gqlgen extension that holds every operation to the
// ceiling.
type answerCeiling struct {
	gqlext.Name
	maxValues, maxBytes int64
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = answerCeiling{}

// InterceptOperation gives the operation its tally and a context the tally
// can cancel.
func (c answerCeiling) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
		// A subscription answers many times and lives past any tally; its
		// events are bounded by the live feed (internal/live) instead.
		return next(ctx)
	}
	ctx, cancel := context.WithCancel(ctx)
	t := &answerTally{maxValues: c.maxValues, maxBytes: c.maxBytes, cancel: cancel}
	responses := next(context.WithValue(ctx, tallyKey, t))
	done := false
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		resp := responses(ctx)
		if resp != nil && resp.HasNext != nil && *resp.HasNext {
			return resp // @defer's parts follow (deferred.go)
		}
		// The last answer, the ceiling's error in place of a part, or the
		// end (nil, also when the client left): stop what still runs. A
		// deferred fragment still resolving then gives up its part (gqlgen
		// sends one only while the operation's context lives).
		done = true
		cancel()
		return resp
	}
}

// InterceptField stops a field from resolving once the operation stopped,
// and counts what it resolved: one value, and a string's bytes. A request
// that saved a write goes on past its end: its answer says what was saved
// (from the audit entry, not the store), which a TIMEOUT would deny.
func (c answerCeiling) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	t := tallyFrom(ctx)
	if ctx.Err() != nil && !writes.Made(ctx) || t != nil && t.over.Load() {
		return nil, errRequestEnded
	}
	res, err := next(ctx)
	if t != nil && !t.add(1, valueBytes(res)) {
		return nil, errRequestEnded
	}
	return res, err
}

// valueBytes is about what a resolved value writes: a string's length, a
// word for anything else.
func valueBytes(v any) int64 {
	switch s := v.(type) {
	case string:
		return int64(len(s))
	case *string:
		if s != nil {
			return int64(len(*s))
		}
	}
	return 8
}

// InterceptResponse answers a stopped operation with its one error, and
// holds a finished answer to the bytes bound.
func (c answerCeiling) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	t := tallyFrom(ctx)
	if t == nil || resp == nil { // nil ends an operation's answers
		return resp
	}
	if resp != nil && int64(len(resp.Data)) > t.maxBytes {
		t.over.Store(true)
	}
	switch {
	case t.over.Load():
		return &graphql.Response{Errors: gqlerror.List{{
			Message: fmt.Sprintf("the answer grew past %d values or %d bytes, the most one answer may hold; ask for less with first or a narrower selection",
				t.maxValues, t.maxBytes),
			Extensions: map[string]any{"code": apierr.AnswerLimit, "values": t.maxValues, "bytes": t.maxBytes},
		}}}
	case ctx.Err() != nil && !writes.Made(ctx):
		return &graphql.Response{Errors: gqlerror.List{{
			Message:    "the request ended before its answer was complete; try again later",
			Extensions: apierr.Extensions(apierr.Timeout),
		}}}
	}
	return resp
}

// stopped says whether the operation in ctx was stopped, by the ceiling or
// by the request's end: the direct path then answers nothing, and this
// extension answers the error.
func stopped(ctx context.Context) bool {
	t := tallyFrom(ctx)
	return ctx.Err() != nil && !writes.Made(ctx) || t != nil && t.over.Load()
}
