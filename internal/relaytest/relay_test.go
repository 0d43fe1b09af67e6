// Package relaytest proves orggraph's connections with the tool Relay
// developers use: relay-compiler (tools/relay, pinned by its lock file)
// compiles fragments that page backwards, usePaginationFragment-style (one
// on Query, one on a Centre, which Relay refetches through node(id:)),
// against the /schema.graphql a running server serves, and the queries it
// generates run against that server, page by page.
//
// It needs Node.js and relay-compiler (npm ci in tools/relay); `make test`
// provides both. Without either it fails rather than skips, unless
// ORGGRAPH_SKIP_RELAY=1 says to.
package relaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/nodetest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
)

const toolDir = "../../tools/relay"

// backward is a fragment in tools/relay/src that pages backwards: the
// operation relay-compiler generates from it, the variables that say
// which node it hangs from, the path from data to its connection, and a
// query for the whole list, forwards, whose ids the pages must add up to.
type backward struct {
	fragment, query string
	vars            map[string]any
	path            []string
	all             string
}

var backwards = []backward{
	{
		fragment: "TargetGroupsBackwards_query", query: "TargetGroupsBackwardsPaginationQuery",
		path: []string{"targetGroupsConnection"},
		all:  `query AllByName { c: targetGroupsConnection(first: 100, orderBy: [{ field: NAME }]) { edges { node { id } } } }`,
	},
	{
		// Relay refetches a node through node(id:).
		fragment: "CentreInterventionsBackwards_centre", query: "CentreInterventionsBackwardsPaginationQuery",
		vars: map[string]any{"id": "centre:cba"}, path: []string{"node", "interventionsConnection"},
		all: `query AllOfCBA { centre(code: "CBA") { c: interventionsConnection(first: 100) { edges { node { id } } } } }`,
	},
}

func TestRelayPagesBackwards(t *testing.T) {
	node := nodetest.Node(t, "ORGGRAPH_SKIP_RELAY", toolDir, "run scripts/relay-install", "relay-compiler/cli.js")
	compiler, err := filepath.Abs(filepath.Join(toolDir, "node_modules", "relay-compiler", "cli.js"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := seedtest.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{}, graph.Options{}))
	defer srv.Close()

	// relay-compiler reads the schema as served, and writes its artifacts
	// beside a copy of the sources.
	dir := t.TempDir()
	status, sdl := get(t, srv.URL+"/schema.graphql")
	if status != http.StatusOK {
		t.Fatalf("/schema.graphql: %d", status)
	}
	write(t, filepath.Join(dir, "schema.graphql"), sdl)
	copyFile(t, filepath.Join(toolDir, "relay.config.json"), filepath.Join(dir, "relay.config.json"))
	sources, err := filepath.Glob(filepath.Join(toolDir, "src", "*.js"))
	if err != nil || len(sources) < len(backwards) {
		t.Fatalf("sources %v: %v", sources, err)
	}
	for _, src := range sources {
		copyFile(t, src, filepath.Join(dir, "src", filepath.Base(src)))
	}
	run(t, dir, node, compiler)

	for _, b := range backwards {
		t.Run(b.query, func(t *testing.T) { pageBackwards(t, srv.URL, dir, node, b) })
	}
}

