package planner

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/bif-kk/orggraph/internal/domain"
)

// Dependency is what one centre shares with another.
type Dependency struct {
	Centre, Other domain.ID
	// Shared lists each shared thing once, by kind (domain.SharedKinds
	// order), then in document order.
	Shared []domain.Shared
	Counts map[domain.SharedKind]int
	// Nodes holds the nodes Shared names, Other among them, as the store
	// read them with it: they need no lookup of their own.
	Nodes map[domain.ID]*domain.Node
}

// Total is how many things the two share.
func (d Dependency) Total() int { return len(d.Shared) }

// DependenciesOf works out, for each of centres, what it shares with every
// other centre, most first. With asOf, only what holds on that day counts.
func DependenciesOf(ctx context.Context, st Reader, centres []domain.ID, asOf *domain.Date) (map[domain.ID][]Dependency, error) {
	shared, nodes, err := st.Dependencies(ctx, centres)
	if err != nil {
		return nil, fmt.Errorf("planner: dependencies: %w", err)
	}
	holds := func(s domain.Shared) bool {
		if asOf == nil {
			return true
		}
		for _, r := range s.Rels {
			if !domain.ValidOn(*asOf, r.ValidFrom, r.ValidTo) {
				return false
			}
		}
		for _, id := range []domain.ID{s.Via, s.Also} {
			if n := nodes[id]; n != nil && !domain.ValidOn(*asOf, n.ValidFrom, n.ValidTo) {
				return false
			}
		}
		return true
	}
	type pair struct{ a, b domain.ID }
	byPair := map[pair]*Dependency{}
	for _, s := range shared {
		if !holds(s) {
			continue
		}
		k := pair{s.Centre, s.Other}
		d := byPair[k]
		if d == nil {
			d = &Dependency{Centre: s.Centre, Other: s.Other, Counts: map[domain.SharedKind]int{}, Nodes: nodes}
			byPair[k] = d
		}
		// Two benefit flows over one benefit and group are one flow.
		if slices.ContainsFunc(d.Shared, func(x domain.Shared) bool { return x.Kind == s.Kind && x.Via == s.Via && x.Also == s.Also }) {
			continue
		}
		d.Shared = append(d.Shared, s)
		d.Counts[s.Kind]++
	}
	order := func(id domain.ID) int {
		if n := nodes[id]; n != nil {
			return n.Order
		}
		return -1
	}
	out := make(map[domain.ID][]Dependency, len(centres))
	for _, c := range centres {
		out[c] = []Dependency{}
	}
	for _, d := range byPair {
		slices.SortFunc(d.Shared, func(a, b domain.Shared) int {
			return cmp.Or(
				cmp.Compare(slices.Index(domain.SharedKinds, a.Kind), slices.Index(domain.SharedKinds, b.Kind)),
				cmp.Compare(order(a.Via), order(b.Via)),
				cmp.Compare(order(a.Also), order(b.Also)),
			)
		})
		out[d.Centre] = append(out[d.Centre], *d)
	}
	for _, deps := range out {
		slices.SortFunc(deps, func(a, b Dependency) int {
			return cmp.Or(cmp.Compare(b.Total(), a.Total()), cmp.Compare(order(a.Other), order(b.Other)))
		})
	}
	return out, nil
}

// MaxPaths bounds how many paths Paths returns.
const MaxPaths = 100

// Paths returns the shortest explaining paths between two nodes, at most
// first of them, of at most maxLen steps: shortest first, then explicit
// before inferred.
func Paths(ctx context.Context, st Reader, from, to domain.ID, maxLen, first int) ([]domain.Path, error) {
	for _, id := range []domain.ID{from, to} {
		if _, _, err := domain.ParseID(string(id)); err != nil {
			return nil, err
		}
	}
	switch {
	case from == to:
		return nil, fmt.Errorf("%w: from and to are the same node", domain.ErrInvalidInput)
	case maxLen < 1 || maxLen > domain.MaxPathSteps:
		return nil, fmt.Errorf("%w: maxLength must be between 1 and %d", domain.ErrInvalidInput, domain.MaxPathSteps)
	case first < 1 || first > MaxPaths:
		return nil, fmt.Errorf("%w: first must be between 1 and %d", domain.ErrInvalidInput, MaxPaths)
	}
	paths, err := st.PathsBetween(ctx, from, to, maxLen)
	if err != nil {
		return nil, fmt.Errorf("planner: paths: %w", err)
	}
	slices.SortFunc(paths, comparePaths)
	if len(paths) > first {
		paths = paths[:first]
	}
	return paths, nil
}
