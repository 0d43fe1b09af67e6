// Package servertest builds orggraph's whole HTTP handler for tests outside
// internal/httpserver: the HTTP layer with the GraphQL endpoint wired into
// it as cmd/orggraph wires them; and reads the answers such tests get.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

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

// EventStream subscribes to query over an event stream at the GraphQL
// endpoint of the server at base, failing t unless it is answered 200; the
// stream closes when the test ends.
func EventStream(t testing.TB, ctx context.Context, base, query string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/graphql?query="+url.QueryEscape(query), nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the event stream: %d", resp.StatusCode)
	}
	return resp
}

// DialGraphQLWS opens a graphql-ws connection to the GraphQL endpoint of
// the server at base; it closes when the test ends.
func DialGraphQLWS(t testing.TB, ctx context.Context, base string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// InitGraphQLWS is DialGraphQLWS's connection with connection_init sent
// and acknowledged.
func InitGraphQLWS(t testing.TB, ctx context.Context, base string) *websocket.Conn {
	t.Helper()
	c := DialGraphQLWS(t, ctx, base)
	if err := wsjson.Write(ctx, c, map[string]any{"type": "connection_init"}); err != nil {
		t.Fatal(err)
	}
	var ack struct{ Type string }
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v %v", ack, err)
	}
	return c
}
