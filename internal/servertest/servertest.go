// Package servertest builds orggraph's whole HTTP handler for tests outside
// internal/httpserver: the HTTP layer with the GraphQL endpoint wired into
// it as cmd/orggraph wires them.
package servertest

import (
	"log/slog"
	"net/http"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/store"
)

// New returns the server over st with opts, its GraphQL endpoint tuned by
// gql and counting into opts.Metrics.
func New(logger *slog.Logger, st store.Store, opts httpserver.Options, gql graph.Options) http.Handler {
	logger = httpserver.RequestLogger(logger)
	gql.Metrics = opts.Metrics
	opts.GraphQL, opts.Schema = graph.NewHandler(logger, st, gql), graph.SDL()
	return httpserver.NewServer(logger, st, opts)
}
