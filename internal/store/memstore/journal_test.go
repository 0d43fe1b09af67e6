package memstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// openFixture opens the store fixture journalled in dir; the caller closes it.
func openFixture(t *testing.T, dir string) *memstore.Store {
	t.Helper()
	st, err := memstore.Open(storetest.Fixture(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// openWithNewTargetGroup opens the store fixture journalled in dir and
// creates storetest.NewTargetGroup in it, its journal's first line.
func openWithNewTargetGroup(t *testing.T, dir string) (*memstore.Store, *domain.Node) {
	t.Helper()
	st := openFixture(t, dir)
	n := storetest.NewTargetGroup()
	if _, err := st.Apply(context.Background(), domain.Write{Op: domain.CreateNode, Actor: "planner", Node: n}); err != nil {
		t.Fatal(err)
	}
	return st, n
}

func TestWritesSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, n := openWithNewTargetGroup(t, dir)
	upd := *n
	upd.Description = "opdateret"
	if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &upd, ExpectedVersion: 1}); err != nil {
		t.Fatal(err)
	}
	st.Close(ctx)

	again := openFixture(t, dir)
	defer again.Close(ctx)
	got, _ := again.NodesByID(ctx, []domain.ID{n.ID})
	if got[n.ID] == nil || got[n.ID].Description != "opdateret" || got[n.ID].Version != 2 {
		t.Fatalf("after restart: %+v", got[n.ID])
	}
	es, _ := again.Audit(ctx, store.AuditQuery{})
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
	n := storetest.NewTargetGroup()
	_, err = st.Apply(context.Background(), domain.Write{Op: domain.CreateNode, Actor: "planner", Node: n})
	if !errors.Is(err, domain.ErrWritesDisabled) {
		t.Fatalf("want ErrWritesDisabled, got %v", err)
	}
	if got, _ := st.NodesByID(context.Background(), []domain.ID{n.ID}); len(got) != 0 {
		t.Fatal("a refused write took effect")
	}
}

// journalOf is the journal's path in dir.
func journalOf(dir string) string { return filepath.Join(dir, "journal.jsonl") }

func TestALineOverAnyBufferReplays(t *testing.T) {
	// An accepted 1,000,000-character description and then a rename of
	// the same node: the rename's line holds the description three times,
	// each '<' escaped to six bytes, some 18 MB.
	dir := t.TempDir()
	ctx := context.Background()
	st := openFixture(t, dir)
	got, _ := st.NodesByID(ctx, []domain.ID{"centre:cba"})
	big := *got["centre:cba"]
	big.Description = strings.Repeat("<", 1_000_000)
	if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &big, ExpectedVersion: big.Version}); err != nil {
		t.Fatal(err)
	}
	renamed := big
	renamed.Version++
	renamed.Name = "CBA, omdøbt"
	if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &renamed, ExpectedVersion: renamed.Version}); err != nil {
		t.Fatal(err)
	}
	st.Close(ctx)
	if fi, err := os.Stat(journalOf(dir)); err != nil || fi.Size() < 18_000_000 {
		t.Fatalf("the journal is not the size the test means to make: %v %v", fi, err)
	}

	again := openFixture(t, dir)
	defer again.Close(ctx)
	got, _ = again.NodesByID(ctx, []domain.ID{"centre:cba"})
	if n := got["centre:cba"]; n.Name != "CBA, omdøbt" || n.Description != big.Description || n.Version != renamed.Version+1 {
		t.Fatalf("after restart: %q, %d characters, version %d", n.Name, len(n.Description), n.Version)
	}
}

