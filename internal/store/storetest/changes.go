package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// RunChanges holds a writable store to the change feed's contract: the
// version is the last write's seq, and the writes after a seq are read back
// in order, once each, whoever made them. newStore must return a store
// holding g that accepts writes.
func RunChanges[S store.Store](t *testing.T, newStore NewStore[S]) {
	st := newStore(t, Fixture())
	ctx := context.Background()
	version := func() store.Version {
		t.Helper()
		v, err := st.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	changes := func(after int64, limit int) []domain.AuditEntry {
		t.Helper()
		es, err := st.Changes(ctx, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	seqs := func(es []domain.AuditEntry) []int64 {
		out := make([]int64, len(es))
		for i, e := range es {
			out[i] = e.Seq
		}
		return out
	}
	v0 := version()
	if es := changes(v0.Seq, 0); len(es) != 0 {
		t.Fatalf("writes after the version %v: %+v", v0, es)
	}

	node := NewTargetGroup()
	var e1, e2 *domain.AuditEntry
	t.Run("a write moves the version to its seq", func(t *testing.T) {
		var err error
		if e1, err = st.Apply(ctx, domain.Write{Op: domain.CreateNode, Actor: "planner-a", Node: node}); err != nil {
			t.Fatal(err)
		}
		if v := version(); v != (store.Version{Epoch: v0.Epoch, Seq: e1.Seq}) || e1.Seq <= v0.Seq {
			t.Fatalf("after seq %d from %v: version %v", e1.Seq, v0, v)
		}
		upd := *node
		upd.Description = "Unge under 30"
		if e2, err = st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner-b", Node: &upd, ExpectedVersion: 1}); err != nil {
			t.Fatal(err)
		}
		if v := version(); v.Seq != e2.Seq || e2.Seq != e1.Seq+1 {
			t.Fatalf("seqs %d, %d; version %v", e1.Seq, e2.Seq, v)
		}
	})
	if e2 == nil {
		t.FailNow()
	}

	t.Run("the writes after a seq, oldest first, as audited", func(t *testing.T) {
		es := changes(v0.Seq, 0)
		if len(es) != 2 {
			t.Fatalf("want 2 writes after %d, got %+v", v0.Seq, es)
		}
		for i, want := range []*domain.AuditEntry{e1, e2} {
			got := es[i]
			if got.Seq != want.Seq || got.Op != want.Op || got.Target != want.Target || got.Actor != want.Actor ||
				!got.At.Equal(want.At) || got.Version != want.Version || got.After != want.After {
				t.Fatalf("change %d: want %+v, got %+v", i, *want, got)
			}
		}
		if got := seqs(changes(v0.Seq, 1)); fmt.Sprint(got) != fmt.Sprint([]int64{e1.Seq}) {
			t.Fatalf("limit 1: %v", got)
		}
		if got := seqs(changes(e1.Seq, 0)); fmt.Sprint(got) != fmt.Sprint([]int64{e2.Seq}) {
			t.Fatalf("after %d: %v", e1.Seq, got)
		}
		if got := changes(e2.Seq, 0); len(got) != 0 {
			t.Fatalf("after the last: %+v", got)
		}
	})

	t.Run("a refused write leaves the version", func(t *testing.T) {
		before := version()
		if _, err := st.Apply(ctx, domain.Write{Op: domain.CreateNode, Actor: "planner-a", Node: node}); err == nil {
			t.Fatal("a second creation was accepted")
		}
		if v := version(); v != before {
			t.Fatalf("version %v became %v", before, v)
		}
	})

	t.Run("concurrent writers: every write once, in seq order, no gap", func(t *testing.T) {
		from := version()
		const writers = 8
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				n := *NewTargetGroup()
				n.ID = domain.ID(fmt.Sprintf("targetgroup:live-%d", i))
				n.Name = fmt.Sprintf("Live %d", i)
				_, errs[i] = st.Apply(ctx, domain.Write{Op: domain.CreateNode, Actor: "planner", Node: &n})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("writer %d: %v", i, err)
			}
		}
		es := changes(from.Seq, 0)
		targets := map[string]bool{}
		for i, e := range es {
			if e.Seq != from.Seq+int64(i)+1 {
				t.Fatalf("seqs after %d: %v", from.Seq, seqs(es))
			}
			targets[e.Target] = true
		}
		if len(es) != writers || len(targets) != writers {
			t.Fatalf("want %d writes once each, got %v", writers, seqs(es))
		}
		if v := version(); v.Seq != es[len(es)-1].Seq {
			t.Fatalf("version %v, last seq %d", v, es[len(es)-1].Seq)
		}
	})

	t.Run("a store loaded afresh begins a new epoch", func(t *testing.T) {
		again := newStore(t, Fixture())
		v, err := again.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.Epoch == v0.Epoch {
			t.Fatalf("epoch %q kept across a new load", v.Epoch)
		}
	})
}
