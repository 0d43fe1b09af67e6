package instrumented_test

import (
	"context"
	"log/slog"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/instrumented"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// What the decorator adds to the cheapest store call there is: a memstore
// lookup of one node. go test -bench . ./internal/store/instrumented
func BenchmarkNodesByID(b *testing.B) {
	mem := seedtest.Mem(b, storetest.Fixture())
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tracetest.NewSpanRecorder()))
	stores := []struct {
		name string
		st   store.Store
	}{
		{"bare", mem},
		{"metrics", instrumented.New(mem, observe.NewMetrics(), nil)},
		{"metrics and the outage log", instrumented.New(mem, observe.NewMetrics(), nil, instrumented.LogOutages(slog.New(slog.DiscardHandler), instrumented.DefaultOutageLogEvery))},
		{"metrics and spans", instrumented.New(mem, observe.NewMetrics(), tp.Tracer("bench"))},
	}
	ids := []domain.ID{"centre:cba"}
	ctx := context.Background()
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.st.NodesByID(ctx, ids); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
