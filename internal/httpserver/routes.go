package httpserver

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/export"
	"github.com/bif-kk/orggraph/internal/scenario"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/web"
)

// addRoutes is the whole API surface in one place.
func addRoutes(r chi.Router, logger *slog.Logger, st store.Store, opts Options) {
	r.Use(middlewares(logger, opts)...)
	// HEAD is GET without the body, on every route (RFC 9110); each
	// subrouter needs it again, since chi routes HEAD to a subrouter whole.
	r.Use(middleware.GetHead)
	r.NotFound(handleNotFound(opts.Metrics))
	r.MethodNotAllowed(handleMethodNotAllowed(r, opts.Metrics))

	// The playground, the explorer page and the intranet widgets: embedded,
	// public assets.
	pages := web.Handler()
	if opts.Playground {
		r.Method(http.MethodGet, "/", pages)
		r.Method(http.MethodGet, "/playground/*", pages)
	}
	r.Get("/healthz", handleHealthz())
	r.Get("/readyz", handleReadyz(logger, st))
	if opts.Metrics != nil {
		r.Method(http.MethodGet, "/metrics", opts.Metrics.Handler())
	}

	r.Method(http.MethodGet, "/explorer", pages)
	r.Method(http.MethodGet, "/explorer/*", pages)
	r.Method(http.MethodGet, "/widgets/v1/*", pages)

	// Who is asking: reads may need a token, writes always do.
	authenticate := auth.Middleware(opts.Tokens, opts.ReadsNeedToken)

	r.Route("/export", func(r chi.Router) {
		r.Use(middleware.GetHead, authenticate)
		// ?scenario=scenario:s1 exports the graph as that scenario makes it.
		views := scenario.New(st)
		r.Get("/graph.jsonld", handleExportGraph(logger, opts.Metrics, st, views, export.JSONLDContentType, "", export.WriteJSONLD))
		r.Get("/graph.graphml", handleExportGraph(logger, opts.Metrics, st, views, export.GraphMLContentType, attachment("graph.graphml"), export.WriteGraphML))
		r.Get("/impact.csv", handleExportImpactCSV(logger, opts.Metrics, st, views))
	})

	if opts.GraphQL == nil {
		return // a server of exports and pages only
	}
	// The schema as SDL, for code generators, also with introspection off.
	r.With(authenticate).Get("/schema.graphql", handleSchemaSDL(opts.Schema))

	gql := opts.GraphQL
	r.Route("/graphql", func(r chi.Router) {
		// Subscriptions (live.go) are not cached and hold no in-flight
		// place, which they would keep for as long as they live; they are
		// bounded per client instead, after the same authentication.
		// The cache after authentication: its tags know who asks, and no
		// kept answer reaches a token that is no longer valid.
		answers := newAnswerCache(opts.AnswerCacheBytes)
		r.Use(middleware.GetHead, limitBody(opts.MaxBodyBytes, opts.Metrics), requireJSON(opts.Metrics),
			allowSocketOrigins(opts.CORSOrigins, opts.Metrics), authenticate,
			unlessLive(cacheQueries(opts.CacheMaxAge, st, answers)), limitLive(opts.MaxLivePerClient, opts.Drain, opts.Metrics))
		if opts.MaxInFlight > 0 {
			// Last, so that what is refused anyway does not queue.
			r.Use(unlessLive(limitInFlight(opts.MaxInFlight)))
		}
		r.Get("/", gql.ServeHTTP)
		r.Post("/", gql.ServeHTTP)
		r.Options("/", gql.ServeHTTP)
	})
}
