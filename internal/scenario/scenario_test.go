package scenario_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/scenario"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
)

var src = []domain.Source{{Document: "planlaegning.docx", Section: "Udkast"}}

// open starts a writable embedded store holding g in dir, closed at the
// test's end.
func open(t *testing.T, g *domain.Graph, dir string) *memstore.Store {
	t.Helper()
	return seedtest.Open(t, g, dir)
}

// newScenario creates a scenario in st and makes ws in it.
func newScenario(t *testing.T, st store.Store, ws ...domain.Write) (*scenario.Views, string) {
	t.Helper()
	ctx := context.Background()
	sc, _, err := st.ApplyScenario(ctx, domain.ScenarioWrite{Op: domain.CreateScenario, Actor: "anna", Name: "Til CBE"})
	if err != nil {
		t.Fatal(err)
	}
	views := scenario.New(st)
	for _, w := range ws {
		if _, _, err := views.Change(ctx, sc.ID, w); err != nil {
			t.Fatalf("%s %s: %v", w.Op, w.Target(), err)
		}
	}
	return views, sc.ID
}

func move(kind domain.RelKind, from, was, to domain.ID) []domain.Write {
	return []domain.Write{
		{Op: domain.DeleteLink, Actor: "anna", ExpectedVersion: 1, Rel: &domain.Relationship{Kind: kind, From: from, To: was}},
		{Op: domain.CreateLink, Actor: "anna", Rel: &domain.Relationship{Kind: kind, From: from, To: to, Basis: domain.Explicit, Sources: src}},
	}
}

// The ressortaftale moves UU-vejledning and STU to Ungecenteret from 2026,
// "210 mio. kr. årligt" and "ca. 140 årsværk" (slide 14), and Ungecenteret
// serves Kontanthjælpsmodtagere 18-29 år, 1831 full-time persons (its slide).
// Sent to CBE instead, both take their figures with them; the centres' own
// 2025 totals stay.
func TestFiguresMoveWithWhatCarriesThem(t *testing.T) {
	st := open(t, seedtest.Graph(t), t.TempDir())
	ws := slices.Concat(
		move(domain.RelMovesTo, "transfer:ungeindsats", "centre:ungecenteret", "centre:cbe"),
		[]domain.Write{
			{Op: domain.DeleteLink, Actor: "anna", ExpectedVersion: 1, Rel: &domain.Relationship{Kind: domain.RelServes, From: "centre:ungecenteret", To: "targetgroup:kontanthjaelpsmodtagere-18-29-aar"}},
			{Op: domain.CreateLink, Actor: "anna", Rel: &domain.Relationship{Kind: domain.RelServes, From: "centre:cbe", To: "targetgroup:kontanthjaelpsmodtagere-18-29-aar", Basis: domain.Explicit, Sources: src}},
		})
	// A MOVES_TO link is the transfer's, from it to the centre.
	ws[1].Rel.From, ws[1].Rel.To = "transfer:ungeindsats", "centre:cbe"
	views, sid := newScenario(t, st, ws...)
	v, err := views.Open(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	d, err := v.Diff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []scenario.FigureChange{
		{Centre: "centre:cbe", Measure: domain.MeasureEmployees, Before: 0, After: 140},
		{Centre: "centre:cbe", Measure: domain.MeasureBudget, Before: 0, After: 210_000_000},
		{Centre: "centre:cbe", Measure: domain.MeasureFullTimePersons, Before: 0, After: 1831},
		{Centre: "centre:ungecenteret", Measure: domain.MeasureEmployees, Before: 140, After: 0},
		{Centre: "centre:ungecenteret", Measure: domain.MeasureBudget, Before: 210_000_000, After: 0},
		{Centre: "centre:ungecenteret", Measure: domain.MeasureFullTimePersons, Before: 1831, After: 0},
	}
	if !reflect.DeepEqual(d.Figures, want) {
		t.Errorf("figures moved:\n%+v\nwant\n%+v", d.Figures, want)
	}
}

// A re-seed leaves scenarios in place. One whose change no longer applies,
// the document having dropped the node it changes, keeps the change, says
// why it does not apply, and still makes the rest.
func TestReseedLeavesScenariosAndTheirChanges(t *testing.T) {
	dir := t.TempDir()
	g := seedtest.Graph(t)
	st := open(t, g, dir)
	tg, err := st.NodesByID(context.Background(), []domain.ID{"targetgroup:ressourceforloeb"})
	if err != nil {
		t.Fatal(err)
	}
	retold := *tg["targetgroup:ressourceforloeb"]
	retold.Description = "Afskaffes 1. februar 2026"
	_, sid := newScenario(t, st, append([]domain.Write{
		{Op: domain.UpdateNode, Actor: "anna", ExpectedVersion: 1, Node: &retold}},
		move(domain.RelWorksWith, "organisation:sof", "centre:cba", "centre:cbe")...)...)
	if err := st.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	// The document no longer holds Ressourceforløb, nor its links.
	doc := &domain.Graph{}
	for _, n := range g.Nodes {
		if n.ID != "targetgroup:ressourceforloeb" {
			doc.Nodes = append(doc.Nodes, n)
		}
	}
	for _, r := range g.Relationships {
		if r.From != "targetgroup:ressourceforloeb" && r.To != "targetgroup:ressourceforloeb" {
			doc.Relationships = append(doc.Relationships, r)
		}
	}
	again := open(t, doc, dir)
	if rep := again.Report(); !slices.Contains(rep.Changed, "DELETE_NODE targetgroup:ressourceforloeb") {
		t.Fatalf("the re-seed removed nothing: %+v", rep)
	}
	v, err := scenario.New(again).Open(context.Background(), sid)
	if err != nil {
		t.Fatalf("the scenario after a re-seed: %v", err)
	}
	if len(v.Scenario.Changes) != 3 {
		t.Fatalf("the scenario kept %d changes, want 3", len(v.Scenario.Changes))
	}
	if !errors.Is(v.Unapplied[0], domain.ErrNotFound) || v.Unapplied[1] != nil || v.Unapplied[2] != nil {
		t.Fatalf("what applies: %v", v.Unapplied)
	}
	d, err := v.Diff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Unapplied) != 1 || d.Unapplied[0].Index != 0 || len(d.LinksAdded) != 1 || len(d.LinksRemoved) != 1 || len(d.NodesChanged) != 0 {
		t.Errorf("the diff after the re-seed: %+v", d)
	}
}
