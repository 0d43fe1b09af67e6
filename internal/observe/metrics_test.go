package observe_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
)

func TestHTTPRequestLabels(t *testing.T) {
	tests := []struct {
		name          string
		route, method string
		status        int
		want          map[string]string
	}{
		{"a route", "/graphql", http.MethodPost, 200, map[string]string{"route": "/graphql", "method": "POST", "status": "200"}},
		{"no route", "", http.MethodGet, 404, map[string]string{"route": "unmatched", "method": "GET", "status": "404"}},
		{"an invented method", "/graphql", "BREW", 405, map[string]string{"route": "/graphql", "method": "OTHER", "status": "405"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := observe.NewMetrics()
			m.HTTPRequest(tt.route, tt.method, tt.status, time.Millisecond)
			for _, name := range []string{"orggraph_http_requests_total", "orggraph_http_request_duration_seconds"} {
				if got := observetest.Value(t, m, name, tt.want); got != 1 {
					t.Errorf("%s%v = %v, want 1", name, tt.want, got)
				}
			}
		})
	}
}

func TestErrorCoded(t *testing.T) {
	tests := []struct {
		code, label string
	}{
		{apierr.RateLimited, apierr.RateLimited},
		{apierr.PersistedQueryUnknown, apierr.PersistedQueryUnknown},
		{"NOT_OURS", "other"},
		{"", "other"},
		{"not a code {}", "other"},
		{strings.Repeat("X", 65), "other"},
	}
	for _, tt := range tests {
		t.Run(tt.label+"/"+tt.code, func(t *testing.T) {
			m := observe.NewMetrics()
			m.ErrorCoded(tt.code)
			if got := observetest.Value(t, m, "orggraph_errors_total", map[string]string{"code": tt.label}); got != 1 {
				t.Errorf("errors{code=%q} = %v, want 1", tt.label, got)
			}
		})
	}
}

// Codes come from the outside too (a future extension's): only the error
// table's codes get a series of their own, so there is one per code.
func TestErrorCodesAreBounded(t *testing.T) {
	m := observe.NewMetrics()
	for i := range 100 {
		m.ErrorCoded(fmt.Sprintf("CODE_%d", i))
	}
	for _, e := range apierr.Table() {
		m.ErrorCoded(e.Code)
	}
	if got := observetest.Value(t, m, "orggraph_errors_total", map[string]string{"code": "other"}); got != 100 {
		t.Errorf("other = %v, want 100", got)
	}
	for _, e := range apierr.Table() {
		if got := observetest.Value(t, m, "orggraph_errors_total", map[string]string{"code": e.Code}); got != 1 {
			t.Errorf("errors{code=%q} = %v, want 1", e.Code, got)
		}
	}
}

// Every method does nothing on a nil *Metrics, so callers need no checks.
func TestNilMetricsRecordNothing(t *testing.T) {
	var m *observe.Metrics
	m.HTTPRequest("/", "GET", 200, time.Second)
	m.ErrorCoded("X")
	m.StoreCallStarted("memstore", "Ping")
	m.StoreCallEnded("memstore", "Ping", "ok", time.Second)
}

func TestStoreCalls(t *testing.T) {
	m := observe.NewMetrics()
	m.StoreCallStarted("neo4jstore", "Links")
	m.StoreCallStarted("neo4jstore", "Links")
	inFlight := map[string]string{"store": "neo4jstore", "op": "Links"}
	if got := observetest.Value(t, m, "orggraph_store_calls_in_flight", inFlight); got != 2 {
		t.Errorf("in flight = %v, want 2", got)
	}
	m.StoreCallEnded("neo4jstore", "Links", "unavailable", 2*time.Second)
	if got := observetest.Value(t, m, "orggraph_store_calls_in_flight", inFlight); got != 1 {
		t.Errorf("in flight = %v, want 1", got)
	}
	done := map[string]string{"store": "neo4jstore", "op": "Links", "outcome": "unavailable"}
	if got := observetest.Value(t, m, "orggraph_store_calls_total", done); got != 1 {
		t.Errorf("calls = %v, want 1", got)
	}
}

// /metrics serves orggraph's metrics, the runtime's and the process's, from
// its own registry.
func TestHandlerServesTheRegistry(t *testing.T) {
	m := observe.NewMetrics()
	m.HTTPRequest("/graphql", "GET", 200, time.Millisecond)
	m.ErrorCoded("RATE_LIMITED")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`orggraph_http_requests_total{method="GET",route="/graphql",status="200"} 1`,
		`orggraph_errors_total{code="RATE_LIMITED"} 1`,
		"go_goroutines",
		"process_start_time_seconds",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// Two Metrics do not share a registry: no global state.
func TestMetricsAreIndependent(t *testing.T) {
	a, b := observe.NewMetrics(), observe.NewMetrics()
	a.ErrorCoded("X")
	if got := observetest.Value(t, b, "orggraph_errors_total", nil); got != 0 {
		t.Errorf("b saw a's error: %v", got)
	}
}
