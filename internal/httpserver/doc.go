// Package httpserver owns orggraph's HTTP surface: the routes (playground,
// GraphQL endpoint, health and readiness probes) and the middleware every
// request passes through (request id, one log line, panic recovery).
package httpserver