func TestATornLastWriteIsCutWithAWarning(t *testing.T) {
	n := storetest.NewTargetGroup()
	// What a crash while appending the second line can leave of it.
	for name, tear := range map[string]func(second []byte) []byte{
		"cut mid-line":       func(b []byte) []byte { return b[:len(b)/2] },
		"cut at its newline": func(b []byte) []byte { return b[:len(b)-1] },
		"zeros, not data":    func(b []byte) []byte { return make([]byte, len(b)) },
		"half, then zeros":   func(b []byte) []byte { return append(b[:len(b)/2:len(b)/2], make([]byte, 4096)...) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			ctx := context.Background()
			st := openFixture(t, dir)
			if _, err := st.Apply(ctx, domain.Write{Op: domain.CreateNode, Actor: "planner", Node: n}); err != nil {
				t.Fatal(err)
			}
			first, _ := os.ReadFile(journalOf(dir))
			upd := *n
			upd.Description = "anden"
			if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &upd, ExpectedVersion: 1}); err != nil {
				t.Fatal(err)
			}
			st.Close(ctx)
			both, _ := os.ReadFile(journalOf(dir))
			torn := append(first[:len(first):len(first)], tear(both[len(first):])...)
			if err := os.WriteFile(journalOf(dir), torn, 0o640); err != nil {
				t.Fatal(err)
			}

			var logged bytes.Buffer
			again, err := memstore.Open(storetest.Fixture(), dir, memstore.WithLogger(slog.New(slog.NewJSONHandler(&logged, nil))))
			if err != nil {
				t.Fatalf("a torn last write stopped the start: %v", err)
			}
			if !strings.Contains(logged.String(), `"level":"WARN"`) || !strings.Contains(logged.String(), "torn") || !strings.Contains(logged.String(), `"line":2`) {
				t.Errorf("no warning naming the torn line: %s", logged.String())
			}
			got, _ := again.NodesByID(ctx, []domain.ID{n.ID})
			if g := got[n.ID]; g == nil || g.Version != 1 || g.Description != "" {
				t.Fatalf("want the first write only, got %+v", g)
			}
			if cut, _ := os.ReadFile(journalOf(dir)); !bytes.Equal(cut, first) {
				t.Errorf("the journal was not cut back to its whole lines: %d bytes, want %d", len(cut), len(first))
			}
			if kept, _ := filepath.Glob(journalOf(dir) + ".torn-*"); len(kept) != 1 {
				t.Errorf("the torn bytes were not kept aside: %v", kept)
			}
			// The next write starts a line of its own and survives.
			upd.Description = "tredje"
			if _, err := again.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &upd, ExpectedVersion: 1}); err != nil {
				t.Fatal(err)
			}
			again.Close(ctx)
			logged.Reset()
			third, err := memstore.Open(storetest.Fixture(), dir, memstore.WithLogger(slog.New(slog.NewJSONHandler(&logged, nil))))
			if err != nil {
				t.Fatal(err)
			}
			defer third.Close(ctx)
			got, _ = third.NodesByID(ctx, []domain.ID{n.ID})
			if g := got[n.ID]; g.Version != 2 || g.Description != "tredje" {
				t.Fatalf("after the repair and one more write: %+v", g)
			}
			es, _ := third.Audit(ctx, store.AuditQuery{})
			if len(es) != 2 || es[0].Seq != 2 || es[1].Seq != 1 {
				t.Fatalf("audit: %+v", es)
			}
			if logged.Len() > 0 {
				t.Errorf("a clean journal logged: %s", logged.String())
			}
		})
	}
}

func TestDamageBeforeWholeLinesStopsTheStart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, _ := openWithNewTargetGroup(t, dir)
	st.Close(ctx)
	good, _ := os.ReadFile(journalOf(dir))
	// A crash cannot leave this: a synced write after a damaged one.
	if err := os.WriteFile(journalOf(dir), append([]byte("{not json\n"), good...), 0o640); err != nil {
		t.Fatal(err)
	}
	_, err := memstore.Open(storetest.Fixture(), dir)
	if err == nil || !strings.Contains(err.Error(), "journal.jsonl:1 is damaged") {
		t.Fatalf("opened over damage in the middle: %v", err)
	}
}

func TestASecondOpenOfTheFolderIsRefused(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st := openFixture(t, dir)
	_, err := memstore.Open(storetest.Fixture(), dir)
	if !errors.Is(err, memstore.ErrDataDirLocked) || !strings.Contains(err.Error(), filepath.Join(dir, "orggraph.lock")) {
		t.Fatalf("a second open: %v", err)
	}
	st.Close(ctx)
	// Closed, the folder is free again.
	again := openFixture(t, dir)
	again.Close(ctx)
}

func TestAJournalFromEarlierVersionsOpens(t *testing.T) {
	// testdata's journal was written by orggraph before persist.go: the
	// format is the same, so a data folder carries over as it is.
	dir := t.TempDir()
	old, err := os.ReadFile("testdata/journal-before-persist.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(journalOf(dir), old, 0o640); err != nil {
		t.Fatal(err)
	}
	st := openFixture(t, dir)
	defer st.Close(context.Background())
	got, _ := st.NodesByID(context.Background(), []domain.ID{"targetgroup:nye-unge"})
	es, _ := st.Audit(context.Background(), store.AuditQuery{})
	if got["targetgroup:nye-unge"] == nil || got["targetgroup:nye-unge"].Name != "Nye unge" || len(es) != 1 || es[0].Actor != "anna" {
		t.Fatalf("an earlier version's journal did not replay: %+v", got)
	}
}

// BenchmarkJournalledWrite is a write's cost with its journal line synced:
// a node's description changed, one write an op. The sync dominates, so
// the figure is the disk's.
func BenchmarkJournalledWrite(b *testing.B) {
	ctx := context.Background()
	st, err := memstore.Open(storetest.Fixture(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close(ctx)
	got, _ := st.NodesByID(ctx, []domain.ID{"centre:cba"})
	n := *got["centre:cba"]
	for b.Loop() {
		n.Description = strings.Repeat("x", 200)
		e, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &n, ExpectedVersion: n.Version})
		if err != nil {
			b.Fatal(err)
		}
		n.Version = e.Version
	}
}
