package livetest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/servertest"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// Two instances, each with its own driver, on one Neo4j: B keeps its GET
// answer and sends it again without reading the graph, until a write made
// through A, which B learns of only from the store's version.
func TestKeptAnswersAcrossInstancesOnNeo4j(t *testing.T) {
	env, stA := neo4jtest.EnvAndStore(t)
	driverB := neo4jtest.Another(t, env)
	if err := stA.Load(context.Background(), storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	stB := &storetest.CountingReads{Store: driverB}
	b := httptest.NewServer(servertest.New(quiet(), stB, httpserver.Options{}, graph.Options{}))
	t.Cleanup(b.Close)

	target := b.URL + "/graphql?query=" + url.QueryEscape(`{ targetGroups { id name } }`)
	ask := func(t *testing.T) (body string, readsMade int64) {
		t.Helper()
		before := stB.Reads()
		resp, err := http.Get(target)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || strings.Contains(string(raw), `"errors"`) {
			t.Fatalf("%d %s", resp.StatusCode, raw)
		}
		return string(raw), stB.Reads() - before
	}

	first, n := ask(t)
	if n == 0 {
		t.Fatal("the first GET read nothing")
	}
	if again, n := ask(t); n != 0 || again != first {
		t.Fatalf("the second GET made %d reads: %s", n, again)
	}
	createGroup(t, stA, "kept-on-b")
	after, n := ask(t)
	if n == 0 || !strings.Contains(after, `"targetgroup:kept-on-b"`) {
		t.Fatalf("after A's write, B made %d reads and answered %s", n, after)
	}
	if again, n := ask(t); n != 0 || again != after {
		t.Fatalf("B did not keep the answer after the write: %d reads", n)
	}
}
