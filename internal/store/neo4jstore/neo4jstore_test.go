package neo4jstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/neo4jstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// connect opens the test Neo4j, one test at a time (see neo4jtest).
func connect(t *testing.T) *neo4jstore.Store { return neo4jtest.Store(t) }

// loading is the test Neo4j for the contract suites: each store they ask
// for is it, loaded with their graph.
func loading(t *testing.T) storetest.NewStore[*neo4jstore.Store] {
	st := connect(t)
	return func(t *testing.T, g *domain.Graph) *neo4jstore.Store {
		if err := st.Load(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		return st
	}
}

func TestContract(t *testing.T) { storetest.Run(t, loading(t)) }

// The queries people type find what they mean in the top 3, as in the memstore.
func TestTypedQueriesOnSeed(t *testing.T) {
	st := loading(t)(t, seedtest.Graph(t))
	storetest.TypedQueries(t, st, storetest.TypedQueriesFile)
}

// Search finds its candidates through the text index, for a term typed
// exactly and for one that forgives typos (an OR of seeks), never by
// reading every node.
func TestSearchSeeksTheTextIndex(t *testing.T) {
	st := connect(t)
	for _, q := range []string{"fleksjob", "ressourseforlob afskaffelse", "CDO"} {
		ops, err := st.SearchPlan(context.Background(), search.Terms(q), 10)
		if err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(ops, " ")
		if !strings.Contains(plan, "NodeIndexContainsScan") || strings.Contains(plan, "AllNodesScan") || strings.Contains(plan, "NodeByLabelScan") {
			t.Errorf("%q: plan %s", q, plan)
		}
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	st := connect(t)
	ctx := context.Background()
	g := storetest.Fixture()
	if err := st.Load(ctx, g); err != nil {
		t.Fatal(err)
	}
	wantNodes, wantRels, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if wantNodes != int64(len(g.Nodes)) || wantRels != int64(len(g.Relationships)) {
		t.Fatalf("after one seed: %d nodes, %d rels; want %d, %d", wantNodes, wantRels, len(g.Nodes), len(g.Relationships))
	}
	t.Run("twice in a row", func(t *testing.T) {
		if rep, err := st.Reseed(ctx, g, domain.ReseedOptions{}); err != nil || len(rep.Changed) != 0 {
			t.Fatalf("%+v, %v", rep, err)
		}
		assertCounts(t, st, wantNodes, wantRels)
	})
	t.Run("twice at once", func(t *testing.T) {
		errs := make(chan error, 2)
		for range 2 {
			go func() { _, err := st.Reseed(ctx, g, domain.ReseedOptions{}); errs <- err }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		assertCounts(t, st, wantNodes, wantRels)
	})
	t.Run("prune removes what the seed no longer holds", func(t *testing.T) {
		smaller := storetest.Fixture()
		smaller.Nodes = smaller.Nodes[:len(smaller.Nodes)-1] // drop savingsyear:varigt
		var rels []*domain.Relationship
		for _, r := range smaller.Relationships {
			if r.To != "savingsyear:varigt" && r.Kind != domain.RelWorksWith {
				rels = append(rels, r)
			}
		}
		smaller.Relationships = rels
		if _, err := st.Reseed(ctx, smaller, domain.ReseedOptions{}); err != nil {
			t.Fatal(err)
		}
		assertCounts(t, st, wantNodes, wantRels) // without --prune nothing goes
		if _, err := st.Reseed(ctx, smaller, domain.ReseedOptions{Prune: true}); err != nil {
			t.Fatal(err)
		}
		assertCounts(t, st, int64(len(smaller.Nodes)), int64(len(smaller.Relationships)))
	})
}

func assertCounts(t *testing.T, st *neo4jstore.Store, nodes, rels int64) {
	t.Helper()
	n, r, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != nodes || r != rels {
		t.Fatalf("counts: %d nodes, %d rels; want %d, %d", n, r, nodes, rels)
	}
}

func TestUnreachableIsUnavailableWithoutDriverText(t *testing.T) {
	st, err := neo4jstore.New(neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x", QueryTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	_, err = st.NodesByID(context.Background(), []domain.ID{"centre:cba"})
	if !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("want ErrUnavailable, got %v", err)
	}
	if msg := err.Error(); msg != "neo4jstore: nodes by id: store unavailable" {
		t.Fatalf("error text leaks detail: %q", msg)
	}
	if err := st.Ping(context.Background()); !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("ping: %v", err)
	}
}

func TestClosedListsRefuseInjection(t *testing.T) {
	st := connect(t)
	ctx := context.Background()
	if _, err := st.NodesByKind(ctx, domain.Kind("Centre) DETACH DELETE (n")); !errors.Is(err, domain.ErrInvalidInput) {
		t.Fatalf("label injection: %v", err)
	}
	if _, err := st.Links(ctx, []domain.ID{"centre:cba"}, store.LinkQuery{Kind: "SERVES]-() DELETE r //"}); !errors.Is(err, domain.ErrInvalidInput) {
		t.Fatalf("type injection: %v", err)
	}
	if _, err := st.Search(ctx, []string{"a* OR *"}, 10); !errors.Is(err, domain.ErrInvalidInput) {
		t.Fatalf("lucene injection: %v", err)
	}
}

func TestWriteContract(t *testing.T) { storetest.RunWrites(t, loading(t)) }

func TestChangeFeedContract(t *testing.T) { storetest.RunChanges(t, loading(t)) }

func TestReseedContract(t *testing.T) { storetest.RunReseed(t, loading(t)) }

// A creation reads the next order and seq from the end of an index: each
// part of their plans is an index scan, and none scans every node or
// relationship. (The seq statement's parts are checked one by one: the plan
// the driver reports for a long UNION shows only two of its branches.)
func TestNextOrderAndSeqReadAnIndex(t *testing.T) {
	st := connect(t)
	ctx := context.Background()
	if err := st.Load(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, cypher, indexScan string) {
		t.Helper()
		ops, err := neo4jstore.PlanOperators(ctx, st, cypher)
		if err != nil {
			t.Fatal(err)
		}
		scans := 0
		for _, op := range ops {
			base, _, _ := strings.Cut(op, "@")
			switch {
			case base == indexScan:
				scans++
			case strings.Contains(base, "Scan"):
				t.Errorf("the plan scans with %s: %v", op, ops)
			}
		}
		if scans == 0 {
			t.Errorf("no %s in the plan: %v", indexScan, ops)
		}
	}
	t.Run("order", func(t *testing.T) { check(t, neo4jstore.NextOrder, "NodeIndexScan") })
	t.Run("seq", func(t *testing.T) {
		check(t, neo4jstore.NextSeq, "DirectedRelationshipIndexScan")
		for _, spec := range domain.RelSpecs {
			if !strings.Contains(neo4jstore.NextSeq, neo4jstore.TopSeq(spec.Kind)) {
				t.Errorf("NextSeq does not read %s", spec.Kind)
			}
			check(t, neo4jstore.TopSeq(spec.Kind), "DirectedRelationshipIndexScan")
		}
	})
}

// Scenarios are Scenario nodes: a load leaves them, and a new driver on the
// same database, as after a restart, reads them as they were.
func TestScenarioContract(t *testing.T) {
	env, st := neo4jtest.EnvAndStore(t)
	storetest.RunScenarios(t, func(t *testing.T, g *domain.Graph) store.Store {
		if err := st.Load(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		return st
	}, func(t *testing.T, _ store.Store) store.Store {
		return neo4jtest.Another(t, env)
	})
}
