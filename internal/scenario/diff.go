package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

// Diff is what a scenario changes against the baseline it was worked out
// over. Every list is in seed order (nodes, links), org-chart order
// (centres) or the order of the scenario's changes.
type Diff struct {
	NodesAdded   []*domain.Node
	NodesRemoved []*domain.Node
	NodesChanged []NodeChange
	LinksAdded   []*domain.Relationship
	LinksRemoved []*domain.Relationship
	LinksChanged []LinkChange
	// Impact holds each reform item or phase whose reach changes.
	Impact []ImpactChange
	// Dependencies holds each pair of centres whose shared total changes,
	// once, the first centre earlier in the org chart.
	Dependencies []DependencyChange
	// Figures holds each centre's figures that move (Held).
	Figures []FigureChange
	// Unapplied holds each change that no longer applies to the baseline.
	Unapplied []Unapplied
}

// NodeChange is a node both graphs hold, with the fields that differ.
type NodeChange struct {
	Before, After *domain.Node
	Fields        []string
}

// LinkChange is a relationship both graphs hold, with the fields that differ.
type LinkChange struct {
	Before, After *domain.Relationship
	Fields        []string
}

// ImpactChange is a reform item or phase whose reach changes: the centres
// it reaches inside the scenario and not outside, and the other way round.
type ImpactChange struct {
	Item         *domain.Node
	Gained, Lost []domain.ID
}

// DependencyChange is a pair of centres whose shared total changes.
type DependencyChange struct {
	Centre, Other domain.ID
	Before, After int
}

// FigureChange is a centre's total of one measure before and after.
type FigureChange struct {
	Centre        domain.ID
	Measure       domain.Measure
	Before, After float64
}

// Unapplied is a change of the scenario that no longer applies.
type Unapplied struct {
	Index  int // its place among the scenario's changes, from 0
	Change domain.Write
	Reason error
}

// Diff compares the view's graph with the baseline it was worked out over.
func (v *View) Diff(ctx context.Context) (*Diff, error) {
	before, err := v.Baseline.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	after, err := v.Store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	d := &Diff{}
	for i, err := range v.Unapplied {
		if err != nil {
			d.Unapplied = append(d.Unapplied, Unapplied{Index: i, Change: v.Scenario.Changes[i], Reason: err})
		}
	}
	d.NodesAdded, d.NodesRemoved, d.NodesChanged = compare(before.Nodes, after.Nodes,
		func(n *domain.Node) string { return string(n.ID) },
		func(a, b *domain.Node) NodeChange {
			return NodeChange{Before: a, After: b, Fields: fieldsThatDiffer(a, b)}
		},
		func(c NodeChange) bool { return len(c.Fields) > 0 })
	d.LinksAdded, d.LinksRemoved, d.LinksChanged = compare(before.Relationships, after.Relationships,
		(*domain.Relationship).Key,
		func(a, b *domain.Relationship) LinkChange {
			return LinkChange{Before: a, After: b, Fields: fieldsThatDiffer(a, b)}
		},
		func(c LinkChange) bool { return len(c.Fields) > 0 })
	if d.Impact, err = impactChanges(ctx, v, before, after); err != nil {
		return nil, err
	}
	if d.Dependencies, err = dependencyChanges(ctx, v, after); err != nil {
		return nil, err
	}
	d.Figures = figureChanges(before, after)
	return d, nil
}

// compare sets two lists side by side by key: what only after holds, what
// only before holds, and the pairs both hold that differ (kept by keep).
func compare[T any, C any](before, after []T, key func(T) string, pair func(a, b T) C, keep func(C) bool) (added, removed []T, changed []C) {
	was := make(map[string]T, len(before))
	for _, x := range before {
		was[key(x)] = x
	}
	is := make(map[string]bool, len(after))
	for _, x := range after {
		k := key(x)
		is[k] = true
		old, ok := was[k]
		if !ok {
			added = append(added, x)
			continue
		}
		if c := pair(old, x); keep(c) {
			changed = append(changed, c)
		}
	}
	for _, x := range before {
		if !is[key(x)] {
			removed = append(removed, x)
		}
	}
	return added, removed, changed
}

// notFacts are the fields of a node or relationship that say how it is
// kept, not what it states: no difference in them is a change.
var notFacts = []string{"Version", "Order", "Seq", "EditedBy", "SeedFacts"}

// fieldsThatDiffer names the facts in which a and b differ, as the API
// names them (validFrom), in the order of the Go type's fields.
func fieldsThatDiffer(a, b any) []string {
	var ma, mb map[string]json.RawMessage
	fields := func(v any, m *map[string]json.RawMessage) {
		raw, _ := json.Marshal(v) // domain values always encode
		_ = json.Unmarshal(raw, m)
	}
	fields(a, &ma)
	fields(b, &mb)
	var out []string
	t := reflect.TypeOf(a).Elem()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous || slices.Contains(notFacts, f.Name) {
			continue
		}
		if string(ma[f.Name]) != string(mb[f.Name]) {
			out = append(out, strings.ToLower(f.Name[:1])+f.Name[1:])
		}
	}
	return out
}

