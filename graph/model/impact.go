package model

import "github.com/bif-kk/orggraph/internal/domain"

// Impact is what a node reaches, and why. Node fields hold IDs, resolved in
// package graph through the node loader.
type Impact struct {
	SubjectID       domain.ID
	Centres         []*AffectedCentre
	TargetGroupIDs  []domain.ID
	InterventionIDs []domain.ID
	BenefitIDs      []domain.ID
	ItemIDs         []domain.ID
	FullTimePersons *int
	// FullTimePersonsComplete: every target group reached has a figure.
	FullTimePersonsComplete bool
	// The centres reached, each counted once.
	CentreFullTimePersons *int
	CentreEmployees       *int
	CentreBudget          *Money
}

// CombinedImpact is what several nodes reach together; its aggregates are
// an Impact's, over the union of their items.
type CombinedImpact struct {
	SubjectIDs []domain.ID
	Impact
}

// AffectedCentre is a centre an impact reaches, with the paths that lead there.
type AffectedCentre struct {
	CentreID domain.ID
	Basis    domain.Basis
	Paths    []*Path
}

// Path is a walk from the subject to a centre.
type Path struct{ domain.Path }

// NewPaths wraps domain paths.
func NewPaths(ps []domain.Path) []*Path {
	out := make([]*Path, len(ps))
	for i, p := range ps {
		out[i] = &Path{p}
	}
	return out
}

// Steps lists the path's steps, from the subject on.
func (p Path) Steps() []*PathStep {
	out := make([]*PathStep, len(p.Path.Steps))
	for i, s := range p.Path.Steps {
		out[i] = &PathStep{s}
	}
	return out
}

// PathStep is one relationship walked by a path.
type PathStep struct{ domain.Step }

// Relationship is the walked relationship's kind.
func (s PathStep) Relationship() string { return string(s.Rel.Kind) }

// Basis says whether the source states the relationship.
func (s PathStep) Basis() domain.Basis { return s.Rel.Basis }

// Rationale says why an inferred relationship holds.
func (s PathStep) Rationale() *string { return optional(s.Rel.Rationale) }

// Note says what the relationship is about.
func (s PathStep) Note() *string { return optional(s.Rel.Note) }

// Sources says where the relationship comes from.
func (s PathStep) Sources() []*Source { return NewSources(s.Rel.Sources) }

// SearchHit is one ranked search result.
type SearchHit struct {
	Node  Node
	Score float64
}
