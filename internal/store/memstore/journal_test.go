package memstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
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
