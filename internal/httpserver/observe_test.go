package httpserver

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/instrumented"
)

func TestMetricsRoute(t *testing.T) {
	tests := []struct {
		name    string
		metrics *observe.Metrics
		want    int
	}{
		{"on", observe.NewMetrics(), http.StatusOK},
		{"off", nil, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := quietServer(fixtureStore(t), Options{Metrics: tt.metrics})
			send(h, http.MethodGet, "/healthz", "")
			rec := send(h, http.MethodGet, "/metrics", "")
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want == http.StatusOK && !strings.Contains(rec.Body.String(), `orggraph_http_requests_total{method="GET",route="/healthz",status="200"} 1`) {
				t.Errorf("/metrics lacks the /healthz request:\n%s", rec.Body)
			}
		})
	}
}

// Requests are counted by route pattern, never by raw path, and the HTTP
// layer's own coded errors are counted by code.
func TestRequestsAreCounted(t *testing.T) {
	tests := []struct {
		name, method, target, body, contentType string
		labels                                  map[string]string
		code                                    string // counted in orggraph_errors_total
	}{
		{"GET query", http.MethodGet, getQuery(`{ centres { code } }`), "", "",
			map[string]string{"route": "/graphql", "method": "GET", "status": "200"}, ""},
		{"POST query", http.MethodPost, "/graphql", `{"query":"{ centres { code } }"}`, "application/json",
			map[string]string{"route": "/graphql", "method": "POST", "status": "200"}, ""},
		{"form POST", http.MethodPost, "/graphql", `query=x`, "application/x-www-form-urlencoded",
			map[string]string{"route": "/graphql", "method": "POST", "status": "415"}, apierr.UnsupportedMediaType},
		{"an unknown path", http.MethodGet, "/wp-admin/secret-1234", "", "",
			map[string]string{"route": "unmatched", "status": "404"}, ""},
		{"an export", http.MethodGet, "/export/impact.csv", "", "",
			map[string]string{"route": "/export/impact.csv", "status": "400"}, ""},
		{"a method the route lacks", http.MethodDelete, "/graphql", "", "",
			map[string]string{"route": "/graphql", "method": "DELETE", "status": "405"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := observe.NewMetrics()
			h := quietServer(fixtureStore(t), Options{Metrics: m})
			send(h, tt.method, tt.target, tt.body, "Content-Type", tt.contentType)
			for _, name := range []string{"orggraph_http_requests_total", "orggraph_http_request_duration_seconds"} {
				if got := observetest.Value(t, m, name, tt.labels); got != 1 {
					t.Errorf("%s%v = %v, want 1", name, tt.labels, got)
				}
			}
			if tt.code != "" {
				if got := observetest.Value(t, m, "orggraph_errors_total", map[string]string{"code": tt.code}); got != 1 {
					t.Errorf("errors{code=%s} = %v, want 1", tt.code, got)
				}
			}
		})
	}
}

// spanSpy records whether the store was called inside a span.
type spanSpy struct {
	store.Store
	sawSpan bool
}

func (s *spanSpy) NodesByKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error) {
	s.sawSpan = s.sawSpan || trace.SpanContextFromContext(ctx).IsValid()
	return s.Store.NodesByKind(ctx, kind)
}

const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
	traceparent = "00-" + callerTrace + "-" + callerSpan + "-01"
)

