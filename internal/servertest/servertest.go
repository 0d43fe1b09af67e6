// Package servertest builds orggraph's whole HTTP handler for tests outside
// internal/httpserver: the HTTP layer with the GraphQL endpoint wired into
// it as cmd/orggraph wires them; and reads the answers such tests get.
package servertest

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

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

// Answer is the status and the whole body of resp, as http.Get or a
// client's Do returns it with err: err, or a body that breaks off, fails t.
func Answer(t testing.TB, resp *http.Response, err error) (int, []byte) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}
