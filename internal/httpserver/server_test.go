package httpserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// pingStore answers Ping with err and nothing else; the routes tested here
// read no data.
type pingStore struct {
	store.Store
	err error
}

func (s pingStore) Ping(context.Context) error { return s.err }

// Version is the empty graph's, for the ETags of GET queries.
func (s pingStore) Version(context.Context) (store.Version, error) { return store.Version{}, nil }

// Snapshot is an empty graph, for graph's count of the store.
func (s pingStore) Snapshot(context.Context) (*domain.Graph, error) { return &domain.Graph{}, nil }

func TestRoutes(t *testing.T) {
	down := pingStore{err: errors.New("neo4j: connection refused bolt://10.0.0.7:7687")}
	tests := []struct {
		name       string
		store      store.Store
		method     string
		path       string
		body       string
		wantStatus int
		wantBody   string // a substring
		notBody    string
	}{
		{"health", pingStore{}, http.MethodGet, "/healthz", "", http.StatusOK, `"ok"`, ""},
		{"health with the store down", down, http.MethodGet, "/healthz", "", http.StatusOK, `"ok"`, ""},
		{"ready", pingStore{}, http.MethodGet, "/readyz", "", http.StatusOK, `"ready"`, ""},
		{"not ready", down, http.MethodGet, "/readyz", "", http.StatusServiceUnavailable, `"unavailable"`, "bolt"},
		{"playground", pingStore{}, http.MethodGet, "/", "", http.StatusOK, "<html", ""},
		{"playground points at /graphql", pingStore{}, http.MethodGet, "/", "", http.StatusOK, `"/graphql"`, ""},
		{"graphql rejects PUT", pingStore{}, http.MethodPut, "/graphql", "", http.StatusMethodNotAllowed, "", ""},
		{"graphql GET", pingStore{}, http.MethodGet, "/graphql?query=%7B__typename%7D", "", http.StatusOK, `"Query"`, ""},
		{"graphql POST", pingStore{}, http.MethodPost, "/graphql", `{"query":"{__typename}"}`, http.StatusOK, `"Query"`, ""},
		{
			"graphql body too large", pingStore{}, http.MethodPost, "/graphql",
			`{"query":"{__typename}","variables":{"x":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}}`,
			http.StatusRequestEntityTooLarge, `"REQUEST_TOO_LARGE"`, "",
		},
		{"graphql body not JSON", pingStore{}, http.MethodPost, "/graphql", `{"query":`, http.StatusBadRequest, `"BAD_REQUEST"`, ""},
		{"unknown path", pingStore{}, http.MethodGet, "/nope", "", http.StatusNotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := testServer(slog.New(slog.DiscardHandler), tt.store, Options{Playground: true})
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d:\n%s", rec.Code, tt.wantStatus, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body lacks %q:\n%s", tt.wantBody, rec.Body)
			}
			if tt.notBody != "" && strings.Contains(rec.Body.String(), tt.notBody) {
				t.Errorf("body leaks %q:\n%s", tt.notBody, rec.Body)
			}
		})
	}
}

// A body sent chunked, without a declared length, is refused with the same
// 413 as a declared one once it passes the limit, over a real connection;
// one under the limit still runs.
func TestChunkedBodyOverTheLimitIs413(t *testing.T) {
	h := testServer(slog.New(slog.DiscardHandler), pingStore{}, Options{MaxBodyBytes: 64})
	var declared atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		declared.Store(r.ContentLength)
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"over", `{"query":"{__typename}","variables":{"x":"` + strings.Repeat("x", 100) + `"}}`, http.StatusRequestEntityTooLarge, apierr.RequestTooLarge},
		{"under", `{"query":"{__typename}"}`, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A reader without a length makes the client send it chunked.
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", io.MultiReader(strings.NewReader(tt.body)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if n := declared.Load(); n != -1 {
				t.Fatalf("the body arrived with a declared length, %d", n)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d: %s", resp.StatusCode, tt.wantStatus, got)
			}
			if tt.wantCode == "" {
				if !strings.Contains(string(got), `"Query"`) {
					t.Errorf("the query did not run: %s", got)
				}
				return
			}
			if code := onlyCode(t, got); code != tt.wantCode {
				t.Errorf("code = %q, want %q", code, tt.wantCode)
			}
		})
	}
}

func TestOneLogLinePerRequestWithItsID(t *testing.T) {
	tests := []struct {
		name   string
		sent   string
		wantID func(string) bool
	}{
		{"caller's id kept", "abc-123", func(id string) bool { return id == "abc-123" }},
		{"fresh id when none sent", "", func(id string) bool { return len(id) == 16 }},
		{"fresh id for a forged one", "x\ninjected", func(id string) bool { return len(id) == 16 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := testServer(slog.New(slog.NewJSONHandler(&logs, nil)), pingStore{}, Options{})
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			if tt.sent != "" {
				req.Header.Set(RequestIDHeader, tt.sent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			id := rec.Header().Get(RequestIDHeader)
			if !tt.wantID(id) {
				t.Errorf("response id = %q", id)
			}
			line := requestLine(t, &logs)
			if line["request_id"] != id || line["path"] != "/healthz" || line["status"] != float64(200) {
				t.Errorf("log line = %v", line)
			}
		})
	}
}

func TestPanicsAnswer500AndAreLogged(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	h := recoverPanics(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret detail")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Errorf("panic not logged: %s", logs.String())
	}
}
