package httpserver

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

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
