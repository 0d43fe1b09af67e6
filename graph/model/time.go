package model

import (
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

// CentreChange is something a centre gains or loses on a day. Its nodes and
// statement are resolved in package graph, which loads them.
type CentreChange struct {
	CentreID domain.ID
	Delta    planner.Change
}

// Date is the day the change takes effect.
func (c CentreChange) Date() domain.Date { return c.Delta.Date }

// Change says whether the centre gains or loses something.
func (c CentreChange) Change() ChangeKind {
	if c.Delta.Added {
		return ChangeKindAdded
	}
	return ChangeKindRemoved
}

// Relationship is the kind of the link that starts or ends; null for a task.
func (c CentreChange) Relationship() *string {
	if c.Delta.Rel == nil {
		return nil
	}
	return optional(string(c.Delta.Rel.Kind))
}

// Task is the text of a task that starts or ends; null for a link.
func (c CentreChange) Task() *string { return optional(c.Delta.Task) }

// TimelineEntry is one dated event; its node is loaded in package graph.
type TimelineEntry struct {
	Date   domain.Date
	Kind   planner.TimelineKind
	NodeID domain.ID
}
