package instrumented_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/instrumented"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// The decorator changes no answer: it passes the contract suite, reads and
// writes, with metrics and spans on.
func TestContract(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tracetest.NewSpanRecorder()))
	storetest.Run(t, func(t *testing.T, g *domain.Graph) store.Store {
		st := seedtest.Mem(t, g)
		return instrumented.New(st, observe.NewMetrics(), tp.Tracer("test"))
	})
}

func TestWriteContract(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tracetest.NewSpanRecorder()))
	storetest.RunWrites(t, func(t *testing.T, g *domain.Graph) store.Store {
		st, err := memstore.Open(g, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		wrapped := instrumented.New(st, observe.NewMetrics(), tp.Tracer("test"))
		t.Cleanup(func() { wrapped.Close(context.Background()) })
		return wrapped
	})
}

// Off, it is still transparent.
func TestContractWithNothingRecorded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, g *domain.Graph) store.Store {
		st := seedtest.Mem(t, g)
		return instrumented.New(st, nil, nil)
	})
}

// fakeStore answers every call with err, after running during (if set).
type fakeStore struct {
	err    error
	during func(ctx context.Context)
}

func (f *fakeStore) do(ctx context.Context) error {
	if f.during != nil {
		f.during(ctx)
	}
	return f.err
}

func (f *fakeStore) NodesByID(ctx context.Context, _ []domain.ID) (map[domain.ID]*domain.Node, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) NodesByKind(ctx context.Context, _ domain.Kind) ([]*domain.Node, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) NodeByCode(ctx context.Context, _ domain.Kind, _ string) (*domain.Node, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) Links(ctx context.Context, _ []domain.ID, _ store.LinkQuery) (map[domain.ID][]domain.Link, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) ImpactPaths(ctx context.Context, _ []domain.ID, _ int) (map[domain.ID][]domain.Path, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) PathsBetween(ctx context.Context, _, _ domain.ID, _ int) ([]domain.Path, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) Dependencies(ctx context.Context, _ []domain.ID) ([]domain.Shared, map[domain.ID]*domain.Node, error) {
	return nil, nil, f.do(ctx)
}
func (f *fakeStore) Search(ctx context.Context, _ []string, _ int) ([]search.Hit, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) Snapshot(ctx context.Context) (*domain.Graph, error) { return nil, f.do(ctx) }
func (f *fakeStore) Apply(ctx context.Context, _ domain.Write) (*domain.AuditEntry, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) Audit(ctx context.Context, _ store.AuditQuery) ([]domain.AuditEntry, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) Scenarios(ctx context.Context) ([]*domain.Scenario, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) Scenario(ctx context.Context, _ string) (*domain.Scenario, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) ApplyScenario(ctx context.Context, _ domain.ScenarioWrite) (*domain.Scenario, *domain.AuditEntry, error) {
	return nil, nil, f.do(ctx)
}
func (f *fakeStore) Expand(ctx context.Context, _ []store.Expansion) ([]store.Expanded, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) Version(ctx context.Context) (store.Version, error) {
	return store.Version{}, f.do(ctx)
}
func (f *fakeStore) Changes(ctx context.Context, _ int64, _ int) ([]domain.AuditEntry, error) {
	return nil, f.do(ctx)
}
func (f *fakeStore) Ping(ctx context.Context) error  { return f.do(ctx) }
func (f *fakeStore) Close(ctx context.Context) error { return f.do(ctx) }

// calls makes each Store method once, named as the metrics name it.
var calls = []struct {
	op   string
	call func(context.Context, store.Store) error
}{
	{"NodesByID", func(ctx context.Context, s store.Store) error {
		_, err := s.NodesByID(ctx, []domain.ID{"centre:cba"})
		return err
	}},
	{"NodesByKind", func(ctx context.Context, s store.Store) error {
		_, err := s.NodesByKind(ctx, domain.KindCentre)
		return err
	}},
	{"NodeByCode", func(ctx context.Context, s store.Store) error {
		_, err := s.NodeByCode(ctx, domain.KindCentre, "CBA")
		return err
	}},
	{"Links", func(ctx context.Context, s store.Store) error {
		_, err := s.Links(ctx, []domain.ID{"centre:cba"}, store.LinkQuery{Kind: domain.RelServes, Dir: domain.Outgoing})
		return err
	}},
	{"Expand", func(ctx context.Context, s store.Store) error {
		_, err := s.Expand(ctx, []store.Expansion{{Roots: store.Roots{Kind: domain.KindCentre}}})
		return err
	}},
	{"ImpactPaths", func(ctx context.Context, s store.Store) error { _, err := s.ImpactPaths(ctx, nil, 3); return err }},
	{"PathsBetween", func(ctx context.Context, s store.Store) error {
		_, err := s.PathsBetween(ctx, "a:a", "b:b", 3)
		return err
	}},
	{"Dependencies", func(ctx context.Context, s store.Store) error { _, _, err := s.Dependencies(ctx, nil); return err }},
	{"Search", func(ctx context.Context, s store.Store) error {
		_, err := s.Search(ctx, []string{"cba"}, 10)
		return err
	}},
	{"Snapshot", func(ctx context.Context, s store.Store) error { _, err := s.Snapshot(ctx); return err }},
	{"Apply", func(ctx context.Context, s store.Store) error {
		_, err := s.Apply(ctx, domain.Write{Op: domain.DeleteNode})
		return err
	}},
	{"Audit", func(ctx context.Context, s store.Store) error { _, err := s.Audit(ctx, store.AuditQuery{}); return err }},
	{"Version", func(ctx context.Context, s store.Store) error { _, err := s.Version(ctx); return err }},
	{"Changes", func(ctx context.Context, s store.Store) error { _, err := s.Changes(ctx, 0, 10); return err }},
	{"Ping", func(ctx context.Context, s store.Store) error { return s.Ping(ctx) }},
	{"Close", func(ctx context.Context, s store.Store) error { return s.Close(ctx) }},
}

