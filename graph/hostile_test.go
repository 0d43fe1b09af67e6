package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// TestHostileDocumentsAreRefusedBeforeTheyRun sends every document of
// loadtest.HostileMix to a handler over the seed, under the default limits:
// each is answered 400 with its code (to a client that accepts
// application/graphql-response+json), and the store is not read.
func TestHostileDocumentsAreRefusedBeforeTheyRun(t *testing.T) {
	st := &storetest.CountingReads{Store: seededStore(t)}
	h := newHandler(t, st)
	for _, q := range loadtest.HostileMix() {
		t.Run(q.Kind, func(t *testing.T) {
			before := st.Reads()
			status, body, resp := doAccepting(t, h, http.MethodPost, q.Query.Query, q.Variables, "application/graphql-response+json")
			if got := codes(resp); status != http.StatusBadRequest || len(got) != 1 || got[0] != q.Code {
				t.Fatalf("status %d, codes %v; want 400 and %s:\n%.400s", status, got, q.Code, body)
			}
			if n := st.Reads() - before; n != 0 {
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
