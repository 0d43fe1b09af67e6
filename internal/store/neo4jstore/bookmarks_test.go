package neo4jstore_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store/neo4jstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// Every session the store opens comes from its one helper, which hands it
// the driver's bookmark manager: the store's code opens a session in one
// place, and a write, a seed and a load each leave their bookmark there,
// where the next session (a read on another cluster member) starts from.
func TestEverySessionSharesTheBookmarkManager(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	opened := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		opened += strings.Count(string(b), ".NewSession(")
		if strings.Contains(string(b), "Bookmarks:") || strings.Contains(string(b), "WithBookmarks") {
			t.Errorf("%s passes bookmarks by hand", f)
		}
	}
	if opened != 1 {
		t.Errorf("the store opens sessions in %d places, want 1 (Store.session)", opened)
	}

	st := connect(t)
	ctx := context.Background()
	moved := func(what string, before []string) []string {
		t.Helper()
		after, err := neo4jstore.Bookmarks(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) == 0 || slices.Equal(after, before) {
			t.Fatalf("%s left the bookmarks at %v (were %v)", what, after, before)
		}
		return after
	}
	if err := st.Load(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	b := moved("a load", nil)
	n := &domain.Node{ID: "targetgroup:nye-unge", Kind: domain.KindTargetGroup, Name: "Nye unge", Sources: []domain.Source{{Document: "doc.txt", Section: "CBA"}}}
	if _, err := st.Apply(ctx, domain.Write{Op: domain.CreateNode, Actor: "planner", Node: n}); err != nil {
		t.Fatal(err)
	}
	b = moved("a write", b)
	// A re-seed that changes a fact, so that it writes.
	doc := storetest.Fixture()
	doc.Nodes[0].Description += " (re-seeded)"
	if _, err := st.Reseed(ctx, doc, domain.ReseedOptions{}); err != nil {
		t.Fatal(err)
	}
	moved("a seed", b)
}
