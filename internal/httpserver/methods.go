package httpserver

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// handleNotFound answers a path no route serves with NOT_FOUND, in
// GraphQL's shape like every other error (chi's own is plain text).
func handleNotFound(m *observe.Metrics) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeError(w, m, apierr.NotFound, "no such route: "+truncatePath(r.URL.Path))
	}
}

// handleMethodNotAllowed answers a method a route does not take with 405
// METHOD_NOT_ALLOWED and Allow listing those it does.
func handleMethodNotAllowed(routes chi.Routes, m *observe.Metrics) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions} {
			if routes.Match(chi.NewRouteContext(), method, r.URL.Path) ||
				method == http.MethodHead && routes.Match(chi.NewRouteContext(), http.MethodGet, r.URL.Path) {
				allowed = append(allowed, method)
			}
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, m, apierr.MethodNotAllowed, r.Method+" is not allowed here; use "+strings.Join(allowed, ", "))
	}
}

// truncatePath keeps a quoted path short: it is the client's text.
func truncatePath(p string) string {
	const max = 100
	if len(p) <= max {
		return p
	}
	return p[:max] + "…"
}
