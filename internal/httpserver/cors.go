package httpserver

import (
	"net/http"

	"github.com/go-chi/cors"

	"github.com/bif-kk/orggraph/internal/writes"
)

// corsMaxAge is how long, in seconds, a browser may reuse a preflight's
// answer (browsers cap it: Chromium at 2 hours, Firefox at 24).
const corsMaxAge = 600

// allowOrigins lets browser pages on the given exact origins call the API.
// Requests from any other origin get no CORS headers, so the browser keeps
// their answers from the page. No credentials mode: the API uses no
// cookies, and a bearer token in Authorization needs none.
func allowOrigins(origins []string) func(http.Handler) http.Handler {
	return cors.Handler(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Content-Type", "Authorization", "If-None-Match", RequestIDHeader, writes.IdempotencyKeyHeader,
			// W3C trace context and baggage: the server joins the caller's trace.
			"traceparent", "tracestate", "baggage",
			// Apollo Client's: who is calling, and its CSRF guard.
			"apollographql-client-name", "apollographql-client-version", "apollo-require-preflight"},
		ExposedHeaders: []string{
			"ETag", RequestIDHeader, "Retry-After",
			"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy",
		},
		MaxAge: corsMaxAge,
	})
}
