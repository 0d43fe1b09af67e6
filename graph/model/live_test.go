package model

import (
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
)

// A write to a scenario is marked with its scenario in graphChanged; a write
// to the graph itself, a promoted scenario's changes to it included, is not.
func TestGraphChangeMarksScenarioWrites(t *testing.T) {
	for _, op := range []domain.WriteOp{domain.CreateScenario, domain.UpdateScenario, domain.DeleteScenario, domain.ChangeScenario, domain.PromoteScenario} {
		got := GraphChange{E: domain.AuditEntry{Op: op, Target: "scenario:s1"}}.Scenario()
		if got == nil || *got != "scenario:s1" {
			t.Errorf("%s: scenario %v, want scenario:s1", op, got)
		}
	}
	for _, op := range []domain.WriteOp{domain.CreateNode, domain.UpdateNode, domain.DeleteNode, domain.CreateLink, domain.UpdateLink, domain.DeleteLink} {
		if got := (GraphChange{E: domain.AuditEntry{Op: op, Target: "centre:cba"}}).Scenario(); got != nil {
			t.Errorf("%s: scenario %v, want none", op, *got)
		}
	}
}
