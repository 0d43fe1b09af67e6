package httpserver

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"

	"github.com/bif-kk/orggraph/internal/observe"
)

// traceRequests makes a server span of each request, joined to the trace of
// an incoming W3C traceparent header, and named "METHOD /route" once the
// router has matched the route. It uses only tp: no global provider.
// otelhttp's own metrics go nowhere; Prometheus has ours.
func traceRequests(tp trace.TracerProvider) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		named := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			if route := routeOf(r); route != "" {
				span := trace.SpanFromContext(r.Context())
				span.SetName(r.Method + " " + route)
				span.SetAttributes(attribute.String("http.route", route))
			}
		})
		return otelhttp.NewHandler(named, "orggraph",
			otelhttp.WithTracerProvider(tp),
			otelhttp.WithPropagators(observe.Propagator()),
			otelhttp.WithMeterProvider(noop.NewMeterProvider()),
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method }),
		)
	}
}
