package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
)

func hashOf(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

// getByHash asks for a persisted query by GET, with its text or without.
func getByHash(t *testing.T, h http.Handler, doc string, withText bool) string {
	t.Helper()
	q := url.Values{"extensions": {fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":%q}}`, hashOf(doc))}}
	if withText {
		q.Set("query", doc)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/graphql?"+q.Encode(), nil)
	req.Header.Set("Accept", "application/json")
	h.ServeHTTP(rec, req)
	return rec.Body.String()
}

// A trusted document is answered by its hash alone from the start, and no
// number of other registered documents pushes it out; an unknown hash is
// still PERSISTED_QUERY_NOT_FOUND.
func TestTrustedDocuments(t *testing.T) {
	const trusted = `query Trusted { centres { code } }`
	h := graph.NewHandler(slog.New(slog.DiscardHandler), seededStore(t), graph.Options{TrustedDocuments: graph.NewTrustedDocuments(trusted)})
	if got := getByHash(t, h, trusted, false); !strings.Contains(got, `"code":"CBE"`) {
		t.Fatalf("the trusted document by hash alone: %s", got)
	}
	const unknown = `query Unknown { centres { name } }`
	if got := getByHash(t, h, unknown, false); !strings.Contains(got, "PERSISTED_QUERY_NOT_FOUND") {
		t.Errorf("an unknown hash: %s", got)
	}
	for i := range 150 { // more than the LRU of registered documents holds
		doc := fmt.Sprintf(`query Other%d { centres { code } }`, i)
		if got := getByHash(t, h, doc, true); !strings.Contains(got, `"data"`) {
			t.Fatalf("registering %s: %s", doc, got)
		}
	}
	if got := getByHash(t, h, trusted, false); !strings.Contains(got, `"code":"CBE"`) {
		t.Errorf("after 150 other documents, the trusted one by hash: %s", got)
	}
	if n := graph.NewTrustedDocuments(trusted, unknown).Len(); n != 2 {
		t.Errorf("Len %d", n)
	}
}
