package httpserver

import (
	"log/slog"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/go-chi/chi/v5"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/export"
	"github.com/bif-kk/orggraph/internal/store"
)

// addRoutes is the whole API surface in one place.
func addRoutes(r chi.Router, logger *slog.Logger, st store.Store, opts Options) {
	r.Use(requestID, logRequests(logger), recoverPanics(logger))

	r.Get("/", playground.Handler("orggraph", "/graphql"))
	r.Get("/healthz", handleHealthz())
	r.Get("/readyz", handleReadyz(logger, st))

	r.Route("/export", func(r chi.Router) {
		r.Get("/graph.jsonld", handleExportGraph(logger, st, export.JSONLDContentType, "", export.WriteJSONLD))
		r.Get("/graph.graphml", handleExportGraph(logger, st, export.GraphMLContentType, attachment("graph.graphml"), export.WriteGraphML))
		r.Get("/impact.csv", handleExportImpactCSV(logger, st))
	})

	gql := graph.NewHandler(logger, st, opts.GraphQL)
	r.Route("/graphql", func(r chi.Router) {
		r.Use(limitBody(opts.MaxBodyBytes))
		r.Get("/", gql.ServeHTTP)
		r.Post("/", gql.ServeHTTP)
		r.Options("/", gql.ServeHTTP)
	})
}
