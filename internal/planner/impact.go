// Package planner answers the planners' questions on top of any store: which
// centres a node reaches and why, what centres share, how two nodes connect,
// what changed over time, and what a search finds. Stores supply raw paths
// and candidates; the ordering, basis and aggregates are decided here, once,
// so every store answers identically.
package planner

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// Reader is what the planner reads: nodes, their links, and the store's
// traversals. Every store implements it; the planner neither writes nor
// expands selections.
type Reader interface {
	store.NodeReader
	store.LinkReader
	store.Traverser
}

// AffectedCentre is a centre an impact reaches, with the paths that explain it.
type AffectedCentre struct {
	Centre domain.ID
	// Basis is EXPLICIT when every step of some path is stated in the source.
	Basis domain.Basis
	Paths []domain.Path // shortest first, explicit before inferred
}

// Impact is what a node, or a set of nodes, reaches.
type Impact struct {
	Subject domain.ID // empty for the impact of a list
	// Items are the nodes the paths start from: the subject itself, or for a
	// reform phase its items, for a reform all its items, for a list the
	// union of those.
	Items         []domain.ID
	Centres       []AffectedCentre // in org-chart order
	TargetGroups  []domain.ID      // reached on some path, in seed order
	Interventions []domain.ID
	Benefits      []domain.ID
	// FullTimePersons sums the figures of the target groups reached that
	// have one; nil when none has.
	FullTimePersons *int
	// FullTimePersonsComplete is true when every target group reached has
	// a figure, so FullTimePersons is the whole count and not a floor.
	FullTimePersonsComplete bool
	// The centres reached, each counted once however many paths reach it:
	// their full-time persons, employees and budget, summed over the centres
	// that give the figure; nil when none does.
	CentreFullTimePersons *int
	CentreEmployees       *int
	CentreBudget          *domain.Money
	// Nodes holds every node read to work the impact out: the items and
	// every node on a path. Read only.
	Nodes map[domain.ID]*domain.Node
}

// ImpactOf works out which centres id reaches, and through what. A reform
// phase reaches what its items reach; a reform what all its items reach.
func ImpactOf(ctx context.Context, st Reader, id domain.ID) (*Impact, error) {
	all, err := ImpactOfMany(ctx, st, []domain.ID{id})
	if err != nil {
		return nil, err
	}
	return all[id], nil
}

// ImpactOfMany works out the impact of each of ids with one traversal call.
// domain.ErrNotFound if any id is unknown.
func ImpactOfMany(ctx context.Context, st Reader, ids []domain.ID) (map[domain.ID]*Impact, error) {
	items, err := expand(ctx, st, ids)
	if err != nil {
		return nil, err
	}
	paths, err := impactPaths(ctx, st, items)
	if err != nil {
		return nil, err
	}
	out := make(map[domain.ID]*Impact, len(ids))
	for _, id := range ids {
		imp, err := assemble(ctx, st, id, items[id], paths)
		if err != nil {
			return nil, err
		}
		out[id] = imp
	}
	return out, nil
}

// ImpactOfAll works out what a list of nodes reaches together, each centre,
// target group and figure counted once.
func ImpactOfAll(ctx context.Context, st Reader, ids []domain.ID) (*Impact, error) {
	if len(ids) == 0 || len(ids) > 100 {
		return nil, fmt.Errorf("%w: impactOfAll takes 1 to 100 ids", domain.ErrInvalidInput)
	}
	items, err := expand(ctx, st, ids)
	if err != nil {
		return nil, err
	}
	var union []domain.ID
	for _, id := range ids {
		for _, it := range items[id] {
			if !slices.Contains(union, it) {
				union = append(union, it)
			}
		}
	}
	paths, err := impactPaths(ctx, st, map[domain.ID][]domain.ID{"": union})
	if err != nil {
		return nil, err
	}
	return assemble(ctx, st, "", union, paths)
}

