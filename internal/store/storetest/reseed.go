package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// ReseedStore is a writable store that re-seeds.
type ReseedStore interface {
	store.Store
	store.Reseeder
}

// RunReseed holds a store to the re-seed rule (domain.PlanReseed): versions
// rise and never go back, every change is audited as the seed, planners'
// edits are kept unless overwritten, conflicts are reported, and a
// planner's write racing a re-seed lands wholly before or after it.
// newStore must return a store holding g that accepts writes.
func RunReseed[S ReseedStore](t *testing.T, newStore NewStore[S]) {
	var st ReseedStore = newStore(t, Fixture())
	ctx := context.Background()
	node := func(t *testing.T, id domain.ID) *domain.Node {
		t.Helper()
		ns, err := st.NodesByID(ctx, []domain.ID{id})
		if err != nil {
			t.Fatal(err)
		}
		return ns[id]
	}
	versions := func(t *testing.T) map[string]int64 {
		t.Helper()
		g, err := st.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, n := range g.Nodes {
			out[string(n.ID)] = n.Version
		}
		for _, r := range g.Relationships {
			out[r.Key()] = r.Version
		}
		return out
	}
	audit := func(t *testing.T) []domain.AuditEntry {
		t.Helper()
		es, err := st.Audit(ctx, store.AuditQuery{Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(es) // oldest first
		return es
	}
	// since returns what the audit trail gained after the trail before.
	since := func(t *testing.T, before []domain.AuditEntry) []domain.AuditEntry {
		t.Helper()
		return audit(t)[len(before):]
	}
	reseed := func(t *testing.T, doc *domain.Graph, opts domain.ReseedOptions) domain.SeedReport {
		t.Helper()
		rep, err := st.Reseed(ctx, doc, opts)
		if err != nil {
			t.Fatalf("reseed: %v", err)
		}
		return rep
	}
	apply := func(t *testing.T, w domain.Write) {
		t.Helper()
		if _, err := st.Apply(ctx, w); err != nil {
			t.Fatalf("%s %s: %v", w.Op, w.Target(), err)
		}
	}
	// doc is the fixture with edits, as a changed seed/ would be.
	doc := func(edits ...func(g *domain.Graph)) *domain.Graph {
		g := Fixture()
		for _, e := range edits {
			e(g)
		}
		return g
	}
	nodeIn := func(g *domain.Graph, id domain.ID) *domain.Node {
		return g.Nodes[slices.IndexFunc(g.Nodes, func(n *domain.Node) bool { return n.ID == id })]
	}
	cbaSays := func(text string) func(g *domain.Graph) {
		return func(g *domain.Graph) { nodeIn(g, "centre:cba").Description = text }
	}
	servesKey := "centre:cba|SERVES|targetgroup:ressourceforloeb"
	servesSays := func(g *domain.Graph) {
		for _, r := range g.Relationships {
			if r.Key() == servesKey {
				r.Note = "ny note"
			}
		}
	}
	cdoeNamed := func(g *domain.Graph) { nodeIn(g, "centre:cdoe").FullName = "Center for Drift og Økonomi" }

	t.Run("the same document again changes nothing", func(t *testing.T) {
		before, trail := versions(t), audit(t)
		rep := reseed(t, Fixture(), domain.ReseedOptions{})
		if len(rep.Changed)+len(rep.Kept)+len(rep.Conflicts) != 0 || rep.Unchanged != len(before) {
			t.Fatalf("report: %+v (want %d unchanged)", rep, len(before))
		}
		if after := versions(t); !equalVersions(before, after) {
			t.Fatalf("versions moved: %v -> %v", before, after)
		}
		if es := since(t, trail); len(es) != 0 {
			t.Fatalf("audited %d entries for no change", len(es))
		}
	})

	t.Run("a changed fact raises its version by one, audited as the seed; versions never go back", func(t *testing.T) {
		before, trail := versions(t), audit(t)
		rep := reseed(t, doc(cbaSays("ny beskrivelse"), servesSays), domain.ReseedOptions{})
		want := []string{"UPDATE_NODE centre:cba", "UPDATE_LINK " + servesKey}
		if !slices.Equal(rep.Changed, want) {
			t.Fatalf("changed %v, want %v", rep.Changed, want)
		}
		after := versions(t)
		for k, v := range before {
			inc := int64(0)
			if k == "centre:cba" || k == servesKey {
				inc = 1
			}
			if after[k] != v+inc {
				t.Errorf("%s: version %d -> %d, want %d", k, v, after[k], v+inc)
			}
		}
		es := since(t, trail)
		if len(es) != 2 {
			t.Fatalf("audit entries: %+v", es)
		}
		for i, e := range es {
			if e.Actor != domain.SeedActor || e.Op != domain.WriteOp(strings.Fields(want[i])[0]) || e.Target != strings.Fields(want[i])[1] ||
				e.Version != after[e.Target] || e.Before == "" || e.After == "" || e.At.IsZero() {
				t.Errorf("audit entry %d: %+v", i, e)
			}
		}
		if !strings.Contains(es[0].Before, "CBA varetager") || !strings.Contains(es[0].After, "ny beskrivelse") {
			t.Errorf("the entry does not show what changed: before %s after %s", es[0].Before, es[0].After)
		}
		byActor, err := st.Audit(ctx, store.AuditQuery{Actor: domain.SeedActor, Target: "centre:cba", Limit: 1})
		if err != nil || len(byActor) != 1 || byActor[0].Seq != es[0].Seq {
			t.Errorf("the seed's entries by actor: %+v, %v", byActor, err)
		}

		// A writer holding the version from before the re-seed is stale.
		stale := *node(t, "centre:cba")
		stale.Description = "from an old read"
		if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &stale, ExpectedVersion: before["centre:cba"]}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("a write at the version before the re-seed: %v, want a conflict", err)
		}
		// Going back to the old text is one more change, not a reset.
		reseed(t, Fixture(), domain.ReseedOptions{})
		if v := versions(t)["centre:cba"]; v != before["centre:cba"]+2 {
			t.Fatalf("after the document went back: version %d, want %d", v, before["centre:cba"]+2)
		}
	})

	t.Run("a planner's edit is kept", func(t *testing.T) {
		cur := node(t, "centre:cdoe")
		edit := *cur
		edit.Description = "planner's note"
		apply(t, domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &edit, ExpectedVersion: cur.Version})
		trail := audit(t)
		rep := reseed(t, Fixture(), domain.ReseedOptions{})
		if !slices.Equal(rep.Kept, []string{"centre:cdoe"}) || len(rep.Changed)+len(rep.Conflicts) != 0 {
			t.Fatalf("report: %+v", rep)
		}
		if n := node(t, "centre:cdoe"); n.Description != "planner's note" || n.Version != cur.Version+1 || n.EditedBy != "planner-a" {
			t.Fatalf("after the re-seed: %+v", n)
		}
		if es := since(t, trail); len(es) != 0 {
			t.Fatalf("audited %+v", es)
		}
	})

	t.Run("the document changing a planner's edit is a conflict, kept", func(t *testing.T) {
		v := node(t, "centre:cdoe").Version
		rep := reseed(t, doc(cdoeNamed), domain.ReseedOptions{})
		if !slices.Equal(rep.Conflicts, []string{"centre:cdoe"}) || len(rep.Changed)+len(rep.Kept) != 0 {
			t.Fatalf("report: %+v", rep)
		}
		if !strings.Contains(rep.String(), "conflict: centre:cdoe") {
			t.Fatalf("the printed report does not name the conflict:\n%s", rep)
		}
		if n := node(t, "centre:cdoe"); n.Description != "planner's note" || n.FullName != "Center for drift og økonomi" || n.Version != v {
			t.Fatalf("after the re-seed: %+v", n)
		}
	})

	t.Run("overwrite writes the document over a planner's edit", func(t *testing.T) {
		v, trail := node(t, "centre:cdoe").Version, audit(t)
		rep := reseed(t, doc(cdoeNamed), domain.ReseedOptions{Overwrite: true})
		if !slices.Equal(rep.Changed, []string{"UPDATE_NODE centre:cdoe"}) || !slices.Equal(rep.Conflicts, []string{"centre:cdoe"}) || !rep.Overwritten {
			t.Fatalf("report: %+v", rep)
		}
		n := node(t, "centre:cdoe")
		if n.Description != "" || n.FullName != "Center for Drift og Økonomi" || n.Version != v+1 || n.EditedBy != "" {
			t.Fatalf("after the overwrite: %+v", n)
		}
		if es := since(t, trail); len(es) != 1 || es[0].Actor != domain.SeedActor || !strings.Contains(es[0].Before, "planner's note") {
			t.Fatalf("audit: %+v", es)
		}
		if rep := reseed(t, doc(cdoeNamed), domain.ReseedOptions{}); len(rep.Changed)+len(rep.Kept)+len(rep.Conflicts) != 0 {
			t.Fatalf("after the overwrite the document's own facts are kept as such: %+v", rep)
		}
	})

	worksKey := "organisation:sof|WORKS_WITH|centre:cdoe"
	t.Run("a planner's deletion is kept", func(t *testing.T) {
		deletedAt := versions(t)[worksKey]
		apply(t, domain.Write{Op: domain.DeleteLink, Actor: "planner-b",
			Rel: &domain.Relationship{Kind: domain.RelWorksWith, From: "organisation:sof", To: "centre:cdoe"}, ExpectedVersion: deletedAt})
		rep := reseed(t, doc(cdoeNamed), domain.ReseedOptions{})
		if !slices.Equal(rep.Kept, []string{worksKey}) || len(rep.Changed) != 0 {
			t.Fatalf("report: %+v", rep)
		}
		if _, ok := versions(t)[worksKey]; ok {
			t.Fatal("the re-seed brought back a link a planner deleted")
		}
		rep = reseed(t, doc(cdoeNamed), domain.ReseedOptions{Overwrite: true})
		if !slices.Equal(rep.Changed, []string{"CREATE_LINK " + worksKey}) {
			t.Fatalf("overwrite: %+v", rep)
		}
		if v := versions(t)[worksKey]; v != deletedAt+1 {
			t.Fatalf("brought back at version %d, want %d: it continues from the deleted one", v, deletedAt+1)
		}
	})

	withoutSavings := func(g *domain.Graph) {
		g.Nodes = slices.DeleteFunc(g.Nodes, func(n *domain.Node) bool { return n.ID == "savingsyear:varigt" })
		g.Relationships = slices.DeleteFunc(g.Relationships, func(r *domain.Relationship) bool { return r.To == "savingsyear:varigt" })
	}
	var pruned map[string]int64 // versions before the prune below
	t.Run("prune removes the document's own, never a planner's creation", func(t *testing.T) {
		pruned = versions(t)
		mine := &domain.Node{ID: "targetgroup:nye-unge", Kind: domain.KindTargetGroup, Name: "Nye unge", Sources: []domain.Source{srcCBA}}
		apply(t, domain.Write{Op: domain.CreateNode, Actor: "planner-a", Node: mine})
		if rep := reseed(t, doc(cdoeNamed, withoutSavings), domain.ReseedOptions{}); len(rep.Changed) != 0 {
			t.Fatalf("without prune: %+v", rep)
		}
		rep := reseed(t, doc(cdoeNamed, withoutSavings), domain.ReseedOptions{Prune: true})
		want := []string{"DELETE_LINK reform:beskaeftigelsesreform|HAS_SAVINGS|savingsyear:varigt", "DELETE_NODE savingsyear:varigt"}
		if !slices.Equal(rep.Changed, want) {
			t.Fatalf("changed %v, want %v", rep.Changed, want)
		}
		if node(t, "savingsyear:varigt") != nil || node(t, mine.ID) == nil {
			t.Fatal("prune removed the wrong nodes")
		}
	})

	t.Run("a planner's write racing a re-seed lands wholly before or after it", func(t *testing.T) {
		orders := map[string]int{}
		for i := range 12 {
			text := fmt.Sprintf("seed round %d", i)
			round := doc(cdoeNamed, withoutSavings, cbaSays(text), func(g *domain.Graph) {
				nodeIn(g, "centre:ydelsesservice").Description = text
			})
			read := node(t, "centre:cba")
			edit := *read
			edit.Description = fmt.Sprintf("planner round %d", i)
			trail := audit(t)

			var (
				rep      domain.SeedReport
				seedErr  error
				writeErr error
			)
			AtOnce(
				func() { rep, seedErr = st.Reseed(ctx, round, domain.ReseedOptions{}) },
				func() {
					_, writeErr = st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &edit, ExpectedVersion: read.Version})
				})
			if seedErr != nil {
				t.Fatalf("round %d: reseed: %v", i, seedErr)
			}

			cba, es := node(t, "centre:cba"), since(t, trail)
			var got []string
			for _, e := range es {
				got = append(got, e.Actor+" "+string(e.Op)+" "+e.Target)
			}
			slices.Sort(got)
			ys := "seed UPDATE_NODE centre:ydelsesservice"
			switch {
			case errors.Is(writeErr, domain.ErrConflict):
				// The seed first: its change stands and the planner was told.
				orders["seed first"]++
				want := []string{"seed UPDATE_NODE centre:cba", ys}
				if cba.Description != text || cba.Version != read.Version+1 || !slices.Equal(got, want) || !slices.Contains(rep.Changed, "UPDATE_NODE centre:cba") {
					t.Fatalf("round %d, seed first: cba %q v%d, audit %v, report %+v", i, cba.Description, cba.Version, got, rep)
				}
			case writeErr == nil:
				// The planner first: the edit stands and the seed reports it.
				orders["planner first"]++
				want := []string{"planner-a UPDATE_NODE centre:cba", ys}
				if cba.Description != edit.Description || cba.Version != read.Version+1 || !slices.Equal(got, want) || !slices.Equal(rep.Conflicts, []string{"centre:cba"}) {
					t.Fatalf("round %d, planner first: cba %q v%d, audit %v, report %+v", i, cba.Description, cba.Version, got, rep)
				}
			default:
				t.Fatalf("round %d: the planner's write: %v", i, writeErr)
			}
			// The next round starts from the document's own facts.
			reseed(t, round, domain.ReseedOptions{Overwrite: true})
		}
		t.Logf("serial orders seen: %v", orders)
	})

	t.Run("what a re-seed pruned and adds back continues its versions: a stale writer still conflicts", func(t *testing.T) {
		savingsKey := "reform:beskaeftigelsesreform|HAS_SAVINGS|savingsyear:varigt"
		if _, ok := pruned[savingsKey]; !ok {
			t.Fatalf("the prune test did not run first: %v", pruned)
		}
		addBack := func(t *testing.T, was map[string]int64, edits ...func(g *domain.Graph)) {
			t.Helper()
			rep := reseed(t, doc(append([]func(g *domain.Graph){cdoeNamed}, edits...)...), domain.ReseedOptions{Prune: true})
			if !slices.Contains(rep.Changed, "CREATE_NODE savingsyear:varigt") || !slices.Contains(rep.Changed, "CREATE_LINK "+savingsKey) {
				t.Fatalf("report: %+v", rep)
			}
			now := versions(t)
			for _, k := range []string{"savingsyear:varigt", savingsKey} {
				if now[k] != was[k]+1 {
					t.Errorf("%s: added back at version %d, want %d", k, now[k], was[k]+1)
				}
			}
		}
		addBack(t, pruned)
		// Raised past 1, pruned and added back again: it continues, so a
		// writer holding version 1 from before is stale.
		relabel := func(g *domain.Graph) { nodeIn(g, "savingsyear:varigt").Label = "ændret" }
		reseed(t, doc(cdoeNamed, relabel), domain.ReseedOptions{})
		held := versions(t)
		if held["savingsyear:varigt"] < 2 {
			t.Fatalf("the relabel did not raise the version: %v", held["savingsyear:varigt"])
		}
		reseed(t, doc(cdoeNamed, withoutSavings), domain.ReseedOptions{Prune: true})
		addBack(t, held, relabel)
		stale := *node(t, "savingsyear:varigt")
		stale.Label = "from a read before the prune"
		if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &stale, ExpectedVersion: 1}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("a write at version 1 from before the prune: %v, want a conflict", err)
		}
	})
}

func equalVersions(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// AtOnce runs each of fs in a goroutine of its own, released together so
// that they race, and returns when all are done.
func AtOnce(fs ...func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, f := range fs {
		wg.Add(1)
		go func() { defer wg.Done(); <-start; f() }()
	}
	close(start)
	wg.Wait()
}
