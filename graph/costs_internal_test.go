package graph

import (
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// knownQuery is a question the product is asked, from where it is written.
type knownQuery struct {
	name  string
	query string
	vars  map[string]any
	// shipped: the widgets, the explorer and the load mixes ask it in
	// production, at any scale. The golden and README queries are asked of
	// the seed; some ask for every centre's traversals, which at 100 times
	// the seed is an answer of millions of values, and is refused.
	shipped bool
}

// knownQueries gathers every query the product ships or documents: the
// golden files, README's examples, the widgets' and the explorer's
// queries, and the load test's mixes.
func knownQueries(t *testing.T) []knownQuery {
	t.Helper()
	var out []knownQuery
	for _, q := range graphtest.Queries(t, "testdata") {
		out = append(out, knownQuery{name: "golden " + filepath.Base(q.File), query: q.Text, vars: q.Variables})
	}
	from := func(file, pattern, what string, atLeast int, shipped bool) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		found := regexp.MustCompile(pattern).FindAllSubmatch(b, -1)
		if len(found) < atLeast {
			t.Fatalf("%s: %d queries found, want at least %d", file, len(found), atLeast)
		}
		for i, m := range found {
			out = append(out, knownQuery{name: fmt.Sprintf("%s %d", what, i+1), query: string(m[1]), shipped: shipped})
		}
	}
	from("../README.md", "(?s)<!-- example: replayed by TestREADMEExamples -->\n```graphql\n(.*?)\n```", "README example", 10, false)
	from("../internal/web/static/widgets/v1/orggraph-widgets.js", "static QUERY = `(.*?)`", "widget", 3, true)
	from("../web/explorer/src/explorer.js", "(?s)const [A-Z]+ = `(query .*?)`", "explorer", 4, true)
	peer, err := loadtest.ReadMix("../tools/peer/mix.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, mix := range [][]loadtest.Query{loadtest.DefaultMix(), peer} {
		for _, q := range mix {
			out = append(out, knownQuery{name: "load mix " + q.Kind, query: q.Query, vars: q.Variables, shipped: true})
		}
	}
	return out
}

// amplification is the query: ten aliases of one node, each
// nesting its links five deep, 1,476 bytes that answered 11 MB.
func amplification() string {
	inner := "id"
	for range 5 {
		inner = "id links { node { " + inner + " } }"
	}
	var b strings.Builder
	b.WriteString("{ ")
	for i := range 10 {
		fmt.Fprintf(&b, `a%d: node(id: "centre:cba") { %s } `, i, inner)
	}
	b.WriteString("}")
	return b.String()
}

// TestEveryKnownQueryIsWithinTheCostLimit prices every query the product
// is asked on the seed, and those it ships on 100 times the seed (the
// largest scale scripts/benchmarks measures), within the default limit, and
// the amplification above it. go test -v prints each price.
func TestEveryKnownQueryIsWithinTheCostLimit(t *testing.T) {
	queries := knownQueries(t)
	for _, scale := range []int{1, 100} {
		t.Run(fmt.Sprintf("%d×", scale), func(t *testing.T) {
			// No limit while pricing, so each price is whole.
			_, c := limitsOver(t, querylimit.Limits{MaxComplexity: 1 << 40}, seedStore(t, scale))
			limit := querylimit.Defaults.MaxComplexity
			for _, q := range queries {
				cost, path := c.Price(q.query, "", q.vars)
				t.Logf("%8d  %s (at %s)", cost, q.name, path)
				if cost == 0 || cost > limit && (scale == 1 || q.shipped) {
					t.Errorf("%s costs %d (at %s), want 1 to %d", q.name, cost, path, limit)
				}
			}
			cost, path := c.Price(amplification(), "", nil)
			t.Logf("%8d  the issue's amplification (at %s)", cost, path)
			if cost <= limit {
				t.Errorf("the amplification costs %d, within the limit of %d", cost, limit)
			}
		})
	}
}

// BenchmarkCountGraph is what counting the store costs, once a minute, at
// 100 times the seed (the Snapshot read aside).
//
//	go test ./graph -run '^$' -bench CountGraph
func BenchmarkCountGraph(b *testing.B) {
	g, err := synthseed.Graph("../seed", b.TempDir(), 100)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		countGraph(g)
	}
}

// TestCountGraphFanout holds the counted fan-outs to their definition,
// worked out here the plain way, link by link, on the real seed: for every
// node, the links of each kind (and of any kind) each way (and either way),
// the most over the nodes of each kind (and of any).
func TestCountGraphFanout(t *testing.T) {
	g := seedtest.Graph(t)
	kindOf := map[domain.ID]domain.Kind{}
	for _, n := range g.Nodes {
		kindOf[n.ID] = n.Kind
	}
	perNode := map[domain.ID]map[fanKey]int{}
	add := func(id domain.ID, k fanKey) {
		if perNode[id] == nil {
			perNode[id] = map[fanKey]int{}
		}
		perNode[id][k]++
	}
	for _, r := range g.Relationships {
		for id, dir := range map[domain.ID]domain.Direction{r.From: domain.Outgoing, r.To: domain.Incoming} {
			for _, rel := range []domain.RelKind{r.Kind, ""} {
				add(id, fanKey{rel: rel, dir: dir})
				add(id, fanKey{rel: rel, both: true})
			}
		}
	}
	want := map[fanKey]int{}
	for id, counts := range perNode {
		for k, n := range counts {
			for _, kind := range []domain.Kind{kindOf[id], ""} {
				k.kind = kind
				want[k] = max(want[k], n)
			}
		}
	}
	got := countGraph(g)
	if !maps.Equal(got.fanout, want) {
		for k, n := range want {
			if got.fanout[k] != n {
				t.Errorf("%+v: counted %d, want %d", k, got.fanout[k], n)
			}
		}
		for k, n := range got.fanout {
			if _, ok := want[k]; !ok {
				t.Errorf("%+v: counted %d, want none", k, n)
			}
		}
	}
	if got.nodes != len(g.Nodes) || got.links != len(g.Relationships) {
		t.Errorf("counted %d nodes and %d links, want %d and %d", got.nodes, got.links, len(g.Nodes), len(g.Relationships))
	}
}

// limitsOver is the schema and the query limits NewHandler builds over
// st's counts, limits in place of the endpoint's.
func limitsOver(t *testing.T, limits querylimit.Limits, st countedStore) (*ast.Schema, *querylimit.Checker) {
	t.Helper()
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	return schema, querylimit.New(schema, limits, pricing(newStoreCounts(slog.New(slog.DiscardHandler), st)))
}
