package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// RunWrites holds a writable store to the write contract. newStore must
// return a store holding g that accepts writes.
func RunWrites[S store.Store](t *testing.T, newStore NewStore[S]) {
	var st store.Store = newStore(t, Fixture())
	ctx := context.Background()
	src := []domain.Source{srcCBA}
	auditLen := func() int {
		es, err := st.Audit(ctx, store.AuditQuery{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	node := func(id domain.ID) *domain.Node {
		ns, err := st.NodesByID(ctx, []domain.ID{id})
		if err != nil {
			t.Fatal(err)
		}
		return ns[id]
	}
	mustApply := func(w domain.Write) *domain.AuditEntry {
		t.Helper()
		e, err := st.Apply(ctx, w)
		if err != nil {
			t.Fatalf("%s %s: %v", w.Op, w.Target(), err)
		}
		return e
	}
	refused := func(w domain.Write, want error) {
		t.Helper()
		before := auditLen()
		snap, _ := st.Snapshot(ctx)
		if _, err := st.Apply(ctx, w); !errors.Is(err, want) {
			t.Fatalf("%s %s: want %v, got %v", w.Op, w.Target(), want, err)
		}
		after, _ := st.Snapshot(ctx)
		if auditLen() != before || len(after.Nodes) != len(snap.Nodes) || len(after.Relationships) != len(snap.Relationships) {
			t.Fatalf("a refused write changed something")
		}
	}
	// next is one past the highest order and the highest seq g holds: what
	// a created node and a created link get, so that they list last.
	next := func() (order, seq int) {
		t.Helper()
		g, err := st.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range g.Nodes {
			order = max(order, n.Order+1)
		}
		for _, r := range g.Relationships {
			seq = max(seq, r.Seq+1)
		}
		return order, seq
	}
	newNode := NewTargetGroup()

	t.Run("create a node", func(t *testing.T) {
		order, _ := next()
		e := mustApply(domain.Write{Op: domain.CreateNode, Actor: "planner-a", Node: newNode})
		if e.Version != 1 || e.Before != "" || e.After == "" || e.Actor != "planner-a" || e.Target != "targetgroup:nye-unge" || e.At.IsZero() {
			t.Fatalf("audit entry: %+v", e)
		}
		if n := node(newNode.ID); n == nil || n.Version != 1 || n.Name != "Nye unge" || n.Order != order {
			t.Fatalf("created node (want order %d): %+v", order, n)
		}
		refused(domain.Write{Op: domain.CreateNode, Actor: "planner-a", Node: newNode}, domain.ErrConflict)
	})

	t.Run("update with the version read; a stale version is a conflict", func(t *testing.T) {
		upd := *newNode
		upd.Description = "Unge under 30"
		if e := mustApply(domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &upd, ExpectedVersion: 1}); e.Version != 2 || e.Before == "" {
			t.Fatalf("audit entry: %+v", e)
		}
		stale := upd
		stale.Description = "overwritten"
		refused(domain.Write{Op: domain.UpdateNode, Actor: "planner-b", Node: &stale, ExpectedVersion: 1}, domain.ErrConflict)
		if n := node(newNode.ID); n.Description != "Unge under 30" || n.Version != 2 {
			t.Fatalf("after a refused update: %+v", n)
		}
	})

	t.Run("concurrent planners: one wins, the rest conflict, the audit holds the one", func(t *testing.T) {
		const planners = 6
		var wg sync.WaitGroup
		errs := make([]error, planners)
		for i := range planners {
			wg.Go(func() {
				upd := *newNode
				upd.Description = "version from planner " + string(rune('A'+i))
				_, errs[i] = st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner-" + string(rune('a'+i)), Node: &upd, ExpectedVersion: 2})
			})
		}
		wg.Wait()
		won, winner := 0, -1
		for i, err := range errs {
			switch {
			case err == nil:
				won, winner = won+1, i
			case !errors.Is(err, domain.ErrConflict):
				t.Fatalf("planner %d: %v", i, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d planners won, want exactly 1", won)
		}
		n := node(newNode.ID)
		if n.Version != 3 || n.Description != "version from planner "+string(rune('A'+winner)) {
			t.Fatalf("stored: %+v", n)
		}
		es, err := st.Audit(ctx, store.AuditQuery{Target: string(newNode.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 3 || es[0].Version != 3 || es[0].Actor != "planner-"+string(rune('a'+winner)) || es[2].Op != domain.CreateNode {
			t.Fatalf("audit (newest first): %+v", es)
		}
	})

	t.Run("invalid writes change nothing", func(t *testing.T) {
		refused(domain.Write{Op: domain.CreateLink, Actor: "p", Rel: &domain.Relationship{Kind: domain.RelServes, From: "centre:cba", To: "targetgroup:nowhere", Basis: domain.Explicit, Sources: src}}, domain.ErrInvalidInput)
		refused(domain.Write{Op: domain.CreateLink, Actor: "p", Rel: &domain.Relationship{Kind: "SERVICES", From: "centre:cba", To: newNode.ID, Basis: domain.Explicit, Sources: src}}, domain.ErrInvalidInput)
		refused(domain.Write{Op: domain.CreateLink, Actor: "p", Rel: &domain.Relationship{Kind: domain.RelServes, From: "centre:cba", To: newNode.ID, Basis: domain.Inferred, Sources: src}}, domain.ErrInvalidInput)
		refused(domain.Write{Op: domain.CreateLink, Actor: "p", Rel: &domain.Relationship{Kind: domain.RelPays, From: "centre:cba", To: newNode.ID, Basis: domain.Explicit, Sources: src}}, domain.ErrInvalidInput)
		refused(domain.Write{Op: domain.CreateNode, Actor: "p", Node: &domain.Node{ID: "planet:earth", Kind: "Planet", Name: "x", Sources: src}}, domain.ErrInvalidInput)
		refused(domain.Write{Op: domain.CreateNode, Actor: "p", Node: &domain.Node{ID: "targetgroup:uden-kilde", Kind: domain.KindTargetGroup, Name: "x"}}, domain.ErrInvalidInput)
		refused(domain.Write{Op: domain.CreateNode, Actor: "", Node: newNode}, domain.ErrInvalidInput)
		refused(domain.Write{Op: domain.UpdateNode, Actor: "p", Node: &domain.Node{ID: "targetgroup:nowhere", Kind: domain.KindTargetGroup, Name: "x", Sources: src}, ExpectedVersion: 1}, domain.ErrNotFound)
	})

	t.Run("a period that ends before it begins is invalid", func(t *testing.T) {
		day := func(s string) *domain.Date { d := domain.Date(s); return &d }
		from, to := day("2026-07-01"), day("2026-01-01")
		dated := *newNode
		dated.ID, dated.ValidFrom, dated.ValidTo = "targetgroup:baglaens", from, to
		refused(domain.Write{Op: domain.CreateNode, Actor: "p", Node: &dated}, domain.ErrInvalidInput)
		tasked := *newNode
		tasked.ID, tasked.Tasks = "targetgroup:baglaens", []domain.Task{{Text: "ok", ValidFrom: to, ValidTo: from}, {Text: "backwards", ValidFrom: from, ValidTo: to}}
		refused(domain.Write{Op: domain.CreateNode, Actor: "p", Node: &tasked}, domain.ErrInvalidInput)
		upd := *node(newNode.ID)
		upd.ValidFrom, upd.ValidTo = from, to
		refused(domain.Write{Op: domain.UpdateNode, Actor: "p", Node: &upd, ExpectedVersion: upd.Version}, domain.ErrInvalidInput)
		refused(domain.Write{Op: domain.CreateLink, Actor: "p", Rel: &domain.Relationship{Kind: domain.RelServes, From: "centre:cba", To: newNode.ID,
			Basis: domain.Explicit, Sources: src, ValidFrom: from, ValidTo: to}}, domain.ErrInvalidInput)
	})

	link := &domain.Relationship{Kind: domain.RelServes, From: "centre:cba", To: newNode.ID, Basis: domain.Inferred,
		Rationale: "CBA serves young people far from work.", Sources: src}
	t.Run("links: create, update, stale delete, and impact sees them at once", func(t *testing.T) {
		_, seq := next()
		if e := mustApply(domain.Write{Op: domain.CreateLink, Actor: "p", Rel: link}); e.Version != 1 {
			t.Fatalf("audit entry: %+v", e)
		}
		got, err := st.Links(ctx, []domain.ID{newNode.ID}, store.LinkQuery{Kind: domain.RelServes, Dir: domain.Incoming})
		if err != nil || len(got[newNode.ID]) != 1 || got[newNode.ID][0].Rel.Rationale != link.Rationale || got[newNode.ID][0].Rel.Seq != seq {
			t.Fatalf("links after create (want seq %d): %v %v", seq, got, err)
		}
		paths, err := st.ImpactPaths(ctx, []domain.ID{newNode.ID}, domain.ImpactMaxSteps)
		if err != nil || len(paths[newNode.ID]) != 1 || paths[newNode.ID][0].End() != "centre:cba" {
			t.Fatalf("impact after create: %v %v", paths, err)
		}
		upd := *link
		upd.Note = "noted"
		mustApply(domain.Write{Op: domain.UpdateLink, Actor: "p", Rel: &upd, ExpectedVersion: 1})
		refused(domain.Write{Op: domain.DeleteLink, Actor: "p", Rel: link, ExpectedVersion: 1}, domain.ErrConflict)
	})

	t.Run("delete: not while linked, then the link, then the node", func(t *testing.T) {
		refused(domain.Write{Op: domain.DeleteNode, Actor: "p", Node: newNode, ExpectedVersion: 3}, domain.ErrInvalidInput)
		if e := mustApply(domain.Write{Op: domain.DeleteLink, Actor: "p", Rel: link, ExpectedVersion: 2}); e.After != "" || e.Version != 0 {
			t.Fatalf("audit entry: %+v", e)
		}
		mustApply(domain.Write{Op: domain.DeleteNode, Actor: "p", Node: newNode, ExpectedVersion: 3})
		if node(newNode.ID) != nil {
			t.Fatal("deleted node still there")
		}
	})

	t.Run("audit: newest first, by actor", func(t *testing.T) {
		es, err := st.Audit(ctx, store.AuditQuery{Actor: "planner-a"})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) < 2 || es[0].Seq < es[len(es)-1].Seq {
			t.Fatalf("audit by actor: %+v", es)
		}
		for _, e := range es {
			if e.Actor != "planner-a" {
				t.Fatalf("foreign entry: %+v", e)
			}
		}
	})

	t.Run("an idempotency key: a retry answers with the first write, another write under it is refused", func(t *testing.T) {
		keyed := &domain.Node{ID: "targetgroup:fleksjob", Kind: domain.KindTargetGroup, Name: "Fleksjobbere", Sources: src}
		create := domain.Write{Op: domain.CreateNode, Actor: "planner-a", Node: keyed, IdempotencyKey: "k-1/createNode", RequestHash: "create"}
		first := mustApply(create)
		before := auditLen()
		sameAnswer := func(got *domain.AuditEntry, want *domain.AuditEntry) {
			t.Helper()
			if got.Seq != want.Seq || !got.At.Equal(want.At) || got.After != want.After || got.Version != want.Version || got.IdempotencyKey != want.IdempotencyKey {
				t.Fatalf("retry answered %+v, the first write %+v", got, want)
			}
		}
		sameAnswer(mustApply(create), first)
		if auditLen() != before {
			t.Fatal("a retry wrote again")
		}
		reused := create
		reused.RequestHash = "something else"
		refused(reused, domain.ErrKeyReused)
		otherActor := create
		otherActor.Actor = "planner-b"
		refused(otherActor, domain.ErrKeyReused)
		if es, err := st.Audit(ctx, store.AuditQuery{Target: string(keyed.ID)}); err != nil || len(es) != 1 || es[0].IdempotencyKey != create.IdempotencyKey || es[0].RequestHash != "create" {
			t.Fatalf("the audit trail keeps the key with the write: %+v %v", es, err)
		}

		// An update retried after its first attempt moved the version on is
		// answered with that attempt, not CONFLICT.
		upd := *keyed
		upd.Description = "Borgere i fleksjob"
		update := domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &upd, ExpectedVersion: 1, IdempotencyKey: "k-2/updateNode", RequestHash: "update"}
		firstUpdate := mustApply(update)
		sameAnswer(mustApply(update), firstUpdate)
		if n := node(keyed.ID); n.Version != 2 {
			t.Fatalf("after a retried update: %+v", n)
		}

		// Retries racing each other and their first attempt: one write, one
		// answer for all.
		racing := domain.Write{Op: domain.CreateNode, Actor: "planner-a", IdempotencyKey: "k-3/createNode", RequestHash: "race",
			Node: &domain.Node{ID: "targetgroup:jobparate", Kind: domain.KindTargetGroup, Name: "Jobparate", Sources: src}}
		const tries = 4
		entries := make([]*domain.AuditEntry, tries)
		errs := make([]error, tries)
		var wg sync.WaitGroup
		for i := range tries {
			wg.Go(func() { entries[i], errs[i] = st.Apply(ctx, racing) })
		}
		wg.Wait()
		for i := range tries {
			if errs[i] != nil {
				t.Fatalf("try %d: %v", i, errs[i])
			}
			sameAnswer(entries[i], entries[0])
		}
		if es, err := st.Audit(ctx, store.AuditQuery{Target: "targetgroup:jobparate"}); err != nil || len(es) != 1 {
			t.Fatalf("racing retries left %d audit entries (%v), want 1", len(es), err)
		}
	})

	t.Run("created again, a node or link continues its versions: a stale writer still conflicts", func(t *testing.T) {
		again := &domain.Node{ID: "targetgroup:genopstaaet", Kind: domain.KindTargetGroup, Name: "Genopstået", Sources: src}
		back := &domain.Relationship{Kind: domain.RelServes, From: "centre:cba", To: again.ID, Basis: domain.Explicit, Sources: src}
		mustApply(domain.Write{Op: domain.CreateNode, Actor: "p", Node: again})
		upd := *again
		upd.Description = "v2"
		mustApply(domain.Write{Op: domain.UpdateNode, Actor: "p", Node: &upd, ExpectedVersion: 1})
		mustApply(domain.Write{Op: domain.CreateLink, Actor: "p", Rel: back})
		mustApply(domain.Write{Op: domain.DeleteLink, Actor: "p", Rel: back, ExpectedVersion: 1})
		mustApply(domain.Write{Op: domain.DeleteNode, Actor: "p", Node: again, ExpectedVersion: 2})
		if e := mustApply(domain.Write{Op: domain.CreateNode, Actor: "p", Node: again}); e.Version != 3 {
			t.Fatalf("created again: audit entry %+v, want version 3", e)
		}
		if n := node(again.ID); n == nil || n.Version != 3 {
			t.Fatalf("created again: %+v, want version 3", n)
		}
		stale := *again
		stale.Description = "from a read before the deletion"
		refused(domain.Write{Op: domain.UpdateNode, Actor: "p-stale", Node: &stale, ExpectedVersion: 1}, domain.ErrConflict)
		if e := mustApply(domain.Write{Op: domain.CreateLink, Actor: "p", Rel: back}); e.Version != 2 {
			t.Fatalf("link created again: audit entry %+v, want version 2", e)
		}
		refused(domain.Write{Op: domain.DeleteLink, Actor: "p-stale", Rel: back, ExpectedVersion: 1}, domain.ErrConflict)
		if e := mustApply(domain.Write{Op: domain.UpdateNode, Actor: "p", Node: &stale, ExpectedVersion: 3}); e.Version != 4 {
			t.Fatalf("update at the current version: %+v", e)
		}
	})
}
