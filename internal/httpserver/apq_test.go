package httpserver

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Automatic persisted queries over HTTP: a client sends only a query's hash
// by GET; the first time the server does not know it and says so with a
// code, the client registers it with a POST, and from then on the GET by
// hash alone answers, cacheably.
func TestPersistedQueries(t *testing.T) {
	const query = `{ centres { code } }`
	sum := sha256.Sum256([]byte(query))
	hash := hex.EncodeToString(sum[:])
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
	byHash := "/graphql?extensions=" + url.QueryEscape(ext)
	h := quietServer(fixtureStore(t), Options{})

	t.Run("unknown hash", func(t *testing.T) {
		rec := send(h, http.MethodGet, byHash, "")
		if code := onlyCode(t, rec.Body.Bytes()); code != "PERSISTED_QUERY_NOT_FOUND" {
			t.Errorf("code = %q: %s", code, rec.Body)
		}
		if !strings.Contains(rec.Body.String(), "PersistedQueryNotFound") {
			t.Errorf("message is not the one clients look for: %s", rec.Body)
		}
		if rec.Header().Get("ETag") != "" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("an unknown hash's answer may be cached: %v", rec.Header())
		}
	})

	t.Run("a wrong hash is not registered", func(t *testing.T) {
		bad := `{"query":"` + query + `","extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("0", 64) + `"}}}`
		rec := send(h, http.MethodPost, "/graphql", bad, "Content-Type", "application/json")
		if codes := errorCodes(t, rec.Body.Bytes()); len(codes) != 1 || codes[0] == "" {
			t.Errorf("codes = %v: %s", codes, rec.Body)
		}
	})

	t.Run("registered by POST", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"query": query, "extensions": json.RawMessage(ext)})
		rec := send(h, http.MethodPost, "/graphql", string(body), "Content-Type", "application/json")
		if rec.Code != http.StatusOK || len(errorCodes(t, rec.Body.Bytes())) != 0 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})

	t.Run("then answered by hash alone", func(t *testing.T) {
		rec := send(h, http.MethodGet, byHash, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if codes := errorCodes(t, rec.Body.Bytes()); len(codes) != 0 {
			t.Fatalf("errors %v: %s", codes, rec.Body)
		}
		if !strings.Contains(rec.Body.String(), `"code":"CBA"`) {
			t.Errorf("not the query's answer: %s", rec.Body)
		}
		etag := rec.Header().Get("ETag")
		if etag == "" || rec.Header().Get("Cache-Control") != "public, no-cache" {
			t.Fatalf("not cacheable: ETag %q, Cache-Control %q", etag, rec.Header().Get("Cache-Control"))
		}
		if again := send(h, http.MethodGet, byHash, "", "If-None-Match", etag); again.Code != http.StatusNotModified {
			t.Errorf("revalidation by ETag: status %d", again.Code)
		}
	})
}
