package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/graph/readplan"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
	"github.com/bif-kk/orggraph/internal/store"
)

// ofKind serves the root lists: every node of a kind in seed order, which for
// centres is the org chart's.
func ofKind[T any, P nodeType[T]](ctx context.Context, kind domain.Kind) ([]*T, error) {
	ns, err := readRoots(ctx, store.Roots{By: store.ByKind, Kind: kind}, kind)
	if err != nil {
		return nil, err
	}
	return wrapAll[T, P](ns), nil
}

// onlyOne serves root fields for the one node of a kind (BIF, its budget).
func onlyOne[T any, P nodeType[T]](ctx context.Context, kind domain.Kind) (*T, error) {
	all, err := ofKind[T, P](ctx, kind)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("graph: no %s in the store: %w", kind, domain.ErrNotFound)
	}
	return all[0], nil
}

// byCode finds a node of a kind by code, ignoring case; null when none
// matches. The lists its selection reads are read with it (readRoots).
func byCode[T any, P nodeType[T]](ctx context.Context, kind domain.Kind, code string) (*T, error) {
	ns, err := readRoots(ctx, store.Roots{By: store.ByCode, Kind: kind, Code: code}, kind)
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	return wrapOne[T, P](ns[0]), nil
}

// readRoots reads a root field's nodes, of kind, and, in the same store
// call, the tree of links its selection reads below them (readplan.Below):
// one Cypher statement on Neo4j, however deep. Each level lands in the
// request's cache, where the list fields' resolvers find it. A selection
// of no lists reads every node of a kind through the loaders, once a
// request.
func readRoots(ctx context.Context, roots store.Roots, kind domain.Kind) ([]*domain.Node, error) {
	steps := readplan.Below(ctx, kind)
	if len(steps) == 0 && roots.By == store.ByKind {
		return loadKind(ctx, kind)
	}
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	read, err := l.store.Expand(ctx, []store.Expansion{{Roots: roots, Steps: steps}})
	if err != nil {
		return nil, fmt.Errorf("graph: %s nodes: %w", kind, err)
	}
	ns := read[0].Roots
	if roots.By == store.ByKind {
		l.kinds.Prime(kind, ns)
	}
	for _, n := range ns {
		l.nodes.Prime(n.ID, n)
	}
	l.primeTree(ns, steps, read[0])
	return ns, nil
}

// reformChangesReaching lists the reform items whose impact reaches the
// centre, in seed order. Every item's impact is worked out once per request,
// however many centres ask.
func reformChangesReaching(ctx context.Context, centre domain.ID) ([]*model.ReformChange, error) {
	changes, err := loadKind(ctx, domain.KindReformChange)
	if err != nil {
		return nil, err
	}
	impacts, err := loadImpacts(ctx, mapped(changes, func(c *domain.Node) domain.ID { return c.ID }))
	if err != nil {
		return nil, err
	}
	var out []*model.ReformChange
	for i, imp := range impacts {
		if slices.ContainsFunc(imp.Centres, func(c planner.AffectedCentre) bool { return c.Centre == centre }) {
			out = append(out, &model.ReformChange{Base: model.Base{Node: changes[i]}})
		}
	}
	return out, nil
}

// newImpact converts the planner's answer; its nodes are loaded by the
// Impact resolvers as they are selected.
func newImpact(imp *planner.Impact) *model.Impact {
	centres := make([]*model.AffectedCentre, len(imp.Centres))
	for i, c := range imp.Centres {
		centres[i] = &model.AffectedCentre{CentreID: c.Centre, Basis: c.Basis, Paths: model.NewPaths(c.Paths)}
	}
	out := &model.Impact{
		SubjectID:               imp.Subject,
		Centres:                 centres,
		TargetGroupIDs:          imp.TargetGroups,
		InterventionIDs:         imp.Interventions,
		BenefitIDs:              imp.Benefits,
		ItemIDs:                 imp.Items,
		FullTimePersons:         imp.FullTimePersons,
		FullTimePersonsComplete: imp.FullTimePersonsComplete,
		CentreFullTimePersons:   imp.CentreFullTimePersons,
		CentreEmployees:         imp.CentreEmployees,
	}
	if imp.CentreBudget != nil {
		out.CentreBudget = model.NewMoney(*imp.CentreBudget)
	}
	return out
}

// combinedImpact works out what ids reach together.
func combinedImpact(ctx context.Context, st planner.Reader, ids []domain.ID) (*model.CombinedImpact, error) {
	imp, err := planner.ImpactOfAll(ctx, st, ids)
	if err != nil {
		return nil, notFoundAmong(ctx, ids, err)
	}
	if l, err := loadersFrom(ctx); err == nil {
		primeImpact(l, imp)
	}
	return &model.CombinedImpact{SubjectIDs: ids, Impact: *newImpact(imp)}, nil
}