// expand maps each id to the items whose paths make up its impact.
func expand(ctx context.Context, st Reader, ids []domain.ID) (map[domain.ID][]domain.ID, error) {
	// An id's prefix is its node's kind, so only phases and reforms, whose
	// items are their links, need reading here; any other id is its own
	// item, and assemble, which reads every item, finds a missing one.
	var phases, reforms []domain.ID
	for _, id := range ids {
		kind, _, err := domain.ParseID(string(id))
		if err != nil {
			return nil, err
		}
		switch kind {
		case domain.KindReformPhase:
			phases = append(phases, id)
		case domain.KindReform:
			reforms = append(reforms, id)
		}
	}
	if grouped := append(slices.Clone(phases), reforms...); len(grouped) > 0 {
		nodes, err := st.NodesByID(ctx, grouped)
		if err != nil {
			return nil, fmt.Errorf("planner: impact: %w", err)
		}
		for _, id := range grouped {
			if nodes[id] == nil {
				return nil, fmt.Errorf("planner: impact of %s: %w", id, domain.ErrNotFound)
			}
		}
	}
	var err error
	// A reform's items are its initiatives and its phases' items.
	var hasPhase, initiatives map[domain.ID][]domain.Link
	if len(reforms) > 0 {
		if hasPhase, err = st.Links(ctx, reforms, store.LinkQuery{Kind: domain.RelHasPhase, Dir: domain.Outgoing}); err != nil {
			return nil, fmt.Errorf("planner: impact: %w", err)
		}
		if initiatives, err = st.Links(ctx, reforms, store.LinkQuery{Kind: domain.RelHasInitiative, Dir: domain.Outgoing}); err != nil {
			return nil, fmt.Errorf("planner: impact: %w", err)
		}
		for _, r := range reforms {
			for _, l := range hasPhase[r] {
				phases = append(phases, l.Other)
			}
		}
	}
	var includes map[domain.ID][]domain.Link
	if len(phases) > 0 {
		if includes, err = st.Links(ctx, phases, store.LinkQuery{Kind: domain.RelIncludes, Dir: domain.Outgoing}); err != nil {
			return nil, fmt.Errorf("planner: impact: %w", err)
		}
	}
	itemsOfPhase := func(p domain.ID) []domain.ID {
		var out []domain.ID
		for _, l := range includes[p] {
			out = append(out, l.Other)
		}
		return out
	}
	out := make(map[domain.ID][]domain.ID, len(ids))
	for _, id := range ids {
		switch id.Kind() {
		case domain.KindReformPhase:
			out[id] = itemsOfPhase(id)
		case domain.KindReform:
			for _, l := range hasPhase[id] {
				out[id] = append(out[id], itemsOfPhase(l.Other)...)
			}
			for _, l := range initiatives[id] {
				out[id] = append(out[id], l.Other)
			}
		default:
			out[id] = []domain.ID{id}
		}
	}
	return out, nil
}

// impactPaths makes one store call for the items of every subject.
func impactPaths(ctx context.Context, st Reader, items map[domain.ID][]domain.ID) (map[domain.ID][]domain.Path, error) {
	var all []domain.ID
	for _, its := range items {
		for _, it := range its {
			if !slices.Contains(all, it) {
				all = append(all, it)
			}
		}
	}
	slices.Sort(all)
	paths, err := st.ImpactPaths(ctx, all, domain.ImpactMaxSteps)
	if err != nil {
		return nil, fmt.Errorf("planner: impact: %w", err)
	}
	return paths, nil
}

