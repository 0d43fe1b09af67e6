// Package httpserver owns orggraph's HTTP surface: the routes (playground,
// GraphQL endpoint, exports, health and readiness probes, metrics) and the
// middleware every request passes through (request id, tracing, one log
// line, metrics, panic recovery, CORS, rate limit, deadline), with the
// GraphQL endpoint's own: body limit, JSON-only POSTs, and ETags for GET
// queries. The GraphQL endpoint itself comes in as an http.Handler
// (Options.GraphQL, built by cmd/orggraph), so this package does not import
// graph; every error it answers itself is one of internal/apierr's.
package httpserver
