// Package observe owns orggraph's telemetry: the Prometheus metrics (on a
// registry of their own, never the global default), the gqlgen extension
// that measures GraphQL operations, and the OpenTelemetry tracer provider
// that tracing uses when it is switched on.
//
// Every recording method is safe on a nil *Metrics and then does nothing,
// so code that may run without metrics needs no checks of its own.
package observe