// Every method is counted, timed and traced under its own name, and the
// in-flight gauge is up during the call and down after.
func TestEveryMethodIsRecorded(t *testing.T) {
	for _, c := range calls {
		t.Run(c.op, func(t *testing.T) {
			m := observe.NewMetrics()
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			labels := map[string]string{"store": "instrumented_test", "op": c.op}
			var inFlight float64
			var sawSpan bool
			fake := &fakeStore{during: func(ctx context.Context) {
				inFlight = observetest.Value(t, m, "orggraph_store_calls_in_flight", labels)
				sawSpan = len(rec.Started()) == 1
			}}
			st := instrumented.New(fake, m, tp.Tracer("test"))

			if err := c.call(context.Background(), st); err != nil {
				t.Fatal(err)
			}
			if inFlight != 1 {
				t.Errorf("in flight during the call = %v, want 1", inFlight)
			}
			if !sawSpan {
				t.Error("no span open during the call")
			}
			if got := observetest.Value(t, m, "orggraph_store_calls_in_flight", labels); got != 0 {
				t.Errorf("in flight after = %v, want 0", got)
			}
			ok := map[string]string{"store": "instrumented_test", "op": c.op, "outcome": "ok"}
			if got := observetest.Value(t, m, "orggraph_store_calls_total", ok); got != 1 {
				t.Errorf("calls = %v, want 1", got)
			}
			if got := observetest.Value(t, m, "orggraph_store_call_duration_seconds", ok); got != 1 {
				t.Errorf("timings = %v, want 1", got)
			}
			spans := rec.Ended()
			if len(spans) != 1 || spans[0].Name() != "store."+c.op {
				t.Fatalf("spans = %v", spans)
			}
		})
	}
}

func TestOutcomes(t *testing.T) {
	tests := []struct {
		err       error
		outcome   string
		spanError bool
	}{
		{nil, "ok", false},
		{fmt.Errorf("memstore: centre XYZ: %w", domain.ErrNotFound), "not_found", false},
		{fmt.Errorf("write: %w", domain.ErrInvalidInput), "bad_user_input", false},
		{fmt.Errorf("write: %w", domain.ErrConflict), "conflict", false},
		{fmt.Errorf("neo4jstore: %w: connection refused", domain.ErrUnavailable), "unavailable", true},
		{domain.ErrWritesDisabled, "writes_disabled", false},
		{fmt.Errorf("write: %w", domain.ErrKeyReused), "idempotency_key_reused", false},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), "timeout", true},
		{context.Canceled, "canceled", false},
		{errors.New("boom"), "internal", true},
	}
	for _, tt := range tests {
		t.Run(tt.outcome, func(t *testing.T) {
			if got := instrumented.Outcome(tt.err); got != tt.outcome {
				t.Errorf("Outcome = %q, want %q", got, tt.outcome)
			}
			m := observe.NewMetrics()
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			st := instrumented.New(&fakeStore{err: tt.err}, m, tp.Tracer("test"))

			_, err := st.NodeByCode(context.Background(), domain.KindCentre, "CBA")
			if !errors.Is(err, tt.err) {
				t.Errorf("error = %v, want %v passed through", err, tt.err)
			}
			labels := map[string]string{"op": "NodeByCode", "outcome": tt.outcome}
			if got := observetest.Value(t, m, "orggraph_store_calls_total", labels); got != 1 {
				t.Errorf("calls with outcome %s = %v, want 1", tt.outcome, got)
			}
			span := rec.Ended()[0]
			if (span.Status().Code == codes.Error) != tt.spanError {
				t.Errorf("span status = %v, want error %v", span.Status(), tt.spanError)
			}
			if !hasAttr(span.Attributes(), "orggraph.store.outcome", tt.outcome) {
				t.Errorf("span attributes = %v", span.Attributes())
			}
		})
	}
}

// A store call's span is a child of the caller's.
func TestSpanIsAChildOfTheCaller(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, parent := tp.Tracer("test").Start(context.Background(), "request")
	st := instrumented.New(&fakeStore{}, nil, tp.Tracer("test"))
	if _, err := st.NodesByKind(ctx, domain.KindCentre); err != nil {
		t.Fatal(err)
	}
	parent.End()
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("want 2 spans, got %d", len(spans))
	}
	child := spans[0]
	if child.Parent().SpanID() != parent.SpanContext().SpanID() || child.SpanContext().TraceID() != parent.SpanContext().TraceID() {
		t.Errorf("store span %s is not a child of %s", child.Parent().SpanID(), parent.SpanContext().SpanID())
	}
}

// Without a tracer no span is made, and the caller's context reaches the
// store as it was.
func TestNoTracerNoSpan(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, parent := tp.Tracer("test").Start(context.Background(), "request")
	var seen context.Context
	st := instrumented.New(&fakeStore{during: func(ctx context.Context) { seen = ctx }}, observe.NewMetrics(), nil)
	if _, err := st.NodesByKind(ctx, domain.KindCentre); err != nil {
		t.Fatal(err)
	}
	parent.End()
	if n := len(rec.Ended()); n != 1 {
		t.Errorf("%d spans, want only the caller's", n)
	}
	if seen != ctx {
		t.Error("the store got a different context")
	}
}

func hasAttr(attrs []attribute.KeyValue, key, value string) bool {
	for _, a := range attrs {
		if string(a.Key) == key && a.Value.AsString() == value {
			return true
		}
	}
	return false
}
