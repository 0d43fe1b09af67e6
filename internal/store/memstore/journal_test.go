package memstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
	"github.com/bif-kk/orggraph/internal/synthseed"
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
			// The journal begins with the seed's own writes; the torn one is
			// the line after the planner's first.
			tornLine := fmt.Sprintf(`"line":%d`, bytes.Count(first, []byte("\n"))+1)
			if !strings.Contains(logged.String(), `"level":"WARN"`) || !strings.Contains(logged.String(), "torn") || !strings.Contains(logged.String(), tornLine) {
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
			es, _ := third.Audit(ctx, store.AuditQuery{Actor: "planner"})
			if len(es) != 2 || es[0].Seq != es[1].Seq+1 {
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

// BenchmarkJournalledWrite is a write's cost with its journal line synced,
// at 1×, 100× and 1000× the seed: a node's description changed, one write
// an op. At 1× the sync dominates, so the figure is the disk's; above it,
// indexing the snapshot the write makes, which grows with the graph.
//
//	go test ./internal/store/memstore -run '^$' -bench JournalledWrite
func BenchmarkJournalledWrite(b *testing.B) {
	ctx := context.Background()
	for _, scale := range []int{1, 100, 1000} {
		g, err := synthseed.Graph("../../../seed", b.TempDir(), scale)
		if err != nil {
			b.Fatal(err)
		}
		st := seedtest.Open(b, g, b.TempDir())
		got, _ := st.NodesByID(ctx, []domain.ID{"centre:cba"})
		n := *got["centre:cba"]
		b.Run(fmt.Sprintf("%dx", scale), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n.Description = strings.Repeat("x", 200)
				e, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &n, ExpectedVersion: n.Version})
				if err != nil {
					b.Fatal(err)
				}
				n.Version = e.Version
			}
		})
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
	st, err := memstore.Open(changed(), dir, memstore.WithReseed(domain.ReseedOptions{Prune: true, Overwrite: true}))
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
