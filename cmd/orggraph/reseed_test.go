package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/neo4jstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// changedSeed copies seed/ into a temporary folder with each old text
// replaced by its new one, as an edited seed/ would be.
func changedSeed(t *testing.T, oldNew ...string) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("../../seed/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("seed files: %v", err)
	}
	r := strings.NewReplacer(oldNew...)
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), []byte(r.Replace(string(b))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < len(oldNew); i += 2 {
		if strings.Count(all.String(), oldNew[i]) != 1 {
			t.Fatalf("%q is not once in seed/", oldNew[i])
		}
	}
	return dir
}

// The CBE and CSI employee figures, each written once in seed/.
var (
	cbeMore = []string{"value: 608, unit: persons", "value: 610, unit: persons"}
	csiMore = []string{"value: 282, unit: persons", "value: 290, unit: persons"}
)

// seedOut runs `orggraph seed` and returns what it printed.
func seedOut(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), append([]string{"orggraph", "seed"}, args...), envFunc(env), &out, &errb); err != nil {
		t.Fatalf("seed %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

// emptyNeo4j returns the test Neo4j's settings and a store on it, emptied,
// audit trail included, so that a seed starts from nothing.
func emptyNeo4j(t *testing.T) (map[string]string, *neo4jstore.Store) {
	t.Helper()
	env, st := neo4jtest.EnvAndStore(t)
	if err := st.Load(context.Background(), &domain.Graph{}); err != nil {
		t.Fatal(err)
	}
	return env, st
}

// TestSeedCommandKeepsTheVersionRule runs `orggraph seed` on the real Neo4j
// over planners' edits and a changed seed/.
func TestSeedCommandKeepsTheVersionRule(t *testing.T) {
	env, st := emptyNeo4j(t)
	ctx := context.Background()
	node := func(id domain.ID) *domain.Node {
		t.Helper()
		ns, err := st.NodesByID(ctx, []domain.ID{id})
		if err != nil || ns[id] == nil {
			t.Fatalf("%s: %v", id, err)
		}
		return ns[id]
	}
	plannerEdit := func(id domain.ID, text string) {
		t.Helper()
		n := *node(id)
		n.Description = text
		if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &n, ExpectedVersion: n.Version}); err != nil {
			t.Fatal(err)
		}
	}
	seedAudit := func() int {
		t.Helper()
		es, err := st.Audit(ctx, store.AuditQuery{Actor: domain.SeedActor, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}

	first := seedOut(t, env, "--seed-dir", "../../seed")
	nodes, rels, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := seedAudit(); n != int(nodes+rels) || !strings.Contains(first, "seed: "+strconv.Itoa(n)+" changed") {
		t.Fatalf("first seed: %d audit entries by the seed for %d nodes and %d links; printed:\n%s", n, nodes, rels, first)
	}
	if again := seedOut(t, env, "--seed-dir", "../../seed"); !strings.Contains(again, "seed: 0 changed, 0 planners' edits kept, 0 in conflict") {
		t.Fatalf("the same seed again:\n%s", again)
	}

	plannerEdit("centre:ungecenteret", "planner's note")
	plannerEdit("centre:csi", "planner's note")
	cbe, csi := node("centre:cbe"), node("centre:csi")
	before := seedAudit()
	out := seedOut(t, env, "--seed-dir", changedSeed(t, append(cbeMore, csiMore...)...))
	for _, want := range []string{"seed: 1 changed, 1 planners' edits kept, 1 in conflict, " + strconv.Itoa(int(nodes+rels)-3) + " unchanged", "changed: UPDATE_NODE centre:cbe",
		"kept: centre:ungecenteret", "conflict: centre:csi"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the report lacks %q:\n%s", want, out)
		}
	}
	if n := node("centre:cbe"); n.Version != cbe.Version+1 {
		t.Fatalf("cbe: version %d after %d; versions rise, never reset", n.Version, cbe.Version)
	}
	if n := node("centre:csi"); n.Description != "planner's note" || n.Version != csi.Version {
		t.Fatalf("csi: the planner's edit was not kept: %+v", n)
	}
	if seedAudit() != before+1 {
		t.Fatalf("audit entries by the seed: %d, want %d", seedAudit(), before+1)
	}

	out = seedOut(t, env, "--seed-dir", changedSeed(t, append(cbeMore, csiMore...)...), "--overwrite")
	if !strings.Contains(out, "changed: UPDATE_NODE centre:csi") || !strings.Contains(out, "changed: UPDATE_NODE centre:ungecenteret") {
		t.Fatalf("--overwrite:\n%s", out)
	}
	if n := node("centre:csi"); n.Description == "planner's note" || n.Version != csi.Version+1 || n.EditedBy != "" {
		t.Fatalf("csi after --overwrite: %+v", n)
	}
}

// TestSeedCommandRacingAWrite runs `orggraph seed` and a planner's write
// to the node it changes at once: the outcome is one of the two serial
// orders, and the audit trail holds what each order leaves.
func TestSeedCommandRacingAWrite(t *testing.T) {
	env, st := emptyNeo4j(t)
	ctx := context.Background()
	seedOut(t, env, "--seed-dir", "../../seed")
	dir := changedSeed(t, cbeMore...)
	ns, err := st.NodesByID(ctx, []domain.ID{"centre:cbe"})
	if err != nil {
		t.Fatal(err)
	}
	read := *ns["centre:cbe"]
	edit := read
	edit.Description = "planner's note"
	trail, err := st.Audit(ctx, store.AuditQuery{Limit: 1})
	if err != nil || len(trail) != 1 {
		t.Fatalf("audit: %v", err)
	}

	var (
		out      string
		writeErr error
	)
	storetest.AtOnce(
		func() { out = seedOut(t, env, "--seed-dir", dir) },
		func() {
			_, writeErr = st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &edit, ExpectedVersion: read.Version})
		})

	es, err := st.Audit(ctx, store.AuditQuery{Target: "centre:cbe", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var after []string
	for _, e := range es {
		if e.Seq > trail[0].Seq {
			after = append(after, e.Actor)
		}
	}
	ns, _ = st.NodesByID(ctx, []domain.ID{"centre:cbe"})
	got := ns["centre:cbe"]
	switch {
	case errors.Is(writeErr, domain.ErrConflict):
		if got.Description != read.Description || got.Version != read.Version+1 || len(after) != 1 || after[0] != domain.SeedActor ||
			!strings.Contains(out, "changed: UPDATE_NODE centre:cbe") {
			t.Fatalf("seed first: %+v, audit %v, printed:\n%s", got, after, out)
		}
		t.Log("the seed went first; the planner's stale write was refused")
	case writeErr == nil:
		if got.Description != edit.Description || got.Version != read.Version+1 || len(after) != 1 || after[0] != "planner-a" ||
			!strings.Contains(out, "conflict: centre:cbe") {
			t.Fatalf("planner first: %+v, audit %v, printed:\n%s", got, after, out)
		}
		t.Log("the planner went first; the seed kept the edit and reported the conflict")
	default:
		t.Fatalf("the planner's write: %v", writeErr)
	}
}

// TestMemoryStoreStartLogsItsReseed starts the embedded store twice on one
// data folder with seed/ changed in between: each start logs what its
// re-seed did (memstore's TestAChangedSeedBetweenStarts holds the rule).
func TestMemoryStoreStartLogsItsReseed(t *testing.T) {
	data := t.TempDir()
	_, logs, stop := startServe(t, nil, "--seed-dir", "../../seed", "--data-dir", data)
	stop()
	if !strings.Contains(logs.String(), "re-seeded the memory store from ../../seed") {
		t.Fatalf("the first start logged no re-seed:\n%s", logs.String())
	}
	_, logs, stop = startServe(t, nil, "--seed-dir", changedSeed(t, cbeMore...), "--data-dir", data)
	stop()
	for _, want := range []string{`"changed":1`, "changed: UPDATE_NODE centre:cbe", `"conflicts":0`} {
		if !strings.Contains(logs.String(), want) {
			t.Fatalf("the second start's log lacks %q:\n%s", want, logs.String())
		}
	}
}
