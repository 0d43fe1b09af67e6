package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
	"github.com/bif-kk/orggraph/internal/store"
)

// The answer ceiling stops an answer that outgrows it while it runs, on
// the direct path and on gqlgen's, with one error and no data.
func TestAnswerCeilingStopsAnAnswerAsItGrows(t *testing.T) {
	st := seededStore(t)
	for _, tt := range []struct {
		name string
		opts graph.Options
	}{
		{"values, direct path", graph.Options{MaxAnswerValues: 30}},
		{"values, gqlgen", graph.Options{MaxAnswerValues: 30, GQLGenOnly: true}},
		{"bytes, direct path", graph.Options{MaxAnswerBytes: 300}},
		{"bytes, gqlgen", graph.Options{MaxAnswerBytes: 300, GQLGenOnly: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := graph.NewHandler(slog.New(slog.DiscardHandler), st, tt.opts)
			// Priced at a few hundred values, within the cost limit; it
			// answers some 40 fields of 60 values, and 1,500 bytes.
			_, body, resp := do(t, h, http.MethodPost, `{ centres { code name targetGroups { name } } }`, nil)
			if got := codes(resp); len(got) != 1 || got[0] != apierr.AnswerLimit || string(resp.Data) != "null" {
				t.Fatalf("codes %v, data %s; want one %s and no data:\n%.300s", got, resp.Data, apierr.AnswerLimit, body)
			}
			// A smaller answer passes.
			_, body, resp = do(t, h, http.MethodPost, `{ centres { code } }`, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("a small answer refused: %s", body)
			}
		})
	}
}

// stallingStore stalls every read until the request's context ends, and
// notes any read that starts after the handler answered.
type stallingStore struct {
	store.Store
	answered atomic.Bool
	late     atomic.Int64
}

func (s *stallingStore) stall(ctx context.Context) error {
	if s.answered.Load() {
		s.late.Add(1)
	}
	<-ctx.Done()
	return fmt.Errorf("stalled: %w", ctx.Err())
}

func (s *stallingStore) Expand(ctx context.Context, _ []store.Expansion) ([]store.Expanded, error) {
	return nil, s.stall(ctx)
}

func (s *stallingStore) ImpactPaths(ctx context.Context, _ []domain.ID, _ int) (map[domain.ID][]domain.Path, error) {
	return nil, s.stall(ctx)
}

// A request whose deadline passes while it runs answers one TIMEOUT, logs
// no error, counts no INTERNAL, and no read starts once it has answered.
func TestARequestPastItsDeadlineAnswersTimeoutAndStops(t *testing.T) {
	for _, tt := range []struct{ name, query string }{
		{"direct path", `{ centres { code targetGroups { name } } }`},
		{"gqlgen", `{ centres { code targetGroups { name } partners { name } interventions { name deliveredBy { code } } } }`},
		{"a traversal", `{ impact(of: "reformchange:afskaffelse-af-ressourceforloeb") { centres { centre { code } } } }`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			st := &stallingStore{Store: seededStore(t)}
			m := observe.NewMetrics()
			h := graph.NewHandler(slog.New(slog.NewJSONHandler(&logs, nil)), st, graph.Options{Metrics: m})
			body, _ := json.Marshal(map[string]any{"query": tt.query})
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			st.answered.Store(true)
			var resp gqlResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, rec.Body)
			}
			if got := codes(resp); len(got) != 1 || got[0] != apierr.Timeout {
				t.Fatalf("codes %v; want one %s:\n%.400s", got, apierr.Timeout, rec.Body)
			}
			time.Sleep(100 * time.Millisecond) // a loader's wait, many times over
			if n := st.late.Load(); n > 0 {
				t.Fatalf("%d reads started after the request answered", n)
			}
			if strings.Contains(logs.String(), `"level":"ERROR"`) || strings.Contains(logs.String(), "INTERNAL") {
				t.Fatalf("a timeout logged as an error:\n%s", logs.String())
			}
			// The operation's one error is TIMEOUT; the HTTP layer, which
			// answers the timed-out request, counts it in errors_total.
			if n := observetest.Value(t, m, "orggraph_graphql_errors_total", map[string]string{"code": apierr.Timeout}); n != 1 {
				t.Errorf("graphql errors coded TIMEOUT: %v, want 1", n)
			}
			for _, code := range []string{apierr.Internal, apierr.Unavailable} {
				if n := observetest.Value(t, m, "orggraph_graphql_errors_total", map[string]string{"code": code}) +
					observetest.Value(t, m, "orggraph_errors_total", map[string]string{"code": code}); n != 0 {
					t.Errorf("a timeout counted %v times as %s", n, code)
				}
			}
		})
	}
}
