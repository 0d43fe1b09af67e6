package httpserver_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
)

var fuzzServer = sync.OnceValues(func() (http.Handler, error) {
	st, err := seedtest.Load()
	if err != nil {
		return nil, err
	}
	return servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{}, graph.Options{}), nil
})

// FuzzGraphQLEndpoint sends arbitrary bodies, queries and content types to
// /graphql. Whatever arrives, the server answers without a 5xx (a panic
// would be one), and every GraphQL error it returns carries
// extensions.code, one of the error table's, and no Go text (goText).
//
//	go test ./internal/httpserver -run '^$' -fuzz FuzzGraphQLEndpoint -fuzztime 5m
func FuzzGraphQLEndpoint(f *testing.F) {
	seeds := []struct{ method, contentType, body string }{
		{"POST", "application/json", `{"query":"{ centres { code } }"}`},
		{"POST", "application/json", `{"query":"query($d: Date) { reformChanges(from: $d) { name } }","variables":{"d":"2026-13-01"}}`},
		{"POST", "application/json", `{"query":"{ impact(of: \"centre:cba\") { centres { basis } } }"}`},
		{"POST", "application/json", `{"query":"{ node(id: \"x\") { id } }"}`},
		{"POST", "application/json", `{"query":"mutation { x }"}`},
		{"POST", "application/json", `{"query": 5}`},
		{"POST", "application/json", `[{"query":"{ centres { code } }"}]`},
		{"POST", "application/json", `{"query":"{ centres { code } }","variables":[1]}`},
		{"POST", "application/json", `{"query":"query($t: String!) { search(text: $t) { score } }","variables":{"t":{}}}`},
		{"POST", "application/json", `{"query":"query($b: Boolean!) { centres @include(if: $b) { code } }","variables":{"b":"yes"}}`},
		{"POST", "text/plain", `{ centres { code } }`},
		{"GET", "", `{ search(text: "fleksjob") { score } }`},
		{"GET", "", `{ centres { ...F } } fragment F on Centre { ...F }`},
		{"POST", "application/json", `{"query":"{ centres { code } }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.contentType, s.body)
	}
	h, err := fuzzServer()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, contentType, body string) {
		var req *http.Request
		if method == "GET" {
			req = httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(body), nil)
		} else {
			req = httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q (%s) answered %d: %s", method, body, contentType, rec.Code, rec.Body.String())
		}
		var resp struct {
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if json.Unmarshal(bytes.TrimSpace(rec.Body.Bytes()), &resp) != nil {
			return // 405s and the like answer without a GraphQL body
		}
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				t.Fatalf("%s %q: an error without extensions.code: %s", method, body, rec.Body.String())
			}
			if _, ok := apierr.Lookup(code); !ok {
				t.Fatalf("%s %q: the code %q is not in the error table: %s", method, body, code, rec.Body.String())
			}
			if word := goWord(e.Message); word != "" {
				t.Fatalf("%s %q: a message speaking Go (%q): %s", method, body, word, rec.Body.String())
			}
		}
	})
}
