package httpserver

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/store"
)

// Options tunes the server; zero values take the defaults.
type Options struct {
	// GraphQL tunes the GraphQL endpoint's limits and loaders.
	GraphQL graph.Options
	// MaxBodyBytes bounds a request body (DefaultMaxBodyBytes).
	MaxBodyBytes int64
}

// DefaultMaxBodyBytes is far above any real query and far below harm.
const DefaultMaxBodyBytes = 1 << 20

// NewServer returns orggraph's HTTP handler over st.
func NewServer(logger *slog.Logger, st store.Store, opts Options) http.Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	// Everything logged while serving a request carries its id.
	logger = slog.New(withRequestID(logger.Handler()))
	r := chi.NewRouter()
	addRoutes(r, logger, st, opts)
	return r
}
