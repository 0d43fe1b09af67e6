package httpserver

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// fixtureStore is the contract suite's small graph in memory.
func fixtureStore(t testing.TB) store.Store {
	t.Helper()
	return seedtest.Mem(t, storetest.Fixture())
}

// oneToken mints a bearer token for subject in role, and the tokens that
// know it alone.
func oneToken(t testing.TB, role, subject string) (string, *auth.Tokens) {
	t.Helper()
	tok, line, err := auth.NewToken(role, subject, auth.DefaultTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.ParseTokens(line)
	if err != nil {
		t.Fatal(err)
	}
	return tok, tokens
}

// quietServer is NewServer over st with logs discarded.
func quietServer(st store.Store, opts Options) http.Handler {
	return testServer(slog.New(slog.DiscardHandler), st, opts)
}

// send serves one request; headers are name, value pairs.
func send(h http.Handler, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	return serve(h, request(method, target, body, headers...))
}

// fromClient serves a GET as if from addr, with extra headers.
func fromClient(h http.Handler, addr, target string, headers ...string) *httptest.ResponseRecorder {
	req := request(http.MethodGet, target, "", headers...)
	req.RemoteAddr = addr
	return serve(h, req)
}

// request is a request to h; an empty body is none.
func request(method, target, body string, headers ...string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// errorCodes are the extensions.code of each error in a GraphQL-shaped body.
func errorCodes(t testing.TB, body []byte) []string {
	t.Helper()
	var resp struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("not a GraphQL response: %v\n%s", err, body)
	}
	var codes []string
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if e.Message == "" {
			t.Errorf("an error without a message: %s", body)
		}
		codes = append(codes, code)
	}
	return codes
}

func onlyCode(t testing.TB, body []byte) string {
	t.Helper()
	codes := errorCodes(t, body)
	if len(codes) != 1 {
		t.Fatalf("want one error, got %v: %s", codes, body)
	}
	return codes[0]
}

// testServer is NewServer with the GraphQL endpoint wired in as
// cmd/orggraph wires it (internal/servertest does the same for other
// packages' tests; this package's cannot import it).
func testServer(logger *slog.Logger, st store.Store, opts Options) http.Handler {
	return serverWith(logger, st, opts, graph.Options{})
}

// serverWith is testServer with the GraphQL endpoint's options.
func serverWith(logger *slog.Logger, st store.Store, opts Options, gql graph.Options) http.Handler {
	logger = RequestLogger(logger)
	gql.Metrics = opts.Metrics
	opts.GraphQL, opts.Schema = graph.NewHandler(logger, st, gql), graph.SDL()
	return NewServer(logger, st, opts)
}

// requestLine is the one request log line in logs, a JSON log; the
// server's other lines (such as the GraphQL endpoint's, as it counts the
// store for pricing in the background) are passed over.
func requestLine(t *testing.T, logs *bytes.Buffer) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var line map[string]any
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatalf("a log line that is not JSON: %v: %s", err, l)
		}
		if line["msg"] == "request" {
			found = append(found, line)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one request log line, got %d:\n%s", len(found), logs.String())
	}
	return found[0]
}
