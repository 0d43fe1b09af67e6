package model

import "github.com/bif-kk/orggraph/internal/domain"

// CentreDependency is what a centre shares with one other centre. The other
// centre is loaded in package graph, as of the day the dependency was
// worked out for.
type CentreDependency struct {
	OtherID       domain.ID
	AsOf          *domain.Date
	Total         int
	TargetGroups  int
	Interventions int
	Partners      int
	BenefitFlows  int
	Shared        []*SharedItem
}

// SharedItem is one thing two centres share. Its node, target group and
// statement are resolved in package graph, which loads the nodes.
type SharedItem struct{ domain.Shared }

// Kind says what is shared.
func (s SharedItem) Kind() domain.SharedKind { return s.Shared.Kind }

// Basis is EXPLICIT when the source states every relationship that makes it so.
func (s SharedItem) Basis() domain.Basis {
	for _, r := range s.Rels {
		if r.Basis != domain.Explicit {
			return domain.Inferred
		}
	}
	return domain.Explicit
}

// Rationales says why each inferred relationship holds.
func (s SharedItem) Rationales() []string {
	out := []string{}
	for _, r := range s.Rels {
		if r.Basis != domain.Explicit && r.Rationale != "" {
			out = append(out, r.Rationale)
		}
	}
	return out
}

// DependencyMatrix is what every centre shares with every other.
type DependencyMatrix struct {
	AsOf    *domain.Date
	Centres []*Centre
	Rows    []*DependencyRow
}

// DependencyRow is one centre's row of the matrix.
type DependencyRow struct {
	Centre *Centre
	Cells  []*DependencyCell
}

// DependencyCell is what a row's centre shares with one other centre.
type DependencyCell struct {
	Centre        *Centre
	Total         int
	TargetGroups  int
	Interventions int
	Partners      int
	BenefitFlows  int
}
