package model

import (
	"context"
	"errors"

	"github.com/bif-kk/orggraph/internal/domain"
)

// Impact is what a node reaches, and why. Node fields hold IDs, read
// through the NodesReader in the request's context (TargetGroups,
// Interventions, Benefits, Items), for an Impact and a CombinedImpact alike.
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

// NodesReader reads the nodes with ids, in the order given, leaving out any
// the store does not hold. Package graph puts one in each request's
// context, over the request's node loader.
type NodesReader func(ctx context.Context, ids []domain.ID) ([]*domain.Node, error)

type nodesReaderKey struct{}

// WithNodesReader returns ctx carrying r, for the node fields of Impact.
func WithNodesReader(ctx context.Context, r NodesReader) context.Context {
	return context.WithValue(ctx, nodesReaderKey{}, r)
}

var errNoNodesReader = errors.New("model: no nodes reader in the request's context")

func readNodes(ctx context.Context, ids []domain.ID) ([]*domain.Node, error) {
	read, ok := ctx.Value(nodesReaderKey{}).(NodesReader)
	if !ok {
		return nil, errNoNodesReader
	}
	return read(ctx, ids)
}

// readAs reads the nodes with ids as the object type T, which wrap makes.
func readAs[T any](ctx context.Context, ids []domain.ID, wrap func(Base) *T) ([]*T, error) {
	ns, err := readNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*T, len(ns))
	for i, n := range ns {
		out[i] = wrap(Base{n})
	}
	return out, nil
}

// TargetGroups lists the target groups the impact reaches.
func (i Impact) TargetGroups(ctx context.Context) ([]*TargetGroup, error) {
	return readAs(ctx, i.TargetGroupIDs, func(b Base) *TargetGroup { return &TargetGroup{b} })
}

// Interventions lists the interventions the impact reaches.
func (i Impact) Interventions(ctx context.Context) ([]*Intervention, error) {
	return readAs(ctx, i.InterventionIDs, func(b Base) *Intervention { return &Intervention{b} })
}

// Benefits lists the benefits the impact reaches.
func (i Impact) Benefits(ctx context.Context) ([]*Benefit, error) {
	return readAs(ctx, i.BenefitIDs, func(b Base) *Benefit { return &Benefit{b} })
}

// Items lists every node the impact reaches, each as its own object type.
func (i Impact) Items(ctx context.Context) ([]Node, error) {
	ns, err := readNodes(ctx, i.ItemIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Node, len(ns))
	for j, n := range ns {
		out[j] = Wrap(n)
	}
	return out, nil
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
