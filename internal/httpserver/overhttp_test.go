package httpserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// A page on a listed origin may send the W3C trace context, baggage and
// Apollo Client's headers, and its browser may keep the preflight's
// answer for ten minutes.
func TestCORSAllowsTraceContextAndApollo(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{CORSOrigins: []string{"https://intranet.kk.dk"}})
	for _, header := range []string{"traceparent", "tracestate", "baggage",
		"apollographql-client-name", "apollographql-client-version", "apollo-require-preflight"} {
		t.Run(header, func(t *testing.T) {
			rec := send(h, http.MethodOptions, "/graphql", "",
				"Origin", "https://intranet.kk.dk",
				"Access-Control-Request-Method", "POST",
				"Access-Control-Request-Headers", "content-type, "+header)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://intranet.kk.dk" {
				t.Fatalf("preflight refused: Access-Control-Allow-Origin = %q", got)
			}
			if allowed := strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")); !strings.Contains(allowed, header) {
				t.Errorf("Access-Control-Allow-Headers = %q lacks %s", allowed, header)
			}
			if got := rec.Header().Get("Access-Control-Max-Age"); got != "600" {
				t.Errorf("Access-Control-Max-Age = %q, want 600", got)
			}
		})
	}
}

// HEAD answers as GET does, without a body, on every route GET has.
func TestHEADWorksWhereverGETDoes(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{Playground: true})
	for _, target := range []string{
		"/", "/healthz", "/readyz", "/explorer", "/widgets/v1/orggraph-widgets.js", "/schema.graphql",
		"/export/graph.jsonld", "/export/graph.graphml", "/export/impact.csv?of=centre:cba",
		"/graphql?query=" + url.QueryEscape("{ centres { code } }"),
	} {
		t.Run(target, func(t *testing.T) {
			get := send(h, http.MethodGet, target, "")
			head := send(h, http.MethodHead, target, "")
			if get.Code != http.StatusOK {
				t.Fatalf("GET: %d %.200s", get.Code, get.Body)
			}
			if head.Code != get.Code {
				t.Errorf("HEAD: %d, GET: %d", head.Code, get.Code)
			}
			for _, name := range []string{"Content-Type", "ETag", "Cache-Control"} {
				if head.Header().Get(name) != get.Header().Get(name) {
					t.Errorf("%s: HEAD %q, GET %q", name, head.Header().Get(name), get.Header().Get(name))
				}
			}
		})
	}
	t.Run("a mutation", func(t *testing.T) {
		rec := send(h, http.MethodHead, "/graphql?query="+url.QueryEscape(`mutation { deleteNode(id: "centre:cba", expectedVersion: 1) { audit { seq } } }`), "")
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
			t.Errorf("status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
		}
	})
}

