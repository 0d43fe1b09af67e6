package observe_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
)

// graphQLServer is a gqlgen server with the extension installed, behind a
// handler that gives each request an operation slot and reports the name
// found in it.
func graphQLServer(m *observe.Metrics, seen *string) http.Handler {
	srv := testserver.New()
	srv.AddTransport(transport.POST{})
	srv.Use(m.GraphQL())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := observe.WithOperationSlot(r.Context())
		srv.ServeHTTP(w, r.WithContext(ctx))
		*seen = observe.OperationName(ctx)
	})
}

func postQuery(t *testing.T, h http.Handler, body string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(httptest.NewRecorder(), req)
}

func TestGraphQLExtension(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		operation string // label
		outcome   string
		code      string // of the error, if any
		logged    string // the name handed to the log
	}{
		{"named", `{"query":"query Centres { name }"}`, "Centres", "ok", "", "Centres"},
		{"chosen from several", `{"query":"query A { name } query B { name }","operationName":"B"}`, "B", "ok", "", "B"},
		{"anonymous", `{"query":"{ name }"}`, "anonymous", "ok", "", ""},
		{"does not parse", `{"query":"query Q {"}`, "invalid", "error", "GRAPHQL_PARSE_FAILED", ""},
		{"does not validate", `{"query":"query Q { nope }"}`, "invalid", "error", "GRAPHQL_VALIDATION_FAILED", ""},
		{"body not JSON", `{"query":`, "invalid", "error", "other", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := observe.NewMetrics()
			var seen string
			postQuery(t, graphQLServer(m, &seen), tt.body)

			op := map[string]string{"operation": tt.operation, "outcome": tt.outcome}
			if got := observetest.Value(t, m, "orggraph_graphql_requests_total", op); got != 1 {
				t.Errorf("requests%v = %v, want 1", op, got)
			}
			timed := map[string]string{"operation": tt.operation}
			if got := observetest.Value(t, m, "orggraph_graphql_request_duration_seconds", timed); got != 1 {
				t.Errorf("timings%v = %v, want 1", timed, got)
			}
			errs := observetest.Value(t, m, "orggraph_graphql_errors_total", nil)
			switch {
			case tt.code == "" && errs != 0:
				t.Errorf("%v errors counted, want none", errs)
			case tt.code != "":
				coded := map[string]string{"operation": tt.operation, "code": tt.code}
				if got := observetest.Value(t, m, "orggraph_graphql_errors_total", coded); got != 1 {
					t.Errorf("errors%v = %v, want 1", coded, got)
				}
			}
			if seen != tt.logged {
				t.Errorf("operation name for the log = %q, want %q", seen, tt.logged)
			}
		})
	}
}

// Operation names are the client's to choose: past a cap they share one
// series, so a client cannot multiply them without bound.
func TestOperationNamesAreBounded(t *testing.T) {
	m := observe.NewMetrics()
	var seen string
	h := graphQLServer(m, &seen)
	for i := range 205 {
		postQuery(t, h, fmt.Sprintf(`{"query":"query Op%d { name }"}`, i))
	}
	if got := observetest.Value(t, m, "orggraph_graphql_requests_total", map[string]string{"operation": "Op0"}); got != 1 {
		t.Errorf("Op0 = %v, want 1", got)
	}
	if got := observetest.Value(t, m, "orggraph_graphql_requests_total", map[string]string{"operation": "other"}); got != 5 {
		t.Errorf("other = %v, want 5", got)
	}
	if seen != "Op204" {
		t.Errorf("the log still gets the real name: %q", seen)
	}
}

// On a nil *Metrics the extension still names operations for the log.
func TestGraphQLExtensionWithoutMetrics(t *testing.T) {
	var m *observe.Metrics
	var seen string
	postQuery(t, graphQLServer(m, &seen), `{"query":"query Named { name }"}`)
	if seen != "Named" {
		t.Errorf("operation name = %q", seen)
	}
}
