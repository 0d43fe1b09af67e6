package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"go.opentelemetry.io/otel/trace"

	"github.com/bif-kk/orggraph/internal/observe"
)

// telemetry is what serve records with: metrics (nil when off) and a
// tracer provider (nil when tracing is off, so nothing traces).
type telemetry struct {
	metrics  *observe.Metrics
	tracing  trace.TracerProvider
	shutdown func(context.Context) error
}

// observeFlags registers the telemetry settings. Tracing is on when asked
// with --otel, and by default when the standard OpenTelemetry environment
// names a collector (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and OTEL_SDK_DISABLED is not true.
func observeFlags(fs *flag.FlagSet, getenv func(string) string) func(context.Context) (telemetry, error) {
	env := &envDefaults{getenv: getenv}
	metrics := fs.Bool("metrics", env.bool("ORGGRAPH_METRICS", true), "record Prometheus metrics and serve them at /metrics (env ORGGRAPH_METRICS)")
	otel := fs.Bool("otel", tracingByDefault(getenv), "export OpenTelemetry traces over OTLP/HTTP, configured by the standard OTEL_* environment (on when OTEL_EXPORTER_OTLP_ENDPOINT is set)")
	return func(ctx context.Context) (telemetry, error) {
		if err := errors.Join(env.errs...); err != nil {
			return telemetry{}, err
		}
		t := telemetry{shutdown: func(context.Context) error { return nil }}
		if *metrics {
			t.metrics = observe.NewMetrics()
		}
		if *otel {
			tp, err := observe.NewTracerProvider(ctx)
			if err != nil {
				return telemetry{}, fmt.Errorf("--otel: %w", err)
			}
			t.tracing, t.shutdown = tp, tp.Shutdown
		}
		return t, nil
	}
}

func tracingByDefault(getenv func(string) string) bool {
	if disabled, _ := strconv.ParseBool(getenv("OTEL_SDK_DISABLED")); disabled {
		return false
	}
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// tracer is the tracer store calls make their spans with, or nil: none.
func (t telemetry) tracer() trace.Tracer {
	if t.tracing == nil {
		return nil
	}
	return t.tracing.Tracer(observe.ScopeName)
}
