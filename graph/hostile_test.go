package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

// readCounter counts the store's reads a request makes (the handler's own
// counting of the store, a Snapshot, is not one).
type readCounter struct {
	store.Store
	reads atomic.Int64
}

func (c *readCounter) NodesByID(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
	c.reads.Add(1)
	return c.Store.NodesByID(ctx, ids)
}

func (c *readCounter) NodesByKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error) {
	c.reads.Add(1)
	return c.Store.NodesByKind(ctx, kind)
}

func (c *readCounter) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	c.reads.Add(1)
	return c.Store.Expand(ctx, xs)
}

func (c *readCounter) ImpactPaths(ctx context.Context, from []domain.ID, maxLen int) (map[domain.ID][]domain.Path, error) {
	c.reads.Add(1)
	return c.Store.ImpactPaths(ctx, from, maxLen)
}

func (c *readCounter) Search(ctx context.Context, terms []string, first int) ([]search.Hit, error) {
	c.reads.Add(1)
	return c.Store.Search(ctx, terms, first)
}

// TestHostileDocumentsAreRefusedBeforeTheyRun sends every document of
// loadtest.HostileMix to a handler over the seed, under the default limits:
// each is answered 400 with its code (to a client that accepts
// application/graphql-response+json), and the store is not read.
func TestHostileDocumentsAreRefusedBeforeTheyRun(t *testing.T) {
	st := &readCounter{Store: seededStore(t)}
	h := newHandler(t, st)
	for _, q := range loadtest.HostileMix() {
		t.Run(q.Kind, func(t *testing.T) {
			before := st.reads.Load()
			status, body, resp := doAccepting(t, h, http.MethodPost, q.Query.Query, q.Variables, "application/graphql-response+json")
			if got := codes(resp); status != http.StatusBadRequest || len(got) != 1 || got[0] != q.Code {
				t.Fatalf("status %d, codes %v; want 400 and %s:\n%.400s", status, got, q.Code, body)
			}
			if n := st.reads.Load() - before; n != 0 {
				t.Fatalf("the store was read %d times for a refused document", n)
			}
			if q.Code == apierr.ComplexityLimit {
				ext := resp.Errors[0].Extensions
				if ext["cost"] == nil || ext["limit"] == nil || ext["path"] == "" || ext["path"] == nil {
					t.Fatalf("the refusal does not give the cost, the limit and the path: %v", ext)
				}
			}
		})
	}
}

// BenchmarkHostileRefusal is what refusing each hostile document costs the
// handler, from the request's body to the written refusal. Each document
// is made new each time (a comment numbered), so none is answered from
// the checker's memory.
//
//	go test ./graph -run '^$' -bench HostileRefusal
func BenchmarkHostileRefusal(b *testing.B) {
	h := newHandler(b, seededStore(b))
	for _, q := range loadtest.HostileMix() {
		b.Run(q.Kind, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				body, _ := json.Marshal(map[string]any{"query": fmt.Sprintf("# %d\n%s", i, q.Query.Query), "variables": q.Variables})
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/graphql-response+json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusBadRequest {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
