package observe_test

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/bif-kk/orggraph/internal/observe"
)

// The provider builds without a collector (nothing is dialled until a batch
// is sent) and names the service orggraph unless OTEL_SERVICE_NAME says
// otherwise. Spans are left open so nothing is exported.
func TestNewTracerProvider(t *testing.T) {
	tests := []struct {
		env, want string
	}{
		{"", "orggraph"},
		{"orggraph-staging", "orggraph-staging"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Setenv("OTEL_SERVICE_NAME", tt.env)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
			tp, err := observe.NewTracerProvider(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer tp.Shutdown(context.Background())
			rec := tracetest.NewSpanRecorder()
			tp.RegisterSpanProcessor(rec)
			tp.Tracer("test").Start(context.Background(), "open")
			started := rec.Started()
			if len(started) != 1 {
				t.Fatalf("%d spans", len(started))
			}
			name, _ := started[0].Resource().Set().Value("service.name")
			if name.AsString() != tt.want {
				t.Errorf("service.name = %q, want %q", name.AsString(), tt.want)
			}
		})
	}
}

func TestPropagatorReadsW3CTraceContext(t *testing.T) {
	h := http.Header{}
	h.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx := observe.Propagator().Extract(context.Background(), propagation.HeaderCarrier(h))
	sc := trace.SpanContextFromContext(ctx)
	if sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || !sc.IsRemote() || !sc.IsSampled() {
		t.Errorf("span context = %+v", sc)
	}
}