// With tracing on, a request is a server span in its caller's trace, and
// each store call a child of it.
func TestTracing(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	st := instrumented.New(fixtureStore(t), nil, tp.Tracer(observe.ScopeName))
	var logs bytes.Buffer
	h := testServer(slog.New(slog.NewJSONHandler(&logs, nil)), st, Options{TracerProvider: tp})
	// The handler counted the store for its prices as it was built, outside
	// any request: only what ends after that is the request's.
	before := len(rec.Ended())

	// Two store calls: the listing and its links in one (employees takes it
	// through gqlgen, past the direct path), and a search.
	resp := send(h, http.MethodPost, "/graphql", `{"query":"{ centres { code employees partners { code } } search(text: \"cba\") { score } }"}`,
		"Content-Type", "application/json", "traceparent", traceparent)
	if resp.Code != http.StatusOK {
		t.Fatalf("status %d: %s", resp.Code, resp.Body)
	}
	var server sdktrace.ReadOnlySpan
	var stores []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended()[before:] {
		switch {
		case s.SpanKind() == trace.SpanKindServer:
			server = s
		case strings.HasPrefix(s.Name(), "store."):
			stores = append(stores, s)
		}
	}
	if server == nil {
		t.Fatalf("no server span among %d", len(rec.Ended()))
	}
	if server.Name() != "POST /graphql" {
		t.Errorf("server span named %q", server.Name())
	}
	if server.SpanContext().TraceID().String() != callerTrace || server.Parent().SpanID().String() != callerSpan {
		t.Errorf("server span is in trace %s under %s, not the caller's", server.SpanContext().TraceID(), server.Parent().SpanID())
	}
	if len(stores) < 2 {
		t.Fatalf("%d store spans, want one per store call (at least 2)", len(stores))
	}
	for _, s := range stores {
		if s.Parent().SpanID() != server.SpanContext().SpanID() {
			t.Errorf("%s is not a child of the server span", s.Name())
		}
	}
	line := requestLine(t, &logs)
	if line["trace_id"] != callerTrace {
		t.Errorf("the request log names trace %v", line["trace_id"])
	}
}

// With tracing off nothing is made: no span reaches the store, even when
// the caller sends a traceparent, and the log names no trace.
func TestTracingOff(t *testing.T) {
	spy := &spanSpy{Store: fixtureStore(t)}
	var logs bytes.Buffer
	h := testServer(slog.New(slog.NewJSONHandler(&logs, nil)), instrumented.New(spy, nil, nil), Options{})
	resp := send(h, http.MethodPost, "/graphql", `{"query":"{ centres { code } }"}`,
		"Content-Type", "application/json", "traceparent", traceparent)
	if resp.Code != http.StatusOK {
		t.Fatalf("status %d", resp.Code)
	}
	if spy.sawSpan {
		t.Error("a store call ran inside a span")
	}
	if strings.Contains(logs.String(), "trace_id") {
		t.Errorf("log names a trace: %s", logs.String())
	}
}

func TestRequestLogNamesTheClient(t *testing.T) {
	tests := []struct {
		name       string
		trustProxy bool
		xff        string
		want       string
	}{
		{"the peer", false, "", "192.0.2.1"},
		{"the peer, whatever the header says", false, "198.51.100.7", "192.0.2.1"},
		{"behind a trusted proxy", true, "203.0.113.9, 198.51.100.7", "198.51.100.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := testServer(slog.New(slog.NewJSONHandler(&logs, nil)), fixtureStore(t), Options{TrustProxy: tt.trustProxy})
			rec := fromClient(h, "192.0.2.1:1234", getQuery(`{ centres { code } }`), "X-Forwarded-For", tt.xff)
			line := requestLine(t, &logs)
			want := map[string]any{
				"client": tt.want, "method": "GET", "path": "/graphql", "status": float64(200),
				"bytes": float64(rec.Body.Len()), "request_id": rec.Header().Get(RequestIDHeader),
			}
			for k, v := range want {
				if line[k] != v {
					t.Errorf("%s = %v, want %v", k, line[k], v)
				}
			}
			if _, ok := line["duration"]; !ok {
				t.Error("no duration")
			}
		})
	}
}

// A kept answer is logged with its operation's name and counted as an
// HTTP request, but not as a GraphQL operation, since none ran.
func TestAKeptAnswerIsLoggedAndCounted(t *testing.T) {
	var logs bytes.Buffer
	m := observe.NewMetrics()
	h := testServer(slog.New(slog.NewJSONHandler(&logs, nil)), fixtureStore(t), Options{Metrics: m})
	target := getQuery(`query CentreCodes { centres { code } }`)
	send(h, http.MethodGet, target, "")
	logs.Reset()
	send(h, http.MethodGet, target, "")
	line := requestLine(t, &logs)
	if line["operation"] != "CentreCodes" || line["status"] != float64(200) {
		t.Errorf("the kept answer's log line: %v", line)
	}
	if got := observetest.Value(t, m, "orggraph_http_requests_total", map[string]string{"route": "/graphql", "method": "GET", "status": "200"}); got != 2 {
		t.Errorf("HTTP requests counted: %v, want 2", got)
	}
	if got := observetest.Value(t, m, "orggraph_graphql_requests_total", map[string]string{"operation": "CentreCodes", "outcome": "ok"}); got != 1 {
		t.Errorf("GraphQL operations counted: %v, want 1 (the one that ran)", got)
	}
}
