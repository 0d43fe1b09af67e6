package neo4jstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/neo4jstore"
)

// TestReseedInChunks seeds the real seed into an empty Neo4j 25 changes a
// transaction, as a first seeding at scale is written chunk by chunk, and
// into an empty embedded store in one go: the reports, the audit trails,
// the versions and the graphs must be the same, and seeding again must
// find nothing to change.
func TestReseedInChunks(t *testing.T) {
	ctx := context.Background()
	nst := connect(t)
	if err := nst.Load(ctx, &domain.Graph{}); err != nil {
		t.Fatal(err)
	}
	neo4jstore.SetChunkSteps(t, 25)
	mst, err := memstore.Open(&domain.Graph{}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mst.Close(ctx) })
	g := seedtest.Graph(t)
	steps := len(g.Nodes) + len(g.Relationships)
	opts := domain.ReseedOptions{Prune: true}

	nrep, err := nst.Reseed(ctx, g, opts)
	if err != nil {
		t.Fatal(err)
	}
	mrep, err := mst.Reseed(ctx, g, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(nrep.Changed) != steps || !reflect.DeepEqual(nrep, mrep) {
		t.Fatalf("reports differ or miss changes (%d of %d):\nneo4j  %+v\nmemory %+v", len(nrep.Changed), steps, nrep, mrep)
	}

	trail := func(s store.Writer) []domain.AuditEntry {
		t.Helper()
		es, err := s.Audit(ctx, store.AuditQuery{Limit: 2 * steps})
		if err != nil {
			t.Fatal(err)
		}
		for i := range es {
			es[i].At = time.Time{} // each store's re-seed wrote at its own time
		}
		return es
	}
	ntrail, mtrail := trail(nst), trail(mst)
	if len(ntrail) != steps || len(mtrail) != steps || ntrail[0].Seq != int64(steps) || ntrail[steps-1].Seq != 1 {
		t.Fatalf("neo4j's trail holds %d entries, seq %d to %d; want %d, from 1 (memory: %d)", len(ntrail), ntrail[steps-1].Seq, ntrail[0].Seq, steps, len(mtrail))
	}
	for i := range ntrail {
		if n, m := ntrail[i], mtrail[i]; !reflect.DeepEqual(n, m) {
			t.Fatalf("entry %d differs:\nneo4j  %+v\nmemory %+v", i, n, m)
		}
	}
	nv, err := nst.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if nv.Seq != int64(steps) {
		t.Fatalf("neo4j's version %v, want seq %d", nv, steps)
	}

	nsnap, err := nst.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msnap, err := mst.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nsnap.Nodes) != len(g.Nodes) || len(nsnap.Relationships) != len(g.Relationships) {
		t.Fatalf("neo4j holds %d nodes and %d links, want %d and %d", len(nsnap.Nodes), len(nsnap.Relationships), len(g.Nodes), len(g.Relationships))
	}
	if !reflect.DeepEqual(nsnap, msnap) {
		t.Fatal("the stores hold different graphs")
	}

	again, err := nst.Reseed(ctx, g, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Changed)+len(again.Kept)+len(again.Conflicts) != 0 || again.Unchanged != steps {
		t.Fatalf("seeding again: %+v", again)
	}
}