func assemble(ctx context.Context, st Reader, subject domain.ID, items []domain.ID, paths map[domain.ID][]domain.Path) (*Impact, error) {
	imp := &Impact{Subject: subject, Items: items}
	// Every node on a path, and the items, for ordering and aggregates.
	seen := map[domain.ID]bool{}
	var ids []domain.ID
	note := func(id domain.ID) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	byCentre := map[domain.ID][]domain.Path{}
	for _, it := range items {
		note(it)
		for _, p := range paths[it] {
			byCentre[p.End()] = append(byCentre[p.End()], p)
			for _, s := range p.Steps {
				note(s.To)
			}
		}
	}
	nodes, err := nodesOf(ctx, st, ids, paths, items)
	if err != nil {
		return nil, fmt.Errorf("planner: impact: %w", err)
	}
	for _, it := range items {
		if nodes[it] == nil {
			return nil, fmt.Errorf("planner: impact of %s: %w", it, domain.ErrNotFound)
		}
	}
	imp.Nodes = nodes
	for c, ps := range byCentre {
		slices.SortFunc(ps, comparePaths)
		ac := AffectedCentre{Centre: c, Basis: domain.Inferred, Paths: ps}
		if slices.ContainsFunc(ps, func(p domain.Path) bool { return p.Basis() == domain.Explicit }) {
			ac.Basis = domain.Explicit
		}
		imp.Centres = append(imp.Centres, ac)
	}
	slices.SortFunc(imp.Centres, func(a, b AffectedCentre) int { return byOrder(nodes[a.Centre], nodes[b.Centre]) })

	reached := make([]*domain.Node, 0, len(nodes))
	for _, n := range nodes {
		reached = append(reached, n)
	}
	slices.SortFunc(reached, byOrder)
	var tgFTP, centreFTP, employees sum
	var budget sum
	complete := true
	for _, n := range reached {
		switch n.Kind {
		case domain.KindTargetGroup:
			imp.TargetGroups = append(imp.TargetGroups, n.ID)
			if !tgFTP.addFigure(n, domain.MeasureFullTimePersons) {
				complete = false
			}
		case domain.KindIntervention:
			imp.Interventions = append(imp.Interventions, n.ID)
		case domain.KindBenefit:
			imp.Benefits = append(imp.Benefits, n.ID)
		case domain.KindCentre:
			if _, reachedCentre := byCentre[n.ID]; reachedCentre {
				centreFTP.addFigure(n, domain.MeasureFullTimePersons)
				employees.addFigure(n, domain.MeasureEmployees)
				budget.addFigure(n, domain.MeasureBudget)
			}
		}
	}
	imp.FullTimePersons = tgFTP.int()
	imp.FullTimePersonsComplete = tgFTP.known && complete
	imp.CentreFullTimePersons = centreFTP.int()
	imp.CentreEmployees = employees.int()
	if budget.known {
		imp.CentreBudget = &domain.Money{DKK: int64(budget.total)}
	}
	return imp, nil
}

// nodesOf returns the nodes with ids: those the items' paths carry, and
// from the store only the rest (an item without paths, or a store that did
// not read them along).
func nodesOf(ctx context.Context, st Reader, ids []domain.ID, paths map[domain.ID][]domain.Path, items []domain.ID) (map[domain.ID]*domain.Node, error) {
	nodes := make(map[domain.ID]*domain.Node, len(ids))
	for _, it := range items {
		for _, p := range paths[it] {
			for _, n := range p.Nodes {
				if n != nil {
					nodes[n.ID] = n
				}
			}
		}
	}
	var missing []domain.ID
	for _, id := range ids {
		if nodes[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nodes, nil
	}
	found, err := st.NodesByID(ctx, missing)
	if err != nil {
		return nil, err
	}
	for id, n := range found {
		nodes[id] = n
	}
	return nodes, nil
}

// sum adds up the figures that are known.
type sum struct {
	total float64
	known bool
}

func (s *sum) addFigure(n *domain.Node, m domain.Measure) bool {
	f, ok := n.Figure(m)
	if ok {
		s.total += f.Value
		s.known = true
	}
	return ok
}

func (s sum) int() *int {
	if !s.known {
		return nil
	}
	v := int(s.total)
	return &v
}

// comparePaths orders paths shortest first, then explicit before inferred,
// then by the relationships they walk, so the order is total and the same
// from every store.
func comparePaths(a, b domain.Path) int {
	return cmp.Or(
		cmp.Compare(len(a.Steps), len(b.Steps)),
		cmp.Compare(basisRank(a.Basis()), basisRank(b.Basis())),
		strings.Compare(a.Key(), b.Key()),
	)
}

func basisRank(b domain.Basis) int {
	if b == domain.Explicit {
		return 0
	}
	return 1
}

func byOrder(a, b *domain.Node) int {
	return cmp.Or(cmp.Compare(a.Order, b.Order), strings.Compare(string(a.ID), string(b.ID)))
}
