package httpserver

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/cors"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
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

// allowSocketOrigins holds a WebSocket upgrade to the origins the API's
// CORS allows: a browser sends the page's Origin with the upgrade but
// applies no CORS to what comes back, so the server decides. A page on the
// API's own host, or one of origins (as given to allowOrigins), may open
// one; any other page is refused with 403 FORBIDDEN. An upgrade without an
// Origin is no browser's, and passes. (The GraphQL endpoint's WebSocket
// transport leaves the check to this.)
func allowSocketOrigins(origins []string, m *observe.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if r.Header.Get("Upgrade") == "" || origin == "" || socketOriginAllowed(r, origin, origins) {
				next.ServeHTTP(w, r)
				return
			}
			writeError(w, m, apierr.Forbidden, "pages on this origin may not open a WebSocket to the API; it allows its own and those of --cors-origins")
		})
	}
}

func socketOriginAllowed(r *http.Request, origin string, origins []string) bool {
	for _, o := range origins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}
