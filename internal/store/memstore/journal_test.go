package memstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

var src = []domain.Source{{Document: "doc.txt", Section: "CBA"}}

func TestWritesSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := memstore.Open(storetest.Fixture(), dir)
	if err != nil {
		t.Fatal(err)
	}
	n := &domain.Node{ID: "targetgroup:nye-unge", Kind: domain.KindTargetGroup, Name: "Nye unge", Sources: src}
	if _, err := st.Apply(ctx, domain.Write{Op: domain.CreateNode, Actor: "planner", Node: n}); err != nil {
		t.Fatal(err)
	}
	upd := *n
	upd.Description = "opdateret"
	if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &upd, ExpectedVersion: 1}); err != nil {
		t.Fatal(err)
	}
	st.Close(ctx)

	again, err := memstore.Open(storetest.Fixture(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close(ctx)
	got, _ := again.NodesByID(ctx, []domain.ID{n.ID})
	if got[n.ID] == nil || got[n.ID].Description != "opdateret" || got[n.ID].Version != 2 {
		t.Fatalf("after restart: %+v", got[n.ID])
	}
	es, _ := again.Audit(ctx, store.AuditQuery{Actor: "planner"})
	if len(es) != 2 || es[0].Op != domain.UpdateNode || es[0].Actor != "planner" {
		t.Fatalf("audit after restart: %+v", es)
	}
	// And writing goes on where it left off.
	if _, err := again.Apply(ctx, domain.Write{Op: domain.DeleteNode, Actor: "planner", Node: n, ExpectedVersion: 2}); err != nil {
		t.Fatal(err)
	}
}

func TestWithoutADataFolderWritesAreRefused(t *testing.T) {
	st, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	n := &domain.Node{ID: "targetgroup:nye-unge", Kind: domain.KindTargetGroup, Name: "Nye unge", Sources: src}
	_, err = st.Apply(context.Background(), domain.Write{Op: domain.CreateNode, Actor: "planner", Node: n})
	if !errors.Is(err, domain.ErrWritesDisabled) {
		t.Fatalf("want ErrWritesDisabled, got %v", err)
	}
	if got, _ := st.NodesByID(context.Background(), []domain.ID{n.ID}); len(got) != 0 {
		t.Fatal("a refused write took effect")
	}
}

func TestACorruptJournalStopsTheStart(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), []byte("{not json\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := memstore.Open(storetest.Fixture(), dir); err == nil {
		t.Fatal("opened over a corrupt journal")
	}
}

// TestAChangedSeedBetweenStarts changes the seed between starts on one data
// folder: the document's change raises the version (never back to 1), a
// planner's recorded edit wins and its clash with the document is reported,
// and each change is audited as the seed.
func TestAChangedSeedBetweenStarts(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	open := func(g *domain.Graph) *memstore.Store {
		t.Helper()
		st, err := memstore.Open(g, dir)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	node := func(st *memstore.Store, id domain.ID) *domain.Node {
		t.Helper()
		ns, _ := st.NodesByID(ctx, []domain.ID{id})
		if ns[id] == nil {
			t.Fatalf("%s is gone", id)
		}
		return ns[id]
	}
	changed := func() *domain.Graph {
		g := storetest.Fixture()
		for _, n := range g.Nodes {
			switch n.ID {
			case "centre:cba":
				n.Description = "ny beskrivelse"
			case "centre:cdoe":
				n.FullName = "Center for Drift og Økonomi"
			}
		}
		return g
	}

	st := open(storetest.Fixture())
	if rep := st.Report(); len(rep.Changed) == 0 || rep.Unchanged != 0 {
		t.Fatalf("the first start seeds everything: %+v", rep)
	}
	cba, cdoe := node(st, "centre:cba"), *node(st, "centre:cdoe")
	cdoe.Description = "planner's note"
	if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &cdoe, ExpectedVersion: cdoe.Version}); err != nil {
		t.Fatal(err)
	}
	st.Close(ctx)

	st = open(changed())
	rep := st.Report()
	if !slices.Equal(rep.Changed, []string{"UPDATE_NODE centre:cba"}) || !slices.Equal(rep.Conflicts, []string{"centre:cdoe"}) {
		t.Fatalf("second start: %+v", rep)
	}
	if n := node(st, "centre:cba"); n.Version != cba.Version+1 || n.Description != "ny beskrivelse" {
		t.Fatalf("cba after a changed seed: %+v", n)
	}
	if n := node(st, "centre:cdoe"); n.Description != "planner's note" || n.Version != cdoe.Version+1 {
		t.Fatalf("cdoe: the planner's recorded write lost: %+v", n)
	}
	es, _ := st.Audit(ctx, store.AuditQuery{Target: "centre:cba", Limit: 1})
	if len(es) != 1 || es[0].Actor != domain.SeedActor || es[0].Op != domain.UpdateNode || es[0].Version != cba.Version+1 {
		t.Fatalf("cba's audit: %+v", es)
	}
	st.Close(ctx)

	// The same seed again: nothing moves; the conflict stands until resolved.
	st = open(changed())
	if rep := st.Report(); len(rep.Changed) != 0 || !slices.Equal(rep.Conflicts, []string{"centre:cdoe"}) {
		t.Fatalf("third start: %+v", rep)
	}
	if n := node(st, "centre:cba"); n.Version != cba.Version+1 {
		t.Fatalf("cba moved without a change: %+v", n)
	}
	st.Close(ctx)

	// Told to overwrite, the start writes the document over the edit.
	st, err := memstore.OpenWith(changed(), dir, domain.ReseedOptions{Prune: true, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep := st.Report(); !slices.Equal(rep.Changed, []string{"UPDATE_NODE centre:cdoe"}) {
		t.Fatalf("start with overwrite: %+v", rep)
	}
	if n := node(st, "centre:cdoe"); n.Description != "" || n.FullName != "Center for Drift og Økonomi" || n.Version != cdoe.Version+2 {
		t.Fatalf("cdoe after overwrite: %+v", n)
	}
	st.Close(ctx)

	// Back to the first seed: one more version, not a reset.
	st = open(storetest.Fixture())
	defer st.Close(ctx)
	if n := node(st, "centre:cba"); n.Version != cba.Version+2 || n.Description != cba.Description {
		t.Fatalf("cba after the seed went back: %+v", n)
	}
}
