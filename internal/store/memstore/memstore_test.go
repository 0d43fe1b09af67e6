package memstore_test

import (
	"context"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, g *domain.Graph) store.Store {
		st, err := memstore.New(g)
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

func TestNewRefusesDanglingLink(t *testing.T) {
	g := storetest.Fixture()
	g.Relationships = append(g.Relationships, &domain.Relationship{Kind: domain.RelServes, From: "centre:cba", To: "targetgroup:nowhere", Basis: domain.Explicit})
	if _, err := memstore.New(g); err == nil {
		t.Fatal("a dangling link loaded")
	}
}

// openJournalled opens a memstore holding g that journals its writes in a
// folder of the test's own, closed when the test ends.
func openJournalled(t *testing.T, g *domain.Graph) *memstore.Store {
	t.Helper()
	st, err := memstore.Open(g, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return st
}

func TestWriteContract(t *testing.T) { storetest.RunWrites(t, openJournalled) }

func TestChangeFeedContract(t *testing.T) { storetest.RunChanges(t, openJournalled) }

// A write's idempotency key is kept with it: after a restart, a retry is
// still answered with the first write, not a CONFLICT.
func TestIdempotencyKeySurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	w := domain.Write{Op: domain.CreateNode, Actor: "planner", IdempotencyKey: "retry-me/createNode", RequestHash: "h",
		Node: storetest.NewTargetGroup()}
	st := openFixture(t, dir)
	first, err := st.Apply(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	st.Close(ctx)

	again := openFixture(t, dir)
	defer again.Close(ctx)
	retried, err := again.Apply(ctx, w)
	if err != nil {
		t.Fatalf("retry after a restart: %v", err)
	}
	if retried.Seq != first.Seq || retried.After != first.After {
		t.Fatalf("retry answered %+v, the first write %+v", retried, first)
	}
	if es, _ := again.Audit(ctx, store.AuditQuery{Actor: "planner"}); len(es) != 1 {
		t.Fatalf("%d audit entries after the retry, want 1", len(es))
	}
}

func TestReseedContract(t *testing.T) { storetest.RunReseed(t, openJournalled) }

// The queries people type find what they mean in the top 3.
func TestTypedQueriesOnSeed(t *testing.T) {
	storetest.TypedQueries(t, seedtest.Store(t), storetest.TypedQueriesFile)
}

func TestScenarioContract(t *testing.T) {
	dir := t.TempDir()
	g := storetest.Fixture()
	storetest.RunScenarios(t, func(t *testing.T, _ *domain.Graph) store.Store {
		st, err := memstore.Open(g, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close(context.Background()) })
		return st
	}, func(t *testing.T, st store.Store) store.Store {
		if err := st.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		again, err := memstore.Open(g, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { again.Close(context.Background()) })
		return again
	})
}
