package graph_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// statementCeiling is, for each query of the load test's mix, the Cypher
// statements it sent on the commit before the read path was made one
// (main at da665939): the read path may not cost Neo4j more than that.
var statementCeiling = map[string]int64{
	loadtest.KindWidget:       1,
	loadtest.KindImpact:       1,
	loadtest.KindDependencies: 2,
	loadtest.KindSearch:       2,
	loadtest.KindDeep:         1,
}

// Every query of the mix sends Neo4j no more statements than it did before,
// at the seed's size and at three times it.
func TestMixStatementsOnNeo4j(t *testing.T) {
	st := neo4jtest.Store(t)
	h := graph.NewHandler(slog.New(slog.DiscardHandler), st, graph.Options{})
	atScales(t, st, func(scale int) {
		for _, q := range loadtest.DefaultMix() {
			before := st.ReadStatements()
			body := graphtest.PostRaw(t, h, context.Background(), q.Query, q.Variables)
			sent := st.ReadStatements() - before
			if strings.Contains(string(body), `"errors"`) || len(body) < 50 {
				t.Fatalf("%d×, %s: %.300s", scale, q.Kind, body)
			}
			t.Logf("%d×, %s: %d statements", scale, q.Kind, sent)
			if ceiling, ok := statementCeiling[q.Kind]; !ok || sent > ceiling {
				t.Errorf("%d×, %s: %d statements, more than the %d it sent before", scale, q.Kind, sent, ceiling)
			}
		}
	})
}

// atScales loads the seed into st at its own size and at three times it
// (synthseed), and runs check after each load.
func atScales(t *testing.T, st store.Loader, check func(scale int)) {
	t.Helper()
	for _, scale := range []int{1, 3} {
		g, err := synthseed.Graph("../seed", t.TempDir(), scale)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Load(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		check(scale)
	}
}
