package model

import (
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
)

// GraphChange is one accepted write as the change feed tells of it. Its
// actor is shown only where ShowActor says the asker may see the audit
// trail.
type GraphChange struct {
	E         domain.AuditEntry
	ShowActor bool
}

func (c GraphChange) Seq() int64                { return c.E.Seq }
func (c GraphChange) Operation() domain.WriteOp { return c.E.Op }
func (c GraphChange) Target() string            { return c.E.Target }
func (c GraphChange) At() string                { return c.E.At.UTC().Format(time.RFC3339Nano) }

func (c GraphChange) Actor() *string {
	if !c.ShowActor {
		return nil
	}
	return &c.E.Actor
}

// Scenario is the scenario the write was made in (its target, for a write
// to a scenario record); nil for a write to the graph itself, a promoted
// scenario's changes to the baseline included.
func (c GraphChange) Scenario() *domain.ID {
	if !domain.IsScenarioOp(c.E.Op) {
		return nil
	}
	id := domain.ID(c.E.Target)
	return &id
}
