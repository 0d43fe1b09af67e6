// Package planner answers the planners' questions on top of any store: which
// centres a node reaches and why, and what a search finds. Stores supply raw
// paths and candidates; the ordering, basis and aggregates are decided here,
// once, so every store answers identically.
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

// AffectedCentre is a centre an impact reaches, with the paths that explain it.
type AffectedCentre struct {
	Centre domain.ID
	// Basis is EXPLICIT when every step of some path is stated in the source.
	Basis domain.Basis
	Paths []domain.Path // shortest first, explicit before inferred
}

// Impact is what a node reaches.
type Impact struct {
	Subject       domain.ID
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
}

// ImpactOf works out which centres id reaches, and through what.
func ImpactOf(ctx context.Context, st store.Store, id domain.ID) (*Impact, error) {
	if _, _, err := domain.ParseID(string(id)); err != nil {
		return nil, err
	}
	paths, err := st.ImpactPaths(ctx, id, domain.ImpactMaxSteps)
	if err != nil {
		return nil, fmt.Errorf("planner: impact of %s: %w", id, err)
	}
	// Every node on a path, the subject included, for ordering and aggregates.
	seen := map[domain.ID]bool{id: true}
	ids := []domain.ID{id}
	for _, p := range paths {
		for _, s := range p.Steps {
			if !seen[s.To] {
				seen[s.To] = true
				ids = append(ids, s.To)
			}
		}
	}
	nodes, err := st.NodesByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("planner: impact of %s: %w", id, err)
	}
	if nodes[id] == nil {
		return nil, fmt.Errorf("planner: impact of %s: %w", id, domain.ErrNotFound)
	}
	return assemble(id, paths, nodes), nil
}

func assemble(id domain.ID, paths []domain.Path, nodes map[domain.ID]*domain.Node) *Impact {
	imp := &Impact{Subject: id}
	byCentre := map[domain.ID][]domain.Path{}
	for _, p := range paths {
		byCentre[p.End()] = append(byCentre[p.End()], p)
	}
	for c, ps := range byCentre {
		slices.SortFunc(ps, comparePaths)
		ac := AffectedCentre{Centre: c, Basis: domain.Inferred, Paths: ps}
		if slices.ContainsFunc(ps, func(p domain.Path) bool { return p.Basis() == domain.Explicit }) {
			ac.Basis = domain.Explicit
		}
		imp.Centres = append(imp.Centres, ac)
	}
	slices.SortFunc(imp.Centres, func(a, b AffectedCentre) int {
		return byOrder(nodes[a.Centre], nodes[b.Centre])
	})

	reached := make([]*domain.Node, 0, len(nodes))
	for _, n := range nodes {
		reached = append(reached, n)
	}
	slices.SortFunc(reached, byOrder)
	ftp, known, complete := 0, false, true
	for _, n := range reached {
		switch n.Kind {
		case domain.KindTargetGroup:
			imp.TargetGroups = append(imp.TargetGroups, n.ID)
			if f, ok := n.Figure(domain.MeasureFullTimePersons); ok {
				ftp += int(f.Value)
				known = true
			} else {
				complete = false
			}
		case domain.KindIntervention:
			imp.Interventions = append(imp.Interventions, n.ID)
		case domain.KindBenefit:
			imp.Benefits = append(imp.Benefits, n.ID)
		}
	}
	if known {
		imp.FullTimePersons = &ftp
	}
	imp.FullTimePersonsComplete = known && complete
	return imp
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
