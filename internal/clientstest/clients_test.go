// Package clientstest drives the GraphQL tools orggraph's users use, from
// npm at the versions tools/clients/package-lock.json pins, against a real
// orggraph server on 127.0.0.1: Apollo Client's normalised cache and its
// @defer support (tools/clients/apollo.mjs), and GraphQL Code Generator
// over /schema.graphql and README.md's operations (tools/clients/codegen.mjs).
//
// It needs Node.js and the packages (scripts/clients-install, which
// `make test` runs). Without them it fails rather than skips, unless
// ORGGRAPH_SKIP_CLIENTS=1 says to.
package clientstest

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/nodetest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
)

const clientsDir = "../../tools/clients"

// nodeScript runs a script of tools/clients with args and decodes the one
// JSON object it prints into v.
func nodeScript(t *testing.T, v any, script string, args ...string) {
	t.Helper()
	node := nodetest.Node(t, "ORGGRAPH_SKIP_CLIENTS", clientsDir, "run scripts/clients-install", "@apollo/client", "@graphql-codegen/cli")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	cmd.Dir = clientsDir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("node %s printed no JSON: %v\n%s\n%s", script, err, out, stderr.String())
	}
}

// newServer starts orggraph over the seed on 127.0.0.1, as `serve` wires it.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	st, err := seedtest.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{}, graph.Options{}))
	t.Cleanup(srv.Close)
	return srv
}

// TestApolloClient: issue 14's cache sequence, and a deferred query.
func TestApolloClient(t *testing.T) {
	srv := newServer(t)
	var got struct {
		Cache struct {
			DatedID, PlainID                       string
			Dated, Plain, DatedCached, PlainCached []string
			View                                   []string
			CacheKeys                              []string
		}
		Defer struct {
			Emitted []struct {
				DataState string
				Data      *struct {
					Centre struct {
						Code         string
						TargetGroups *[]struct{ ID string }
					}
				}
				Error *string
			}
		}
	}
	nodeScript(t, &got, "apollo.mjs", srv.URL+"/graphql")

	t.Run("a dated view and the plain centre keep their own values in the cache", func(t *testing.T) {
		c := got.Cache
		if c.DatedID != "centre:cba@2026-03-01" || c.PlainID != "centre:cba" {
			t.Errorf("ids %q and %q, want centre:cba@2026-03-01 and centre:cba", c.DatedID, c.PlainID)
		}
		if len(c.Plain) != 5 || len(c.Dated) != 3 {
			t.Fatalf("from the network: %d target groups plainly, %d on 2026-03-01; want 5 and 3", len(c.Plain), len(c.Dated))
		}
		if !slices.Equal(c.PlainCached, c.Plain) {
			t.Errorf("the plain query from the cache, after the dated one: %v, want %v", c.PlainCached, c.Plain)
		}
		if !slices.Equal(c.DatedCached, c.Dated) {
			t.Errorf("the dated query from the cache: %v, want %v", c.DatedCached, c.Dated)
		}
		if !slices.Equal(c.View, c.Dated) {
			t.Errorf("node(id: %q): %v, want %v", c.DatedID, c.View, c.Dated)
		}
		if !slices.Equal(c.CacheKeys, []string{"Centre:centre:cba", "Centre:centre:cba@2026-03-01"}) {
			t.Errorf("the cache holds centres %v", c.CacheKeys)
		}
	})

	t.Run("a deferred fragment arrives in a later part", func(t *testing.T) {
		e := got.Defer.Emitted
		var states []string
		for _, r := range e {
			states = append(states, r.DataState)
			if r.Error != nil {
				t.Errorf("Apollo Client reports an error: %s", *r.Error)
			}
		}
		if !slices.Contains(states, "streaming") || states[len(states)-1] != "complete" {
			t.Fatalf("Apollo Client emitted %v; want a streaming result, then a complete one", states)
		}
		for _, r := range e {
			if r.DataState == "streaming" && r.Data != nil && r.Data.Centre.TargetGroups != nil {
				t.Errorf("the streaming result already holds the deferred list: %+v", r.Data.Centre)
			}
		}
		last := e[len(e)-1].Data
		if last == nil || last.Centre.Code != "CBA" || last.Centre.TargetGroups == nil || len(*last.Centre.TargetGroups) != 5 {
			t.Errorf("the complete result: %+v, want CBA with its 5 target groups", last)
		}
	})
}

// readmeBlocks is every GraphQL block of README.md, as codegen.mjs reads them.
var readmeBlocks = regexp.MustCompile("(?s)```graphql\n(.*?)\n```")

// TestCodegen: GraphQL Code Generator takes /schema.graphql and README.md's
// operations as they stand, and types each operation.
func TestCodegen(t *testing.T) {
	srv := newServer(t)
	readme, err := filepath.Abs("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Blocks   int
		Exported []string
	}
	nodeScript(t, &got, "codegen.mjs", srv.URL+"/schema.graphql", readme, t.TempDir())

	text, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeBlocks.FindAllSubmatch(text, -1)
	if got.Blocks != len(blocks) || len(blocks) < 10 {
		t.Fatalf("codegen read %d blocks, README.md has %d (want at least 10)", got.Blocks, len(blocks))
	}
	exported := map[string]bool{}
	for _, name := range got.Exported {
		exported[strings.ToLower(name)] = true
	}
	for _, b := range blocks {
		doc, err := parser.ParseQuery(&ast.Source{Input: string(b[1])})
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range doc.Operations {
			want := strings.ToLower(op.Name + string(op.Operation))
			if op.Name == "" || !exported[want] {
				t.Errorf("no type generated for the README's %s %q", op.Operation, op.Name)
			}
		}
	}
}
