package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/writes"
)

// writableStores gives each test of how writes are answered a fresh
// writable store holding the seed, of each kind: the memstore with a data
// folder and the test Neo4j.
func writableStores(t *testing.T) map[string]func(t *testing.T) store.Store {
	g := seedtest.Graph(t)
	return map[string]func(t *testing.T) store.Store{
		"memory": func(t *testing.T) store.Store {
			st, err := memstore.Open(g, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		"neo4j": func(t *testing.T) store.Store {
			st := neo4jtest.Store(t)
			if err := st.Load(context.Background(), g); err != nil {
				t.Fatal(err)
			}
			return st
		},
	}
}

// postKeyed posts query with token and an Idempotency-Key header (none when
// either is "").
func postKeyed(t *testing.T, h http.Handler, token, key, query string) writeResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set(writes.IdempotencyKeyHeader, key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp writeResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d, not JSON: %s", rec.Code, rec.Body.String())
	}
	return resp
}

// readsFailAfterAWrite is a store whose reads fail once a write has been
// made, as Neo4j's do when it goes away right after a commit.
type readsFailAfterAWrite struct {
	store.Store
	wrote atomic.Bool
}

func (s *readsFailAfterAWrite) Apply(ctx context.Context, w domain.Write) (*domain.AuditEntry, error) {
	e, err := s.Store.Apply(ctx, w)
	s.wrote.Store(err == nil)
	return e, err
}

func (s *readsFailAfterAWrite) gone() error {
	if s.wrote.Load() {
		return fmt.Errorf("test: %w", domain.ErrUnavailable)
	}
	return nil
}

func (s *readsFailAfterAWrite) NodesByID(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
	if err := s.gone(); err != nil {
		return nil, err
	}
	return s.Store.NodesByID(ctx, ids)
}

func (s *readsFailAfterAWrite) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	if err := s.gone(); err != nil {
		return nil, err
	}
	return s.Store.Expand(ctx, xs)
}

// ackLost is a store that makes the first write it is given and then
// answers it failed, as a commit whose acknowledgement a broken connection
// lost: the client cannot tell whether it was saved.
type ackLost struct {
	store.Store
	lost atomic.Bool
}

func (s *ackLost) Apply(ctx context.Context, w domain.Write) (*domain.AuditEntry, error) {
	e, err := s.Store.Apply(ctx, w)
	if err == nil && s.lost.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("test: the answer was lost: %w", domain.ErrUnavailable)
	}
	return e, err
}