// Every error answer has GraphQL's shape and an extensions.code, no Go
// text, and, refusing the request before an operation ran, no data entry.
func TestErrorShapes(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{})
	const gqlResponse = "application/graphql-response+json"
	tests := []struct {
		name, method, target, body, accept string
		status                             int
		code, allow                        string
	}{
		{"a mutation over GET", http.MethodGet, getQuery(`mutation { deleteNode(id: "centre:cba", expectedVersion: 1) { audit { seq } } }`), "", "",
			http.StatusMethodNotAllowed, apierr.MethodNotAllowed, "POST"},
		{"the same, accepting graphql-response+json", http.MethodGet, getQuery(`mutation { deleteNode(id: "centre:cba", expectedVersion: 1) { audit { seq } } }`), "", gqlResponse,
			http.StatusMethodNotAllowed, apierr.MethodNotAllowed, "POST"},
		{"a method /graphql does not take", http.MethodDelete, "/graphql", "", "",
			http.StatusMethodNotAllowed, apierr.MethodNotAllowed, "GET, HEAD, POST, OPTIONS"},
		{"a path no route serves", http.MethodGet, "/nope", "", "", http.StatusNotFound, apierr.NotFound, ""},
		{"an empty batch", http.MethodPost, "/graphql", `[]`, "", http.StatusBadRequest, apierr.BatchLimit, ""},
		{"a batch past the bound", http.MethodPost, "/graphql", "[" + strings.Repeat(`{"query":"{ __typename }"},`, 10) + `{"query":"{ __typename }"}]`, "",
			http.StatusBadRequest, apierr.BatchLimit, ""},
		{"malformed GET variables", http.MethodGet, "/graphql?query=" + url.QueryEscape("query Q($c: String!) { centre(code: $c) { code } }") + "&variables=%7Bnot-json", "", "",
			http.StatusBadRequest, apierr.BadRequest, ""},
		{"GET variables that are not an object", http.MethodGet, "/graphql?query=" + url.QueryEscape("{ __typename }") + "&variables=%5B1%5D", "", "",
			http.StatusBadRequest, apierr.BadRequest, ""},
		{"no query", http.MethodPost, "/graphql", `{"qeury": "{ __typename }"}`, "", http.StatusBadRequest, apierr.BadRequest, ""},
		{"a parse failure to a JSON client", http.MethodPost, "/graphql", `{"query": "{"}`, "", http.StatusOK, apierr.ParseFailed, ""},
		{"a parse failure to a graphql-response+json client", http.MethodPost, "/graphql", `{"query": "{"}`, gqlResponse,
			http.StatusBadRequest, apierr.ParseFailed, ""},
		{"a variable that does not fit", http.MethodPost, "/graphql", `{"query": "query Q($c: String!) { centre(code: $c) { code } }", "variables": {"c": {"a": 1}}}`, gqlResponse,
			http.StatusBadRequest, apierr.ValidationFailed, ""},
		{"a query limit", http.MethodPost, "/graphql", `{"query": "{ search(text: \"c\", first: 100000) { node { links { node { links { node { id } } } } } } }"}`, gqlResponse,
			http.StatusBadRequest, apierr.ComplexityLimit, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := []string{"Content-Type", "application/json"}
			if tt.accept != "" {
				headers = append(headers, "Accept", tt.accept)
			}
			rec := send(h, tt.method, tt.target, tt.body, headers...)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			if code := onlyCode(t, rec.Body.Bytes()); code != tt.code {
				t.Errorf("code %q, want %q", code, tt.code)
			}
			if tt.allow != "" && rec.Header().Get("Allow") != tt.allow {
				t.Errorf("Allow = %q, want %q", rec.Header().Get("Allow"), tt.allow)
			}
			body := rec.Body.Bytes()
			if bytes.Contains(body, []byte(`"data"`)) {
				t.Errorf("a refused request's answer has a data entry: %s", body)
			}
			for _, goText := range []string{"Go value", "unmarshal", "json:", "graphql.RawParams", "invalid character"} {
				if bytes.Contains(body, []byte(goText)) {
					t.Errorf("Go's words in the answer (%q): %s", goText, body)
				}
			}
		})
	}
}

// A JSON array of operations (Apollo's BatchHttpLink) is run, each as if
// it came alone: answered in order, each priced and spent from the
// client's budget, a refused one refused in its place.
func TestBatchRunsEachOperation(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{Budget: 0.06, BudgetBurst: 100})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(
		`[{"query":"{ centres { code } }"}, {"query":"{"}, {"query":"query Q($c: String!) { centre(code: $c) { code } }", "variables": {"c": "CBA"}}]`))
	req.RemoteAddr = "192.0.2.7:1000"
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var answers []struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &answers); err != nil || len(answers) != 3 {
		t.Fatalf("not three answers: %v %s", err, rec.Body)
	}
	if !bytes.Contains(answers[0].Data["centres"], []byte(`"CBA"`)) || len(answers[0].Errors) > 0 {
		t.Errorf("first: %s", rec.Body)
	}
	if len(answers[1].Errors) != 1 || answers[1].Errors[0].Extensions["code"] != apierr.ParseFailed || answers[1].Data != nil {
		t.Errorf("second, a parse failure: %s", rec.Body)
	}
	if string(answers[2].Data["centre"]) != `{"code":"CBA"}` {
		t.Errorf("third: %s", rec.Body)
	}
	// One point for the request, and each operation's price: 6, 0 (it did
	// not parse) and 2.
	if got := rec.Header().Get("RateLimit-Remaining"); got != "91" {
		t.Errorf("RateLimit-Remaining = %s, want 91", got)
	}
}
