package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
)

func TestRunLoadAndSynth(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), []string{"orggraph-load", "synth", "--seed-dir", "../../seed", "--scale", "2", "--out", dir}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv := serveSeed(t, dir)
	js := filepath.Join(dir, "report.json")
	out.Reset()
	err := run(context.Background(), []string{"orggraph-load", "--url", srv.URL + "/graphql", "--concurrency", "2",
		"--warmup", "100ms", "--duration", "500ms", "--weights", "deep=0", "--json", js, "--label", "memory 2×"}, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| **all** |") || !strings.HasPrefix(out.String(), "memory 2×: closed model") {
		t.Errorf("no table:\n%s", out.String())
	}
	r := readReport[loadtest.Report](t, js)
	if len(r.Kinds) != 4 || r.Overall.Requests == 0 || r.Overall.OK != r.Overall.Requests {
		t.Errorf("report: %+v", r)
	}
}

// Two servers over the same store, the second asked through a mix file: the
// comparison measures both, one after the other, and gives their ratios.
func TestCompare(t *testing.T) {
	a, b := serveSeed(t, "../../seed"), serveSeed(t, "../../seed")
	dir := t.TempDir()
	mixFile := filepath.Join(dir, "mix.json")
	mb, err := json.Marshal(loadtest.DefaultMix())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mixFile, mb, 0o644); err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(dir, "compare.json")
	var out strings.Builder
	err = run(context.Background(), []string{"orggraph-load", "compare", "--url", a.URL + "/graphql",
		"--peer-url", b.URL + "/graphql", "--peer-mix", mixFile, "--peer-name", "twin", "--concurrency", "2",
		"--warmup", "100ms", "--duration", "400ms", "--weights", "deep=0", "--rounds", "2", "--json", js}, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Round 1 of 2", "Round 2 of 2", "| **all** |", "| widget |", "orggraph serves", "twin's requests"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
	c := readReport[loadtest.Comparison](t, js)
	if len(c.Rounds) != 2 {
		t.Fatalf("%d rounds", len(c.Rounds))
	}
	for _, p := range c.Rounds {
		if p.A.URL != a.URL+"/graphql" || p.B.URL != b.URL+"/graphql" || p.A.Overall.OK == 0 || p.B.Overall.OK == 0 {
			t.Fatalf("round: %+v / %+v", p.A, p.B)
		}
		if p.A.Overall.OK != p.A.Overall.Requests || p.B.Overall.OK != p.B.Overall.Requests {
			t.Fatalf("errors: %+v / %+v", p.A.Overall, p.B.Overall)
		}
		if want := p.A.Overall.PerSec / p.B.Overall.PerSec; p.Throughput < want*0.99 || p.Throughput > want*1.01 {
			t.Fatalf("throughput ratio %v, want %v", p.Throughput, want)
		}
		if want := p.B.Overall.P99Ms / p.A.Overall.P99Ms; p.P99 < want*0.99 || p.P99 > want*1.01 {
			t.Fatalf("p99 ratio %v, want %v", p.P99, want)
		}
	}

	// A peer that answers a question differently is not measured.
	other := loadtest.DefaultMix()
	other[0].Variables = map[string]any{"code": "CBA"}
	if mb, err = json.Marshal(other); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mixFile, mb, 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"orggraph-load", "compare", "--url", a.URL + "/graphql",
		"--peer-url", b.URL + "/graphql", "--peer-mix", mixFile, "--duration", "100ms", "--warmup", "0s"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "answer differently: widget: the answers differ at data.centre.") {
		t.Fatalf("a different answer: %v", err)
	}

	// Mixes that ask different questions are not compared.
	if err := os.WriteFile(mixFile, []byte(`[{"kind":"widget","query":"{ centres { code } }","weight":1}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"orggraph-load", "compare", "--url", a.URL + "/graphql",
		"--peer-url", b.URL + "/graphql", "--peer-mix", mixFile, "--duration", "100ms", "--warmup", "0s"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "the two mixes differ") {
		t.Fatalf("different mixes: %v", err)
	}
}

// overpriced names the questions of the mix the server refuses for their
// price, with the price and the limit, and nothing on a server that lets
// every one in.
func TestOverpriced(t *testing.T) {
	ask := func(url string, args ...string) string {
		t.Helper()
		var out strings.Builder
		if err := run(context.Background(), append([]string{"orggraph-load", "overpriced", "--url", url + "/graphql"}, args...), &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if got := ask(serveSeed(t, "../../seed").URL); got != "" {
		t.Errorf("the default limit refused %q", got)
	}
	// Under a limit of 1,000 the walks (25,000 each) and the deep listing
	// are refused, and the widget's card is let in.
	strict := serveSeedWith(t, "../../seed", graph.Options{Limits: querylimit.Limits{MaxComplexity: 1000}})
	got := ask(strict.URL)
	var kinds []string
	for line := range strings.Lines(got) {
		var kind string
		var price, limit int
		if n, err := fmt.Sscanf(line, "%s %d %d\n", &kind, &price, &limit); n != 3 || err != nil || price <= limit || limit != 1000 {
			t.Errorf("line %q: want <kind> <price over 1000> 1000", line)
		}
		kinds = append(kinds, kind)
	}
	if want := []string{"impact", "dependencies", "search", "deep"}; !slices.Equal(kinds, want) {
		t.Errorf("refused %v, want %v:\n%s", kinds, want, got)
	}
	if got := ask(strict.URL, "--weights", "impact=0,dependencies=0,search=0"); !strings.HasPrefix(got, "deep ") || strings.Count(got, "\n") != 1 {
		t.Errorf("with the walks weighed 0: %q, want the deep listing alone", got)
	}
}

// serveSeed serves the seed in dir from a memory store, until the test ends.
func serveSeed(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	return serveSeedWith(t, dir, graph.Options{})
}

// serveSeedWith is serveSeed with the GraphQL endpoint's options.
func serveSeedWith(t *testing.T, dir string, opts graph.Options) *httptest.Server {
	t.Helper()
	g, err := seed.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := seedtest.Mem(t, g)
	srv := httptest.NewServer(servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{}, opts))
	t.Cleanup(srv.Close)
	return srv
}

// readReport reads back the report a command wrote as JSON to path.
func readReport[R any](t *testing.T, path string) R {
	t.Helper()
	var r R
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}
