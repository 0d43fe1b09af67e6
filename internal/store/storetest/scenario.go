package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// RunScenarios holds a writable store to the scenario contract: scenarios
// are kept beside the baseline and never in it, every scenario write is
// version-checked and audited, and a promotion applies a scenario's changes
// to the baseline, all or none. reopen returns the store as a restart
// would find it (the same data, read afresh), for what must outlive one.
func RunScenarios[S store.Store](t *testing.T, newStore NewStore[S], reopen func(t *testing.T, st store.Store) store.Store) {
	ctx := context.Background()
	const planner, admin = "planner@kk.dk", "admin@kk.dk"
	var st store.Store = newStore(t, Fixture())
	parent := t
	apply := func(t *testing.T, w domain.ScenarioWrite) *domain.Scenario {
		t.Helper()
		sc, _, err := st.ApplyScenario(ctx, w)
		if err != nil {
			t.Fatalf("%s %s: %v", w.Op, w.ID, err)
		}
		return sc
	}
	refused := func(t *testing.T, w domain.ScenarioWrite, want error) {
		t.Helper()
		before, _ := st.Audit(ctx, store.AuditQuery{Limit: 1})
		if _, _, err := st.ApplyScenario(ctx, w); !errors.Is(err, want) {
			t.Fatalf("%s %s: want %v, got %v", w.Op, w.ID, want, err)
		}
		after, _ := st.Audit(ctx, store.AuditQuery{Limit: 1})
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("%s %s: a refused scenario write was audited", w.Op, w.ID)
		}
	}
	link := func(t *testing.T, from domain.ID, kind domain.RelKind, to domain.ID) *domain.Relationship {
		t.Helper()
		ls, err := st.Links(ctx, []domain.ID{from}, store.LinkQuery{Kind: kind, Dir: domain.Outgoing})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls[from] {
			if l.Other == to {
				return l.Rel
			}
		}
		return nil
	}
	baseline, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sofCDOE := link(t, "organisation:sof", domain.RelWorksWith, "centre:cdoe")
	removePartner := domain.Write{Op: domain.DeleteLink, Actor: planner, ExpectedVersion: sofCDOE.Version,
		Rel: &domain.Relationship{Kind: domain.RelWorksWith, From: "organisation:sof", To: "centre:cdoe"}}

	var sid string
	t.Run("a scenario is created empty, at version 1, and listed", func(t *testing.T) {
		sc := apply(t, domain.ScenarioWrite{Op: domain.CreateScenario, Actor: planner, Name: "Uden SOF i CDØ", Description: "SOF stops working with CDØ"})
		if sc.ID == "" || sc.Version != 1 || sc.CreatedBy != planner || sc.Name != "Uden SOF i CDØ" || len(sc.Changes) != 0 || sc.CreatedAt.IsZero() {
			t.Fatalf("created %+v", sc)
		}
		sid = sc.ID
		got, err := st.Scenario(ctx, sid)
		if err != nil || !reflect.DeepEqual(got.Name, sc.Name) || got.Version != 1 {
			t.Fatalf("read back %+v, %v", got, err)
		}
		all, err := st.Scenarios(ctx)
		if err != nil || !containsScenario(all, sid) {
			t.Fatalf("listed %v, %v", all, err)
		}
		es, err := st.Audit(ctx, store.AuditQuery{Target: domain.ScenarioIDPrefix + sid})
		if err != nil || len(es) != 1 || es[0].Op != domain.CreateScenario || es[0].Actor != planner || es[0].Version != 1 {
			t.Fatalf("audit %+v, %v", es, err)
		}
	})
	t.Run("a change is kept in order, version-checked, and the baseline is untouched", func(t *testing.T) {
		sc := apply(t, domain.ScenarioWrite{Op: domain.ChangeScenario, Actor: planner, ID: sid, ExpectedVersion: 1, Change: &removePartner})
		if sc.Version != 2 || len(sc.Changes) != 1 || sc.Changes[0].Target() != removePartner.Target() {
			t.Fatalf("changed %+v", sc)
		}
		refused(t, domain.ScenarioWrite{Op: domain.ChangeScenario, Actor: planner, ID: sid, ExpectedVersion: 1, Change: &removePartner}, domain.ErrConflict)
		refused(t, domain.ScenarioWrite{Op: domain.ChangeScenario, Actor: planner, ID: "s999999", ExpectedVersion: 1, Change: &removePartner}, domain.ErrNotFound)
		bad := removePartner
		bad.Rel = &domain.Relationship{Kind: "NOT_A_KIND", From: "organisation:sof", To: "centre:cdoe"}
		refused(t, domain.ScenarioWrite{Op: domain.ChangeScenario, Actor: planner, ID: sid, ExpectedVersion: 2, Change: &bad}, domain.ErrInvalidInput)
		now, err := st.Snapshot(ctx)
		if err != nil || len(now.Nodes) != len(baseline.Nodes) || len(now.Relationships) != len(baseline.Relationships) ||
			link(t, "organisation:sof", domain.RelWorksWith, "centre:cdoe") == nil {
			t.Fatalf("the baseline changed: %d nodes, %d links, %v", len(now.Nodes), len(now.Relationships), err)
		}
	})
	t.Run("a rename needs the version read", func(t *testing.T) {
		refused(t, domain.ScenarioWrite{Op: domain.UpdateScenario, Actor: planner, ID: sid, ExpectedVersion: 1, Name: "x"}, domain.ErrConflict)
		refused(t, domain.ScenarioWrite{Op: domain.UpdateScenario, Actor: planner, ID: sid, ExpectedVersion: 2, Name: " "}, domain.ErrInvalidInput)
		sc := apply(t, domain.ScenarioWrite{Op: domain.UpdateScenario, Actor: planner, ID: sid, ExpectedVersion: 2, Name: "SOF forlader CDØ"})
		if sc.Version != 3 || sc.Name != "SOF forlader CDØ" || sc.Description != "" || len(sc.Changes) != 1 {
			t.Fatalf("renamed %+v", sc)
		}
	})
	t.Run("a scenario outlives a restart", func(t *testing.T) {
		before, err := st.Scenario(ctx, sid)
		if err != nil {
			t.Fatal(err)
		}
		st = reopen(parent, st)
		after, err := st.Scenario(ctx, sid)
		if err != nil {
			t.Fatal(err)
		}
		if before.CreatedAt.Equal(after.CreatedAt) {
			after.CreatedAt = before.CreatedAt // the same instant, however the clock's reading is kept
		}
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("after a restart\n%+v\nwant\n%+v", after, before)
		}
	})
	var other string
	t.Run("a promotion is refused once the baseline moved underneath, and changes nothing", func(t *testing.T) {
		sofCBA := link(t, "organisation:sof", domain.RelWorksWith, "centre:cba")
		retold := *sofCBA
		retold.Note = "Samarbejde om unge"
		sc := apply(t, domain.ScenarioWrite{Op: domain.CreateScenario, Actor: planner, Name: "Ny note"})
		other = sc.ID
		sc = apply(t, domain.ScenarioWrite{Op: domain.ChangeScenario, Actor: planner, ID: other, ExpectedVersion: 1,
			Change: &domain.Write{Op: domain.UpdateLink, Actor: planner, Rel: &retold, ExpectedVersion: sofCBA.Version}})
		moved := *sofCBA
		moved.Note = "Skrevet i mellemtiden"
		if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateLink, Actor: planner, Rel: &moved, ExpectedVersion: sofCBA.Version}); err != nil {
			t.Fatal(err)
		}
		refused(t, domain.ScenarioWrite{Op: domain.PromoteScenario, Actor: admin, ID: other, ExpectedVersion: sc.Version}, domain.ErrConflict)
		if got := link(t, "organisation:sof", domain.RelWorksWith, "centre:cba"); got.Note != moved.Note {
			t.Fatalf("the refused promotion wrote %q", got.Note)
		}
		if got, _ := st.Scenario(ctx, other); got.PromotedAt != nil || got.Version != sc.Version {
			t.Fatalf("the refused promotion changed the scenario: %+v", got)
		}
	})
	t.Run("a promotion applies the changes to the baseline, audited, and the scenario changes no more", func(t *testing.T) {
		refused(t, domain.ScenarioWrite{Op: domain.PromoteScenario, Actor: admin, ID: sid, ExpectedVersion: 2}, domain.ErrConflict)
		sc := apply(t, domain.ScenarioWrite{Op: domain.PromoteScenario, Actor: admin, ID: sid, ExpectedVersion: 3})
		if sc.Version != 4 || sc.PromotedAt == nil || sc.PromotedBy != admin {
			t.Fatalf("promoted %+v", sc)
		}
		if link(t, "organisation:sof", domain.RelWorksWith, "centre:cdoe") != nil {
			t.Fatal("the promoted change is not in the baseline")
		}
		es, err := st.Audit(ctx, store.AuditQuery{Target: removePartner.Target()})
		if err != nil || len(es) == 0 || es[0].Op != domain.DeleteLink || es[0].Actor != admin {
			t.Fatalf("the promoted change's audit: %+v, %v", es, err)
		}
		refused(t, domain.ScenarioWrite{Op: domain.ChangeScenario, Actor: planner, ID: sid, ExpectedVersion: 4, Change: &removePartner}, domain.ErrConflict)
		st = reopen(parent, st)
		if got, err := st.Scenario(ctx, sid); err != nil || got.PromotedAt == nil || got.Version != 4 {
			t.Fatalf("after a restart the promotion is %+v, %v", got, err)
		}
		if link(t, "organisation:sof", domain.RelWorksWith, "centre:cdoe") != nil {
			t.Fatal("after a restart the promoted change is gone from the baseline")
		}
	})
	t.Run("a deletion needs the version read and leaves no scenario", func(t *testing.T) {
		refused(t, domain.ScenarioWrite{Op: domain.DeleteScenario, Actor: planner, ID: other, ExpectedVersion: 1}, domain.ErrConflict)
		if sc, _, err := st.ApplyScenario(ctx, domain.ScenarioWrite{Op: domain.DeleteScenario, Actor: planner, ID: other, ExpectedVersion: 2}); err != nil || sc != nil {
			t.Fatalf("deleted: %+v, %v", sc, err)
		}
		if _, err := st.Scenario(ctx, other); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("a deleted scenario reads as %v", err)
		}
		all, _ := st.Scenarios(ctx)
		if containsScenario(all, other) {
			t.Fatal("a deleted scenario is listed")
		}
		sc := apply(t, domain.ScenarioWrite{Op: domain.CreateScenario, Actor: planner, Name: "Efter sletningen"})
		if sc.ID == other {
			t.Fatalf("a new scenario took the deleted one's id %s", other)
		}
	})
}

func containsScenario(all []*domain.Scenario, id string) bool {
	for _, sc := range all {
		if sc.ID == id {
			return true
		}
	}
	return false
}
