// Package httpserver owns orggraph's HTTP surface: the routes (playground,
// GraphQL endpoint, exports, health and readiness probes, metrics) and the
// middleware every request passes through (request id, tracing, one log
// line, metrics, panic recovery, CORS, rate limit, deadline), with the
// GraphQL endpoint's own: body limit, JSON-only POSTs, and ETags for GET
// queries.
package httpserver
