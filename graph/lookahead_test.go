package graph_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// callLog records, in order, the store calls a request makes.
type callLog struct {
	store.Store
	mu    sync.Mutex
	calls []string
	// batches holds the kinds of link each Expand read.
	batches [][]store.LinkQuery
}

func (c *callLog) note(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, op)
}

func (c *callLog) NodesByID(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
	c.note("NodesByID")
	return c.Store.NodesByID(ctx, ids)
}

func (c *callLog) NodeByCode(ctx context.Context, kind domain.Kind, code string) (*domain.Node, error) {
	c.note("NodeByCode")
	return c.Store.NodeByCode(ctx, kind, code)
}

func (c *callLog) Dependencies(ctx context.Context, ids []domain.ID) ([]domain.Shared, map[domain.ID]*domain.Node, error) {
	c.note("Dependencies")
	return c.Store.Dependencies(ctx, ids)
}

func (c *callLog) Links(ctx context.Context, ids []domain.ID, q store.LinkQuery) (map[domain.ID][]domain.Link, error) {
	c.note("Links " + string(q.Kind))
	return c.Store.Links(ctx, ids, q)
}

func (c *callLog) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	op := "Expand"
	var qs []store.LinkQuery
	for _, x := range xs {
		op = "Expand by " + map[store.RootsBy]string{store.ByKind: "kind", store.ByCode: "code", store.ByIDs: "ids"}[x.Roots.By]
		for _, s := range x.Steps {
			qs = append(qs, s.Q)
		}
	}
	c.note(op)
	c.mu.Lock()
	c.batches = append(c.batches, qs)
	c.mu.Unlock()
	return c.Store.Expand(ctx, xs)
}

// The widget's card is one store call: the centre and the lists it selects
// are read together, and the lists' nodes come with their links.
func TestACentreByCodeReadsItsSelectedListsWithIt(t *testing.T) {
	mem := seededStore(t)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"the widget's card", `{ centre(code: "CBE") { code name employees targetGroups { name } } }`, []string{"Expand by code"}},
		{"two lists, one through a fragment", `{ centre(code: "CSI") { interventions { name } ...P } } fragment P on Centre { partners { code } }`, []string{"Expand by code"}},
		{"a list as of a day", `{ centre(code: "CBA") { targetGroups(asOf: "2026-01-01") { name } } }`, []string{"Expand by code"}},
		{"the levels below are read with it", `{ centre(code: "CBA") { targetGroups { servedBy { code } } } }`, []string{"Expand by code"}},
		{"every list of every level with it", `{ centre(code: "CBA") { targetGroups { servedBy { code interventions { name } } receives { name } } } }`, []string{"Expand by code"}},
		// Every list of one kind of link is read with its node, whatever
		// the node's type, sorted or of several kinds.
		{"the administration's centres", `{ administration { centres { code units { name } } } }`, []string{"Expand by kind"}},
		{"the reform's phases, sorted, with their items", `{ reforms { phases { name changes { name phasesOut { name } affects { id } } } savings { year } } }`, []string{"Expand by kind"}},
		// The other centres, and what is shared, come with the dependencies.
		{"a centre's dependencies", `{ centre(code: "CSI") { code dependencies { centre { code name } total shared { node { id name } statement } } } }`, []string{"Expand by code", "Dependencies"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &callLog{Store: mem}
			h := graph.NewHandler(slog.New(slog.DiscardHandler), st, graph.Options{})
			body, hasErrors := graphtest.Post(t, h, tt.query, nil)
			if hasErrors {
				t.Fatalf("errors: %s", body)
			}
			if !slices.Equal(st.calls, tt.want) {
				t.Fatalf("store calls %q, want %q\n%s", st.calls, tt.want, body)
			}
		})
	}
}

// Every list a listing's selection asks for is read with the listing, so
// each entry of readplan.Lists must name the links its field's resolver
// reads: a wrong entry shows as a second read (the resolver's own).
func TestAListingAsksForItsElementsListsInOneRead(t *testing.T) {
	mem := seededStore(t)
	fields := map[string][]string{ // root listing -> every list field of its kind that readplan knows
		"centres":       {"targetGroups", "interventions", "units", "benefits", "partners", "receives"},
		"targetGroups":  {"servedBy", "receives"},
		"interventions": {"deliveredBy", "partners"},
		"benefits":      {"paidBy", "paidTo"},
		"organisations": {"worksWith"},
	}
	for root, lists := range fields {
		for _, field := range lists {
			t.Run(root+"."+field, func(t *testing.T) {
				st := &callLog{Store: mem}
				// A long wait: a busy machine must not split the batch.
				// gqlgen alone: the direct path would serve these listings.
				h := graph.NewHandler(slog.New(slog.DiscardHandler), st, graph.Options{LoaderWait: 50 * time.Millisecond, GQLGenOnly: true})
				body, hasErrors := graphtest.Post(t, h, `{ `+root+` { id `+field+` { id } } }`, nil)
				if hasErrors {
					t.Fatalf("errors: %s", body)
				}
				if !slices.Equal(st.calls, []string{"Expand by kind"}) || len(st.batches[0]) != 1 {
					t.Fatalf("store calls %q reading %v, want one expansion of one kind of link", st.calls, st.batches)
				}
			})
		}
	}
}
