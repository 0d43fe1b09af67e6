package neo4jstore_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
)

// TestParityOnRealSeed loads seed/ into Neo4j and into the memstore and
// asks both the same questions, every node's impact among them: the answers
// must be equal, field for field.
func TestParityOnRealSeed(t *testing.T) {
	nst := connect(t)
	ctx := context.Background()
	g := seedtest.Graph(t)
	if err := nst.Load(ctx, g); err != nil {
		t.Fatal(err)
	}
	mst := seedtest.Mem(t, g)
	stores := map[string]store.Store{"memory": mst, "neo4j": nst}
	answered := 0 // questions both answered with something, so the test cannot pass on emptiness
	ask := func(t *testing.T, what string, q func(store.Store) (any, error)) {
		t.Helper()
		m, merr := q(stores["memory"])
		n, nerr := q(stores["neo4j"])
		if merr != nil || nerr != nil {
			t.Fatalf("%s: memory error %v, neo4j error %v", what, merr, nerr)
		}
		if v := reflect.ValueOf(m); v.IsValid() && !v.IsZero() && (v.Kind() != reflect.Slice && v.Kind() != reflect.Map || v.Len() > 0) {
			answered++
		}
		if !reflect.DeepEqual(m, n) {
			mj, _ := json.Marshal(m)
			nj, _ := json.Marshal(n)
			i := 0
			for i < len(mj) && i < len(nj) && mj[i] == nj[i] {
				i++
			}
			from := max(0, i-200)
			t.Fatalf("%s differs from byte %d:\nmemory …%.400s\n neo4j …%.400s", what, i, mj[from:], nj[from:])
		}
	}
	var ids []domain.ID
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}

	t.Run("nodes", func(t *testing.T) {
		ask(t, "NodesByID", func(s store.Store) (any, error) { return s.NodesByID(ctx, ids) })
		for _, k := range domain.Kinds {
			ask(t, "NodesByKind "+string(k), func(s store.Store) (any, error) { return s.NodesByKind(ctx, k) })
		}
	})
	t.Run("links", func(t *testing.T) {
		for _, spec := range domain.RelSpecs {
			for _, dir := range []domain.Direction{domain.Outgoing, domain.Incoming} {
				q := store.LinkQuery{Kind: spec.Kind, Dir: dir}
				ask(t, "Links "+string(spec.Kind), func(s store.Store) (any, error) { return s.Links(ctx, ids, q) })
			}
		}
	})
	t.Run("impact of every node", func(t *testing.T) {
		for _, id := range ids {
			ask(t, "impact of "+string(id), func(s store.Store) (any, error) { return planner.ImpactOf(ctx, s, id) })
		}
		ask(t, "impact of all at once", func(s store.Store) (any, error) { return planner.ImpactOfMany(ctx, s, ids) })
	})
	t.Run("dependencies of every centre", func(t *testing.T) {
		var centres []domain.ID
		for _, n := range g.Nodes {
			if n.Kind == domain.KindCentre {
				centres = append(centres, n.ID)
			}
		}
		ask(t, "dependencies", func(s store.Store) (any, error) { return planner.DependenciesOf(ctx, s, centres, nil) })
	})
	t.Run("changes of every centre and the timeline", func(t *testing.T) {
		for _, n := range g.Nodes {
			if n.Kind == domain.KindCentre {
				ask(t, "changes of "+string(n.ID), func(s store.Store) (any, error) {
					return planner.ChangesOf(ctx, s, n.ID, "2025-01-01", "2027-12-31")
				})
			}
		}
		ask(t, "timeline", func(s store.Store) (any, error) { return planner.Timeline(ctx, s, nil, nil) })
	})
	t.Run("paths between centres and partners", func(t *testing.T) {
		for _, from := range []domain.ID{"organisation:sof", "organisation:buf", "reformchange:afskaffelse-af-ressourceforloeb"} {
			for _, n := range g.Nodes {
				if n.Kind != domain.KindCentre {
					continue
				}
				ask(t, "paths "+string(from)+" "+string(n.ID), func(s store.Store) (any, error) {
					return planner.Paths(ctx, s, from, n.ID, 4, 10)
				})
			}
		}
	})
	t.Run("search for every word of every name", func(t *testing.T) {
		words := map[string]bool{"ressourceforloeb": true, "RESSOURCEFORLØB": true, "fleksjob": true, "sof": true}
		for _, n := range g.Nodes {
			for _, w := range strings.Fields(n.Name) {
				words[w] = true
			}
		}
		// At 2 as at 100: Neo4j sends only the texts that hold every term
		// as typed where there are first of them or more.
		for w := range words {
			for _, first := range []int{100, 2} {
				ask(t, "search "+w+" first "+strconv.Itoa(first), func(s store.Store) (any, error) {
					hits, err := planner.Search(ctx, s, w, first)
					if err != nil && strings.Contains(err.Error(), "no letters") {
						return nil, nil // a word of punctuation alone
					}
					return hits, err
				})
			}
		}
	})
	// 138 nodes, 15 kinds, 40 link queries, an impact per node, searches:
	// most of these have a non-empty answer.
	if answered < len(ids) {
		t.Fatalf("only %d questions had a non-empty answer", answered)
	}
	t.Logf("%d questions answered alike, non-empty", answered)
}
