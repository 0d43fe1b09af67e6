package httpserver

import (
	"go/build"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// The HTTP layer knows the GraphQL endpoint only as a handler: it does not
// import graph, directly or through another package of the module.
func TestDoesNotImportGraph(t *testing.T) {
	const module = "github.com/bif-kk/orggraph/"
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(path string, via []string)
	walk = func(path string, via []string) {
		if seen[path] {
			return
		}
		seen[path] = true
		if path == module+"graph" || strings.HasPrefix(path, module+"graph/") {
			t.Errorf("httpserver imports %s, through %s", path, strings.Join(via, " → "))
			return
		}
		pkg, err := build.ImportDir(filepath.Join(root, strings.TrimPrefix(path, module)), 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range pkg.Imports { // not the tests': they may build the real endpoint
			if strings.HasPrefix(imp, module) {
				walk(imp, append(via, imp))
			}
		}
	}
	walk(module+"internal/httpserver", []string{"httpserver"})
	if len(seen) < 5 {
		t.Fatalf("walked only %d packages", len(seen))
	}
}

// Whatever GraphQL handler it is given gets the endpoint's middleware: a
// POST that is not JSON never reaches it, one that is does.
func TestTheGraphQLEndpointIsInjected(t *testing.T) {
	reached := 0
	h := NewServer(slog.New(slog.DiscardHandler), fixtureStore(t), Options{
		GraphQL: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached++
			w.WriteHeader(http.StatusTeapot)
		}),
		Schema: []byte("type Query { x: Int }\n"),
	})
	if rec := send(h, http.MethodPost, "/graphql", `{ x }`, "Content-Type", "text/plain"); rec.Code != http.StatusUnsupportedMediaType || reached != 0 {
		t.Errorf("text/plain: %d, reached %d times", rec.Code, reached)
	}
	if rec := send(h, http.MethodPost, "/graphql", `{"query":"{ x }"}`, "Content-Type", "application/json"); rec.Code != http.StatusTeapot || reached != 1 {
		t.Errorf("JSON: %d, reached %d times", rec.Code, reached)
	}
	if rec := send(h, http.MethodGet, "/schema.graphql", ""); rec.Code != http.StatusOK || rec.Body.String() != "type Query { x: Int }\n" {
		t.Errorf("schema: %d %q", rec.Code, rec.Body)
	}
}
