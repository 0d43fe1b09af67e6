package domain_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
)

var src = []domain.Source{{Document: "doc.txt", Section: "CBA"}}

func centre(id domain.ID, name string) *domain.Node {
	return &domain.Node{ID: id, Kind: domain.KindCentre, Name: name, Code: name, Sources: src, Version: 1}
}

func serves(from, to domain.ID) *domain.Relationship {
	return &domain.Relationship{Kind: domain.RelServes, From: from, To: to, Basis: domain.Explicit, Sources: src, Version: 1}
}

func group(id domain.ID) *domain.Node {
	return &domain.Node{ID: id, Kind: domain.KindTargetGroup, Name: string(id), Sources: src, Version: 1}
}

// planner is n as a planner's write leaves it over the loaded state.
func planner(n *domain.Node, edit func(*domain.Node)) *domain.Node {
	c := *n
	edit(&c)
	c.Provenance = domain.Write{Actor: "planner-a"}.Provenance(n.Provenance, n.Facts())
	c.Version++
	return &c
}

func TestPlanReseed(t *testing.T) {
	a, b, g := centre("centre:a", "A"), centre("centre:b", "B"), group("targetgroup:g")
	plannerLink := serves("centre:b", "targetgroup:g")
	plannerLink.Provenance = domain.Provenance{EditedBy: "planner-a"} // a planner's own creation
	before, _ := json.Marshal(a)
	deletedA := domain.PlannerDeletions([]domain.AuditEntry{
		{Seq: 1, Actor: "planner-a", Op: domain.DeleteNode, Target: "centre:a", Before: string(before)},
	})
	for _, tt := range []struct {
		name                     string
		cur, doc                 *domain.Graph
		deleted                  map[string]domain.Provenance
		opts                     domain.ReseedOptions
		changed, kept, conflicts []string
	}{
		{
			name: "a node the document dropped stays while a planner's link holds it, as a conflict",
			cur:  &domain.Graph{Nodes: []*domain.Node{a, b, g}, Relationships: []*domain.Relationship{plannerLink}},
			doc:  &domain.Graph{Nodes: []*domain.Node{a, g}},
			opts: domain.ReseedOptions{Prune: true}, conflicts: []string{"centre:b"},
		},
		{
			name: "a planner's edit of a node the document dropped is a conflict, kept",
			cur:  &domain.Graph{Nodes: []*domain.Node{a, planner(b, func(n *domain.Node) { n.Description = "x" })}},
			doc:  &domain.Graph{Nodes: []*domain.Node{a}},
			opts: domain.ReseedOptions{Prune: true}, conflicts: []string{"centre:b"},
		},
		{
			name: "and goes with overwrite",
			cur:  &domain.Graph{Nodes: []*domain.Node{a, planner(b, func(n *domain.Node) { n.Description = "x" })}},
			doc:  &domain.Graph{Nodes: []*domain.Node{a}},
			opts: domain.ReseedOptions{Prune: true, Overwrite: true}, conflicts: []string{"centre:b"}, changed: []string{"DELETE_NODE centre:b"},
		},
		{
			name: "without prune nothing goes",
			cur:  &domain.Graph{Nodes: []*domain.Node{a, b}},
			doc:  &domain.Graph{Nodes: []*domain.Node{a}},
		},
		{
			name:    "a planner's deletion of a loaded node stays deleted, with its links, and is no conflict",
			cur:     &domain.Graph{Nodes: []*domain.Node{g}},
			doc:     &domain.Graph{Nodes: []*domain.Node{a, g}, Relationships: []*domain.Relationship{serves("centre:a", "targetgroup:g")}},
			deleted: deletedA, kept: []string{"centre:a", "centre:a|SERVES|targetgroup:g"},
		},
		{
			name:    "the document changing what a planner deleted is a conflict",
			cur:     &domain.Graph{Nodes: []*domain.Node{g}},
			doc:     &domain.Graph{Nodes: []*domain.Node{centre("centre:a", "A2"), g}},
			deleted: deletedA, conflicts: []string{"centre:a"}, kept: nil,
		},
		{
			name:    "overwrite brings it back, links too",
			cur:     &domain.Graph{Nodes: []*domain.Node{g}},
			doc:     &domain.Graph{Nodes: []*domain.Node{a, g}, Relationships: []*domain.Relationship{serves("centre:a", "targetgroup:g")}},
			deleted: deletedA, opts: domain.ReseedOptions{Overwrite: true},
			changed: []string{"CREATE_NODE centre:a", "CREATE_LINK centre:a|SERVES|targetgroup:g"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			steps, rep := domain.PlanReseed(tt.cur, tt.doc, tt.deleted, nil, tt.opts)
			if !slices.Equal(rep.Changed, tt.changed) || !slices.Equal(rep.Kept, tt.kept) || !slices.Equal(rep.Conflicts, tt.conflicts) {
				t.Fatalf("report %+v; want changed %v, kept %v, conflicts %v", rep, tt.changed, tt.kept, tt.conflicts)
			}
			for _, s := range steps {
				if s.Write.Actor != domain.SeedActor {
					t.Errorf("a step written as %q", s.Write.Actor)
				}
			}
		})
	}
}

func TestPlannersCannotWriteAsTheSeed(t *testing.T) {
	w := domain.Write{Op: domain.CreateNode, Actor: domain.SeedActor, Node: centre("centre:a", "A")}
	if err := w.Check(); err == nil {
		t.Fatal("a write as the seed passed Check")
	}
}