func auditCount(t *testing.T, st store.Store, target string) int {
	t.Helper()
	es, err := st.Audit(context.Background(), store.AuditQuery{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// A saved write is answered as saved, on both stores: when every read after
// its commit fails, when its first answer was lost and the client retries
// under its idempotency key, and beside a later write of its document that
// fails.
func TestWritesReportTruly(t *testing.T) {
	for name, open := range writableStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("reads fail after the commit: the answer is the write's audit entry and node", func(t *testing.T) {
				st := &readsFailAfterAWrite{Store: open(t)}
				h, tok := writableOver(t, st)
				r := post(t, h, tok["anna"], createUnge)
				if len(r.Errors) > 0 {
					t.Fatalf("a saved write answered with errors: %+v", r.Errors)
				}
				var res struct {
					Audit struct{ Seq, Version int }
					Node  struct{ ID, Name string }
				}
				if err := json.Unmarshal(r.Data["createNode"], &res); err != nil || res.Audit.Seq < 1 || res.Audit.Version != 1 || res.Node.Name != "Nye unge" {
					t.Fatalf("answer %s (%v)", r.Data["createNode"], err)
				}
				if n := auditCount(t, st.Store, "targetgroup:nye-unge"); n != 1 {
					t.Fatalf("%d audit entries", n)
				}
			})

			t.Run("a lost answer, retried under the idempotency key: the first write, once", func(t *testing.T) {
				st := &ackLost{Store: open(t)}
				h, tok := writableOver(t, st)
				if c := code(postKeyed(t, h, tok["anna"], "retry-1", createUnge)); c != apierr.Unavailable {
					t.Fatalf("first attempt: code %q, want the lost answer's UNAVAILABLE", c)
				}
				r := postKeyed(t, h, tok["anna"], "retry-1", createUnge)
				if len(r.Errors) > 0 || !strings.Contains(string(r.Data["createNode"]), `"name":"Nye unge"`) {
					t.Fatalf("retry under the key: %+v %s", r.Errors, r.Data["createNode"])
				}
				if again := postKeyed(t, h, tok["anna"], "retry-1", createUnge); string(again.Data["createNode"]) != string(r.Data["createNode"]) {
					t.Fatalf("a second retry answered %s, the first %s", again.Data["createNode"], r.Data["createNode"])
				}
				if n := auditCount(t, st.Store, "targetgroup:nye-unge"); n != 1 {
					t.Fatalf("%d audit entries, want 1", n)
				}
				if c := code(post(t, h, tok["anna"], createUnge)); c != apierr.Conflict {
					t.Fatalf("a retry without the key: code %q, want CONFLICT", c)
				}
				other := strings.Replace(createUnge, `name: "Nye unge"`, `name: "Andre unge"`, 1)
				if c := code(postKeyed(t, h, tok["anna"], "retry-1", other)); c != apierr.KeyReused {
					t.Fatalf("the key for another write: code %q", c)
				}
				if c := code(postKeyed(t, h, tok["bo"], "retry-1", createUnge)); c != apierr.KeyReused {
					t.Fatalf("another planner's key: code %q", c)
				}
				if c := code(postKeyed(t, h, tok["anna"], strings.Repeat("k", 200), createUnge)); c != apierr.BadUserInput {
					t.Fatalf("an overlong key: code %q", c)
				}
			})

			t.Run("two writes in a document: the first's result and the second's error", func(t *testing.T) {
				st := open(t)
				h, tok := writableOver(t, st)
				r := post(t, h, tok["anna"], `mutation {
  first: createNode(input: {id: "targetgroup:nye-unge", name: "Nye unge", sources: [{document: "d", section: "s"}]}) { audit { seq } node { name } }
  second: createNode(input: {id: "targetgroup:nye-unge", name: "Igen", sources: [{document: "d", section: "s"}]}) { audit { seq } }
}`)
				if !strings.Contains(string(r.Data["first"]), `"name":"Nye unge"`) || string(r.Data["second"]) != "null" {
					t.Fatalf("data: first %s, second %s", r.Data["first"], r.Data["second"])
				}
				if len(r.Errors) != 1 || code(r) != apierr.Conflict {
					t.Fatalf("errors: %+v", r.Errors)
				}
				if n := auditCount(t, st, "targetgroup:nye-unge"); n != 1 {
					t.Fatalf("%d audit entries", n)
				}
			})

			t.Run("a document retried under one key: each write answered with its first result", func(t *testing.T) {
				st := open(t)
				h, tok := writableOver(t, st)
				doc := `mutation {
  a: createNode(input: {id: "targetgroup:nye-unge", name: "Nye unge", sources: [{document: "d", section: "s"}]}) { audit { seq } }
  b: updateNode(id: "targetgroup:nye-unge", expectedVersion: 1, input: {description: "Unge under 30"}) { audit { seq version } }
}`
				first := postKeyed(t, h, tok["anna"], "doc-1", doc)
				again := postKeyed(t, h, tok["anna"], "doc-1", doc)
				if len(first.Errors)+len(again.Errors) > 0 || string(first.Data["a"]) != string(again.Data["a"]) || string(first.Data["b"]) != string(again.Data["b"]) {
					t.Fatalf("first %+v %s %s\nagain %+v %s %s", first.Errors, first.Data["a"], first.Data["b"], again.Errors, again.Data["a"], again.Data["b"])
				}
				if n := auditCount(t, st, "targetgroup:nye-unge"); n != 2 {
					t.Fatalf("%d audit entries, want 2", n)
				}
			})
		})
	}
}