// pageBackwards reads the operation relay-compiler generated for b and
// pages the server with it from the end, as Relay's loadPrevious does: the
// fragment's default last (2) first, then before the page's start cursor
// until no page precedes.
func pageBackwards(t *testing.T, base, dir, node string, b backward) {
	// The artifacts are CommonJS modules; node reads them as Relay's runtime would.
	var artifacts struct {
		Text       string
		Connection []struct{ Count, Cursor, Direction string }
	}
	out := run(t, dir, node, "-e", `
const q = require("./src/__generated__/`+b.query+`.graphql.js");
const f = require("./src/__generated__/`+b.fragment+`.graphql.js");
process.stdout.write(JSON.stringify({text: q.params.text, connection: f.metadata.connection}));`)
	if err := json.Unmarshal(out, &artifacts); err != nil {
		t.Fatalf("the artifacts: %v\n%s", err, out)
	}
	if len(artifacts.Connection) != 1 || artifacts.Connection[0].Direction != "backward" ||
		artifacts.Connection[0].Count != "last" || artifacts.Connection[0].Cursor != "before" {
		t.Fatalf("relay-compiler did not see a backward connection: %+v", artifacts.Connection)
	}

	var all map[string]json.RawMessage
	post(t, base, b.all, nil, &all)
	var want []string
	for _, e := range at(t, all, []string{"c"}).Edges {
		want = append(want, e.Node.ID)
	}
	if len(want) < 5 {
		t.Fatalf("only %d items, too few to page", len(want))
	}

	var got []string
	vars := maps.Clone(b.vars)
	for pages := 0; ; pages++ {
		if pages > len(want) {
			t.Fatal("the pages do not end")
		}
		var data map[string]json.RawMessage
		post(t, base, artifacts.Text, vars, &data)
		c := at(t, data, b.path)
		if c.TotalCount != len(want) {
			t.Errorf("totalCount %d, want %d", c.TotalCount, len(want))
		}
		if len(c.Edges) == 0 || len(c.Edges) > 2 {
			t.Fatalf("page %d has %d edges, want 1 or 2", pages, len(c.Edges))
		}
		ids := make([]string, len(c.Edges))
		for i, e := range c.Edges {
			ids[i] = e.Node.ID
		}
		got = append(ids, got...)
		// hasPreviousPage is exact: true exactly while items precede the page.
		if wantPrev := len(got) < len(want); c.PageInfo.HasPreviousPage != wantPrev {
			t.Fatalf("page %d: hasPreviousPage %v with %d of %d items seen", pages, c.PageInfo.HasPreviousPage, len(got), len(want))
		}
		if !c.PageInfo.HasPreviousPage {
			break
		}
		if c.PageInfo.StartCursor == nil || *c.PageInfo.StartCursor != c.Edges[0].Cursor {
			t.Fatalf("page %d: startCursor %v is not the first edge's cursor", pages, c.PageInfo.StartCursor)
		}
		vars = maps.Clone(b.vars)
		if vars == nil {
			vars = map[string]any{}
		}
		vars["before"] = *c.PageInfo.StartCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged backwards:\n%v\nwant\n%v", got, want)
	}
}

// connection is a page as the generated queries select it.
type connection struct {
	TotalCount int
	Edges      []struct {
		Cursor string
		Node   struct{ ID, Name string }
	}
	PageInfo struct {
		HasPreviousPage bool
		StartCursor     *string
	}
}

// at follows path from data, through objects, to a connection; the last
// step may also hang one object below (centre { c: … }).
func at(t *testing.T, data map[string]json.RawMessage, path []string) connection {
	t.Helper()
	raw, ok := data[path[0]]
	if !ok {
		for _, v := range data {
			var inner map[string]json.RawMessage
			if err := json.Unmarshal(v, &inner); err == nil && inner[path[0]] != nil {
				raw = inner[path[0]]
			}
		}
	}
	if len(path) > 1 {
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(raw, &inner); err != nil {
			t.Fatalf("%s: %v", path[0], err)
		}
		return at(t, inner, path[1:])
	}
	var c connection
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("%s: %v", path[0], err)
	}
	return c
}

// run runs a command in dir, bounded in time, and returns its output.
func run(t *testing.T, dir string, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s\n%s", filepath.Base(name), args[:min(len(args), 1)], err, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	return servertest.Answer(t, resp, err)
}

// post sends a query to base's /graphql and decodes its data into out; an
// error in the answer fails the test.
func post(t *testing.T, base, query string, vars map[string]any, out any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || len(answer.Errors) > 0 {
		t.Fatalf("%d, errors %s", resp.StatusCode, answer.Errors)
	}
	if err := json.Unmarshal(answer.Data, out); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, b)
}
