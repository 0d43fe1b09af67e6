// Package instrumented decorates a store.Store with metrics and tracing:
// every call is counted, timed and classified by outcome, the calls under
// way are a gauge, and each call is a span. It changes no answer: the store
// contract suite runs against it.
package instrumented

import (
	"context"
	"errors"
	"path"
	"reflect"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/store"
)

// Store is a store.Store that records what it passes to the one it wraps.
type Store struct {
	next    store.Store
	metrics *observe.Metrics
	tracer  trace.Tracer
	name    string
	outages *outageLog // nil unless LogOutages
}

var _ store.Store = (*Store)(nil)

// New wraps st. A nil m records no metrics; a nil tracer makes no spans, so
// with tracing off a call costs one clock read and a closure more.
func New(st store.Store, m *observe.Metrics, tracer trace.Tracer, opts ...Option) store.Store {
	s := &Store{next: st, metrics: m, tracer: tracer, name: nameOf(st)}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// nameOf names a store by its package (memstore, neo4jstore), which is what
// an operator knows it by.
func nameOf(st store.Store) string {
	t := reflect.TypeOf(st)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if p := t.PkgPath(); p != "" {
		return path.Base(p)
	}
	return t.String()
}

// Outcomes of a store call, as the metrics and spans label them: ok,
// canceled, or the code of the error table (apierr.Of) in lower case.
var (
	OutcomeOK          = "ok"
	OutcomeCanceled    = "canceled"
	OutcomeNotFound    = outcomeOf(apierr.NotFound)
	OutcomeUnavailable = outcomeOf(apierr.Unavailable)
	OutcomeTimeout     = outcomeOf(apierr.Timeout)
	OutcomeInternal    = outcomeOf(apierr.Internal)
)

func outcomeOf(code string) string { return strings.ToLower(code) }

// Outcome labels a store call's error by the code a client would read for
// it. A cancelled call stays apart from one that timed out: its caller
// left, which is no fault of the store.
func Outcome(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, context.Canceled):
		return OutcomeCanceled
	}
	return outcomeOf(apierr.Of(err))
}

// failed says which outcomes mark a span as an error: those the caller did
// not ask for. A code that is not found, or a write refused as invalid or
// stale, is an answer, not a failure.
func failed(outcome string) bool {
	switch outcome {
	case OutcomeUnavailable, OutcomeTimeout, OutcomeInternal:
		return true
	}
	return false
}

// observe runs call as the store operation op: in flight, timed, counted by
// outcome, and inside a span. Every method goes through it, so a new one is
// a three-line wrapper.
func (s *Store) observe(ctx context.Context, op string, call func(context.Context) error, attrs ...attribute.KeyValue) error {
	var span trace.Span
	if s.tracer != nil {
		ctx, span = s.tracer.Start(ctx, "store."+op,
			trace.WithSpanKind(trace.SpanKindInternal),
			trace.WithAttributes(attribute.String("orggraph.store", s.name), attribute.String("orggraph.store.op", op)),
			trace.WithAttributes(attrs...))
	}
	s.metrics.StoreCallStarted(s.name, op)
	start := time.Now()
	err := call(ctx)
	outcome := Outcome(err)
	s.metrics.StoreCallEnded(s.name, op, outcome, time.Since(start))
	s.outages.record(ctx, op, outcome, err)
	if span != nil {
		span.SetAttributes(attribute.String("orggraph.store.outcome", outcome))
		if failed(outcome) {
			span.RecordError(err)
			span.SetStatus(codes.Error, outcome)
		}
		span.End()
	}
	return err
}
