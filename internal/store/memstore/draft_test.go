package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// A run of writes is indexed once, at its end (draft.go): each write must
// still be checked against the graph the writes before it made, and one
// refused must leave no trace for the writes after it.
func TestOverlayMakesEachChangeOverTheOnesBefore(t *testing.T) {
	ctx := context.Background()
	g := storetest.Fixture()
	src := g.Nodes[1].Sources
	group := func(name string) *domain.Node {
		return &domain.Node{ID: "targetgroup:ny", Kind: domain.KindTargetGroup, Name: name, Sources: src}
	}
	serves := &domain.Relationship{Kind: domain.RelServes, From: "centre:cba", To: "targetgroup:ny", Basis: domain.Explicit, Sources: src}
	nowhere := *serves
	nowhere.To = "targetgroup:nowhere"
	changes := []domain.Write{
		{Op: domain.CreateLink, Rel: &nowhere}, // refused: no such node
		{Op: domain.CreateNode, Node: group("Ny")},
		{Op: domain.CreateLink, Rel: serves},
		{Op: domain.DeleteNode, Node: group("Ny"), ExpectedVersion: 1}, // refused: it has a link
		{Op: domain.DeleteLink, Rel: serves, ExpectedVersion: 1},
		{Op: domain.DeleteNode, Node: group("Ny"), ExpectedVersion: 1},
		{Op: domain.CreateLink, Rel: serves}, // refused: the node is gone
		{Op: domain.CreateNode, Node: group("Ny igen")},
		{Op: domain.UpdateNode, Node: group("Ny for tredje gang"), ExpectedVersion: 1},
		{Op: domain.UpdateNode, Node: group("forældet"), ExpectedVersion: 1}, // refused: version 2 is current
	}
	for i := range changes {
		changes[i].Actor = "planner"
	}
	st, failed, err := memstore.Overlay(g, changes)
	if err != nil {
		t.Fatal(err)
	}
	refused := map[int]error{0: domain.ErrInvalidInput, 3: domain.ErrInvalidInput, 6: domain.ErrInvalidInput, 9: domain.ErrConflict}
	for i, err := range failed {
		if want := refused[i]; (want == nil) != (err == nil) || want != nil && !errors.Is(err, want) {
			t.Errorf("change %d (%s): %v, want %v", i, changes[i].Op, err, want)
		}
	}
	ns, err := st.NodesByID(ctx, []domain.ID{"targetgroup:ny"})
	if err != nil {
		t.Fatal(err)
	}
	if n := ns["targetgroup:ny"]; n == nil || n.Name != "Ny for tredje gang" || n.Version != 2 {
		t.Fatalf("the overlay holds %+v, want the third name at version 2", n)
	}
	links, err := st.Links(ctx, []domain.ID{"centre:cba"}, store.LinkQuery{Kind: domain.RelServes, Dir: domain.Outgoing})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links["centre:cba"] {
		if l.Other == "targetgroup:ny" {
			t.Fatal("the deleted link is still there")
		}
	}
	all, err := st.NodesByKind(ctx, domain.KindTargetGroup)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := memstore.New(storetest.Fixture())
	before, _ := base.NodesByKind(ctx, domain.KindTargetGroup)
	if len(all) != len(before)+1 || all[len(all)-1].ID != "targetgroup:ny" {
		t.Fatalf("%d target groups, the last %s; want %d, the new one last", len(all), all[len(all)-1].ID, len(before)+1)
	}
}