// impactChanges works out every reform item's and phase's reach on both
// sides and keeps those that differ.
func impactChanges(ctx context.Context, v *View, before, after *domain.Graph) ([]ImpactChange, error) {
	items := func(g *domain.Graph) []domain.ID {
		var ids []domain.ID
		for _, n := range g.Nodes {
			if n.Kind == domain.KindReformChange || n.Kind == domain.KindReformPhase {
				ids = append(ids, n.ID)
			}
		}
		return ids
	}
	was, err := planner.ImpactOfMany(ctx, v.Baseline, items(before))
	if err != nil {
		return nil, fmt.Errorf("scenario: impact on the baseline: %w", err)
	}
	is, err := planner.ImpactOfMany(ctx, v.Store, items(after))
	if err != nil {
		return nil, fmt.Errorf("scenario: impact in the scenario: %w", err)
	}
	centres := func(imp *planner.Impact) []domain.ID {
		if imp == nil {
			return nil
		}
		out := make([]domain.ID, len(imp.Centres))
		for i, c := range imp.Centres {
			out[i] = c.Centre
		}
		return out
	}
	order := orderOf(before, after)
	var out []ImpactChange
	for _, n := range after.Nodes {
		if n.Kind != domain.KindReformChange && n.Kind != domain.KindReformPhase {
			continue
		}
		b, a := centres(was[n.ID]), centres(is[n.ID])
		gained, lost := minus(a, b), minus(b, a)
		if len(gained) == 0 && len(lost) == 0 {
			continue
		}
		slices.SortFunc(gained, order)
		slices.SortFunc(lost, order)
		out = append(out, ImpactChange{Item: n, Gained: gained, Lost: lost})
	}
	return out, nil
}

// minus is what a holds and b does not, in a's order.
func minus(a, b []domain.ID) []domain.ID {
	out := []domain.ID{}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// orderOf orders ids by the nodes' seed order in after, then before.
func orderOf(before, after *domain.Graph) func(a, b domain.ID) int {
	at := map[domain.ID]int{}
	for _, g := range []*domain.Graph{before, after} {
		for _, n := range g.Nodes {
			at[n.ID] = n.Order
		}
	}
	return func(a, b domain.ID) int { return at[a] - at[b] }
}

// dependencyChanges works out what every centre shares with every other on
// both sides, and keeps the pairs whose totals differ.
func dependencyChanges(ctx context.Context, v *View, after *domain.Graph) ([]DependencyChange, error) {
	var centres []domain.ID
	for _, n := range after.Nodes {
		if n.Kind == domain.KindCentre {
			centres = append(centres, n.ID)
		}
	}
	totals := func(st planner.Reader) (map[[2]domain.ID]int, error) {
		deps, err := planner.DependenciesOf(ctx, st, centres, nil)
		if err != nil {
			return nil, fmt.Errorf("scenario: dependencies: %w", err)
		}
		out := map[[2]domain.ID]int{}
		for c, ds := range deps {
			for _, d := range ds {
				out[[2]domain.ID{c, d.Other}] = d.Total()
			}
		}
		return out, nil
	}
	was, err := totals(v.Baseline)
	if err != nil {
		return nil, err
	}
	is, err := totals(v.Store)
	if err != nil {
		return nil, err
	}
	var out []DependencyChange
	for i, a := range centres {
		for _, b := range centres[i+1:] {
			k := [2]domain.ID{a, b}
			if was[k] != is[k] {
				out = append(out, DependencyChange{Centre: a, Other: b, Before: was[k], After: is[k]})
			}
		}
	}
	return out, nil
}

// Held says which nodes' figures a centre holds, and so which move with
// them between centres: the target groups it serves, its units, and the
// transfers that move to it. A centre's own figures are its totals as the
// document gives them (2025's), and stay with it. A node's figure of a
// measure is its first one (domain.Node.Figure).
var Held = []domain.RelKind{domain.RelServes, domain.RelHasUnit, domain.RelMovesTo}

// moved are the measures whose movement between centres a diff reports.
var moved = []domain.Measure{domain.MeasureEmployees, domain.MeasureBudget, domain.MeasureFullTimePersons}

// figureChanges sums the figures each centre holds on both sides and
// keeps those that differ.
func figureChanges(before, after *domain.Graph) []FigureChange {
	was, is := held(before), held(after)
	var out []FigureChange
	for _, n := range after.Nodes {
		if n.Kind != domain.KindCentre {
			continue
		}
		for _, m := range moved {
			k := heldKey{n.ID, m}
			if was[k] != is[k] {
				out = append(out, FigureChange{Centre: n.ID, Measure: m, Before: was[k], After: is[k]})
			}
		}
	}
	return out
}

type heldKey struct {
	centre  domain.ID
	measure domain.Measure
}

func held(g *domain.Graph) map[heldKey]float64 {
	nodes := make(map[domain.ID]*domain.Node, len(g.Nodes))
	out := map[heldKey]float64{}
	add := func(centre domain.ID, n *domain.Node) {
		for _, m := range moved {
			if f, ok := n.Figure(m); ok {
				out[heldKey{centre, m}] += f.Value
			}
		}
	}
	for _, n := range g.Nodes {
		nodes[n.ID] = n
	}
	for _, r := range g.Relationships {
		if !slices.Contains(Held, r.Kind) {
			continue
		}
		centre, other := r.From, r.To
		if r.Kind == domain.RelMovesTo {
			centre, other = r.To, r.From
		}
		if c, o := nodes[centre], nodes[other]; c != nil && o != nil && c.Kind == domain.KindCentre {
			add(centre, o)
		}
	}
	return out
}
