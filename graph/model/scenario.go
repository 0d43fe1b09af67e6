package model

import (
	"context"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/scenario"
)

// Scenario is a scenario as the API shows it.
type Scenario struct{ S *domain.Scenario }

// Unwrap is a scenario as a node: its id and name, for what handles every
// Node alike.
func (s *Scenario) Unwrap() *domain.Node {
	return &domain.Node{ID: s.S.NodeID(), Name: s.S.Name, Description: s.S.Description, Version: s.S.Version}
}

// ScenarioDiff is what a scenario changes; its values are read inside the
// scenario, but for the baseline's side of each change (ScenarioIn).
type ScenarioDiff struct {
	ScenarioID string
	D          *scenario.Diff
	View       *scenario.View
}

// ScenarioID is the id of the node id seen inside scenario sid:
// "scenario:s1/centre:cba". One scheme for every scoped id (a day-scoped
// one may follow the node id), so it only ever prefixes.
func ScenarioID(sid string, id domain.ID) string {
	return domain.ScenarioIDPrefix + sid + "/" + string(id)
}

// SplitScenarioID reads an id seen inside a scenario back into the
// scenario's id and the node id; ok is false for any other id.
func SplitScenarioID(s string) (sid string, id domain.ID, ok bool) {
	rest, found := strings.CutPrefix(s, domain.ScenarioIDPrefix)
	if !found {
		return "", "", false
	}
	sid, node, found := strings.Cut(rest, "/")
	if !found || sid == "" || node == "" {
		return "", "", false
	}
	return sid, domain.ID(node), true
}

// baselineSide are the fields below a diff whose values are the
// baseline's: what the scenario removed, and what it changed as it was.
var baselineSide = map[string]bool{
	"ScenarioDiff.nodesRemoved": true, "ScenarioDiff.linksRemoved": true,
	"NodeChange.before": true, "LinkChange.before": true,
}

// ScenarioIn is the scenario a field is answered in, "" for the baseline:
// the nearest Scenario.graph or Scenario.diff above it, or node(id:) with
// an id seen inside a scenario.
func ScenarioIn(ctx context.Context) string {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if r, ok := fc.Result.(*ScenarioDiff); ok {
			return r.ScenarioID
		}
		if fc.Field.Field == nil {
			continue // a list's element
		}
		if fc.Object == "Scenario" && fc.Field.Name == "graph" && fc.Parent != nil {
			// gqlgen gives a field of type Query a value of its own making,
			// so the scenario is the object the field belongs to.
			if sc, ok := fc.Parent.Result.(*Scenario); ok {
				return sc.S.ID
			}
		}
		if baselineSide[fc.Object+"."+fc.Field.Name] {
			return ""
		}
		if fc.Object == "Mutation" {
			// A write into a scenario answers with the scenario's node.
			if ref, ok := fc.Args["scenario"].(*domain.ID); ok && ref != nil {
				return ScenarioRef(*ref)
			}
			return ""
		}
		if fc.Object == "Query" && fc.Field.Name == "node" {
			if id, ok := fc.Args["id"].(domain.ID); ok {
				if sid, _, ok := SplitScenarioID(string(id)); ok {
					return sid
				}
			}
		}
	}
	return ""
}

// The scenario's own fields.

func (s *Scenario) ID() domain.ID        { return s.S.NodeID() }
func (s *Scenario) Name() string         { return s.S.Name }
func (s *Scenario) Description() *string { return optional(s.S.Description) }
func (s *Scenario) Sources() []*Source   { return []*Source{} }
func (s *Scenario) Notes() []string      { return []string{} }
func (s *Scenario) Version() int64       { return s.S.Version }
func (s *Scenario) CreatedBy() string    { return s.S.CreatedBy }
func (s *Scenario) CreatedAt() string    { return s.S.CreatedAt.Format(time.RFC3339) }
func (s *Scenario) PromotedBy() *string  { return optional(s.S.PromotedBy) }

func (s *Scenario) PromotedAt() *string {
	if s.S.PromotedAt == nil {
		return nil
	}
	at := s.S.PromotedAt.Format(time.RFC3339)
	return &at
}

// ScenarioChange is one change of a scenario, with why it no longer
// applies, where it does not.
type ScenarioChange struct {
	Index  int
	W      domain.Write
	Reason error
}

func (c *ScenarioChange) Number() int               { return c.Index + 1 }
func (c *ScenarioChange) Operation() domain.WriteOp { return c.W.Op }
func (c *ScenarioChange) Target() string            { return c.W.Target() }
func (c *ScenarioChange) Actor() string             { return c.W.Actor }
func (c *ScenarioChange) ExpectedVersion() int64    { return c.W.ExpectedVersion }
func (c *ScenarioChange) Applies() bool             { return c.Reason == nil }

func reasonText(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

// NodeChange is a node both sides hold, and the fields that differ.
type NodeChange struct{ C scenario.NodeChange }

func (c *NodeChange) Before() Node     { return Wrap(c.C.Before) }
func (c *NodeChange) After() Node      { return Wrap(c.C.After) }
func (c *NodeChange) Fields() []string { return c.C.Fields }

// LinkChange is a relationship both sides hold, and the fields that differ.
type LinkChange struct{ C scenario.LinkChange }

func (c *LinkChange) Before() *Link    { return OutgoingLink(c.C.Before) }
func (c *LinkChange) After() *Link     { return OutgoingLink(c.C.After) }
func (c *LinkChange) Fields() []string { return c.C.Fields }

// OutgoingLink is r seen from its start.
func OutgoingLink(r *domain.Relationship) *Link {
	return &Link{domain.Link{Rel: r, Other: r.To, Dir: domain.Outgoing}}
}

// ImpactChange is a reform item or phase whose reach changes; its centres
// are loaded by package graph.
type ImpactChange struct{ C scenario.ImpactChange }

func (c *ImpactChange) Item() Node { return Wrap(c.C.Item) }

// DependencyChange is a pair of centres whose shared total changes.
type DependencyChange struct{ C scenario.DependencyChange }

func (c *DependencyChange) Before() int { return c.C.Before }
func (c *DependencyChange) After() int  { return c.C.After }

// FigureChange is a centre's total of one measure before and after.
type FigureChange struct{ C scenario.FigureChange }

func (c *FigureChange) Measure() domain.Measure { return c.C.Measure }
func (c *FigureChange) Before() float64         { return c.C.Before }
func (c *FigureChange) After() float64          { return c.C.After }
func (c *FigureChange) Moved() float64          { return c.C.After - c.C.Before }

// ScenarioRef is the scenario id ("s1") a scenario's own id names
// ("scenario:s1"; "s1" alone is read as well); "" for an id that names no
// scenario.
func ScenarioRef(id domain.ID) string { return domain.ScenarioRef(string(id)) }