// notFoundAmong rewrites a planner's domain.ErrNotFound, whose message names
// the store it asked, to name the first of ids that no node has; other
// errors pass as they are.
func notFoundAmong(ctx context.Context, ids []domain.ID, err error) error {
	if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	found, lerr := loadNodes(ctx, ids)
	if lerr != nil {
		return lerr
	}
	for _, id := range ids {
		if !slices.ContainsFunc(found, func(n *domain.Node) bool { return n.ID == id }) {
			return fmt.Errorf("%w: no node has id %q", domain.ErrNotFound, id)
		}
	}
	return err
}

// Query.paths's defaults, for a client that passes null explicitly.
const (
	defaultPathLength = 4
	defaultPathsFirst = 10
)

// pathsBetween runs the planner's paths between two nodes.
func pathsBetween(ctx context.Context, st planner.Reader, from, to domain.ID, maxLength, first *int) ([]*model.Path, error) {
	maxLen, n := defaultPathLength, defaultPathsFirst
	if maxLength != nil {
		maxLen = *maxLength
	}
	if first != nil {
		n = *first
	}
	paths, err := planner.Paths(ctx, st, from, to, maxLen, n)
	if err != nil {
		return nil, notFoundAmong(ctx, []domain.ID{from, to}, err)
	}
	return model.NewPaths(paths), nil
}

// centresOn lists the centres that exist on day asOf (all when nil), each
// read as of that day.
func centresOn(ctx context.Context, asOf *domain.Date) ([]*model.Centre, error) {
	ns, err := readRoots(ctx, store.Roots{By: store.ByKind, Kind: domain.KindCentre}, domain.KindCentre)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Centre, 0, len(ns))
	for _, n := range ns {
		if asOf == nil || domain.ValidOn(*asOf, n.ValidFrom, n.ValidTo) {
			out = append(out, &model.Centre{Base: model.Base{Node: n}, AsOf: asOf})
		}
	}
	return out, nil
}

// centreOn finds a centre by code, read as of day asOf; null when none
// matches or, with asOf, when it does not exist that day.
func centreOn(ctx context.Context, code string, asOf *domain.Date) (*model.Centre, error) {
	c, err := byCode[model.Centre](ctx, domain.KindCentre, code)
	if err != nil || c == nil {
		return nil, err
	}
	if asOf != nil && !domain.ValidOn(*asOf, c.Node.ValidFrom, c.Node.ValidTo) {
		return nil, nil
	}
	c.AsOf = asOf
	return c, nil
}

// mapped is f of each of xs, in order.
func mapped[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// orEmpty is p, or a new zero T where p is nil: an argument left out, as
// an input object that sets nothing.
func orEmpty[T any](p *T) *T {
	if p == nil {
		return new(T)
	}
	return p
}

// wrappedAll loads the nodes with ids as GraphQL Nodes, in the order given.
func wrappedAll(ctx context.Context, ids []domain.ID) ([]model.Node, error) {
	ns, err := loadNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	return wrapNodes(ns), nil
}

// effectiveIn keeps the reform items whose effective date lies in [from, to].
func effectiveIn(changes []*model.ReformChange, from, to *domain.Date) []*model.ReformChange {
	return slices.DeleteFunc(changes, func(c *model.ReformChange) bool { return !effectiveBetween(c.Node, from, to) })
}

// effectiveBetween reports whether a reform item's effective date lies in
// [from, to]. Undated items belong to the answer only when neither bound is
// given.
func effectiveBetween(n *domain.Node, from, to *domain.Date) bool {
	if n.EffectiveDate == nil {
		return from == nil && to == nil
	}
	return n.EffectiveDate.InRange(from, to)
}

// byDate orders a reform's phases by effective date.
func byDate(phases []*model.ReformPhase) []*model.ReformPhase {
	slices.SortStableFunc(phases, func(a, b *model.ReformPhase) int {
		return strings.Compare(string(a.EffectiveDate()), string(b.EffectiveDate()))
	})
	return phases
}

// defaultSearchFirst is search's first when a client passes null explicitly.
const defaultSearchFirst = 10

// searchHits runs the planner's search and primes the request's cache with
// the nodes found.
func searchHits(ctx context.Context, st planner.Reader, text string, first *int) ([]*model.SearchHit, error) {
	n := defaultSearchFirst
	if first != nil {
		n = *first
	}
	hits, err := planner.Search(ctx, st, text, n)
	if err != nil {
		return nil, err
	}
	ns := make([]*domain.Node, len(hits))
	out := make([]*model.SearchHit, len(hits))
	for i, h := range hits {
		ns[i] = h.Node
		out[i] = &model.SearchHit{Node: model.Wrap(h.Node), Score: h.Score}
	}
	primeNodes(ctx, ns)
	return out, nil
}
