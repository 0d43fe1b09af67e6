package httpserver

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/bif-kk/orggraph/internal/observe"
)

// countRequests records every request's route, method, status and time in
// m. It must run inside the chi router, which names the route.
func countRequests(m *observe.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			m.HTTPRequest(routeOf(r), r.Method, status, time.Since(start))
		})
	}
}

// routeOf is the pattern of the route r matched ("/graphql", "/export/impact.csv"),
// or "" when none does: never the raw path, which a client could vary at
// will. A request answered before routing (a 429, a CORS preflight) is
// looked up in the routes.
func routeOf(r *http.Request) string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil {
		return ""
	}
	p := rctx.RoutePattern()
	if p == "" && rctx.Routes != nil {
		p = rctx.Routes.Find(chi.NewRouteContext(), r.Method, r.URL.Path)
	}
	p = strings.TrimSuffix(p, "/*")
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}
