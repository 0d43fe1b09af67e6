package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// TestConnectionsArePricedByFirstOrLast: a connection costs the larger of
// first and last times an edge, 20 edges when neither is given, wherever it
// hangs; nodes(ids:) costs its ids.
func TestConnectionsArePricedByFirstOrLast(t *testing.T) {
	_, c := limitsOver(t, querylimit.Limits{MaxComplexity: 1 << 40}, seedStore(t, 1))
	price := func(q string) int {
		t.Helper()
		cost, _ := c.Price(q, "", nil)
		if cost <= 0 {
			t.Fatalf("%s: no price", q)
		}
		return cost
	}
	fields := []string{
		`targetGroupsConnection(%s)`, `centresConnection(%s)`, `unitsConnection(%s)`, `searchConnection(text: "fleks", %s)`,
		`centre(code: "CBA") { targetGroupsConnection(%s)`, `centre(code: "CBA") { partnersConnection(%s)`,
		`node(id: "centre:cba") { linksConnection(%s)`, `node(id: "centre:cba") { ... on Centre { linksConnection(%s)`,
	}
	for _, f := range fields {
		t.Run(strings.SplitN(f, "(", 2)[0]+" "+f, func(t *testing.T) {
			q := func(args string) string {
				field := fmt.Sprintf(f, args)
				return "{ " + field + " { edges { node { __typename } } }" + strings.Repeat(" }", strings.Count(field, "{")) + " }"
			}
			last100, first100, last5, none, first20 := price(q("last: 100")), price(q("first: 100")), price(q("last: 5")), price(q("after: null")), price(q("first: 20"))
			if last100 != first100 {
				t.Errorf("last 100 costs %d, first 100 %d", last100, first100)
			}
			// Linear in last: each edge adds the same (a traversal's
			// surcharge, search's, is added once).
			edge := (last100 - last5) / 95
			if edge <= 0 || first20-last5 != 15*edge {
				t.Errorf("last 100 costs %d, last 5 %d, first 20 %d: not priced by last", last100, last5, first20)
			}
			if none != first20 {
				t.Errorf("no first or last costs %d, first 20 %d", none, first20)
			}
			if both := price(q("first: 5, last: 100")); both != last100 {
				t.Errorf("first 5 and last 100 cost %d, want last 100's %d", both, last100)
			}
		})
	}
	t.Run("nodes by their ids", func(t *testing.T) {
		ids := func(n int) string {
			return `{ nodes(ids: [` + strings.TrimSuffix(strings.Repeat(`"centre:cba",`, n), ",") + `]) { id links { node { id } } } }`
		}
		if two, forty := price(ids(2)), price(ids(40)); forty != 20*two {
			t.Errorf("40 ids cost %d, 2 ids %d: want 20 times", forty, two)
		}
	})
}

// TestEveryConnectionIsPriced: every field that returns a connection is
// priced as one, so none is left at the limits' default list bound.
func TestEveryConnectionIsPriced(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	costs := fieldCosts()
	n := 0
	for _, typ := range schema.Types {
		for _, f := range typ.Fields {
			if strings.HasSuffix(f.Type.Name(), "Connection") {
				n++
				if costs[typ.Name+"."+f.Name] == nil {
					t.Errorf("%s.%s returns %s but is not priced as a connection", typ.Name, f.Name, f.Type.Name())
				}
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d connection fields", n)
	}
}

// BenchmarkOrderedPage is a connection's own work on one list of 100 times
// the seed's target groups: sorted by name in Danish order, the page of 20
// before the middle one, and the aggregate of all.
//
//	go test ./graph -run '^$' -bench OrderedPage
func BenchmarkOrderedPage(b *testing.B) {
	st := seedStore(&testing.T{}, 100)
	ns, err := st.NodesByKind(b.Context(), domain.KindTargetGroup)
	if err != nil || len(ns) < 1000 {
		b.Fatalf("%d target groups: %v", len(ns), err)
	}
	before := encodeCursor(string(ns[len(ns)/2].ID))
	a := pageArgs{last: new(20), before: &before}
	orderBy := []*model.NodeOrder{{Field: model.NodeOrderFieldName}}
	for b.Loop() {
		if _, err := nodesPage[model.TargetGroup](ns, a, orderBy); err != nil {
			b.Fatal(err)
		}
	}
}
