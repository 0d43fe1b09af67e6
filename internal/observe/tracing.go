package observe

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// ScopeName names the instrumentation that makes orggraph's own spans.
const ScopeName = "github.com/bif-kk/orggraph"

// NewTracerProvider returns a tracer provider that batches spans to an
// OTLP/HTTP collector. The exporter and the SDK configure themselves from
// the standard OpenTelemetry environment (OTEL_EXPORTER_OTLP_ENDPOINT,
// OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, …); the
// service is called "orggraph" unless OTEL_SERVICE_NAME says otherwise.
// Nothing is dialled until the first batch is sent. Shut it down to flush.
func NewTracerProvider(ctx context.Context) (*sdktrace.TracerProvider, error) {
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("observe: OTLP exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithAttributes(attribute.String("service.name", "orggraph")),
		resource.WithFromEnv(), // after the default name, so the environment wins
	)
	if err != nil {
		return nil, fmt.Errorf("observe: trace resource: %w", err)
	}
	return sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter),
		sdktrace.WithResource(res),
	), nil
}

// Propagator reads and writes the W3C traceparent/tracestate and baggage
// headers, so a request's spans join the trace its caller started.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}
