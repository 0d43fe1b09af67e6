package graph

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
)

// Page sizes of the Relay connections.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// cursorPrefix versions the cursor format, so it can change without old
// cursors being misread.
const cursorPrefix = "v1:"

func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + key))
}

// decodeCursor reads the key a cursor given as the argument name holds.
func decodeCursor(name, c string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	key, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if err != nil || !ok || key == "" {
		return "", fmt.Errorf("%w: %s: %q is not a cursor this API gave", domain.ErrInvalidInput, name, c)
	}
	return key, nil
}

// page cuts the page a asks for out of the filtered, ordered list ns, as a
// connection of T (paging.go's pageOf), with the aggregate of all of ns. A
// cursor is resolved by its item's position in ns, so it must point at an
// item of this list.
func page[T any, P nodeType[T]](ns []*domain.Node, a pageArgs) (*model.Connection[T], error) {
	items, cursors, info, err := pageOf(ns, nodeKey, a)
	if err != nil {
		return nil, err
	}
	conn := &model.Connection[T]{
		Edges:      make([]*model.Edge[T], len(items)),
		PageInfo:   info,
		TotalCount: len(ns),
		Aggregate:  aggregateOf(ns),
	}
	for i, n := range items {
		conn.Edges[i] = &model.Edge[T]{Cursor: cursors[i], Node: wrapOne[T, P](n)}
	}
	return conn, nil
}

// nodeFilter is what a connection's filter asks of each node; the zero
// value keeps every node.
type nodeFilter struct {
	terms  []string                // every folded word in the node's search text
	asOf   *domain.Date            // the node exists on this day
	within map[domain.ID]bool      // the node is one of these (nil: any)
	keep   func(*domain.Node) bool // anything else the filter asks (nil: nothing)
}

// apply returns the nodes of ns that pass, in a new slice: ns may be a
// loader's cached list.
func (f nodeFilter) apply(ns []*domain.Node) []*domain.Node {
	out := make([]*domain.Node, 0, len(ns))
	for _, n := range ns {
		if f.keeps(n) {
			out = append(out, n)
		}
	}
	return out
}

// keeps reports whether n passes the filter.
func (f nodeFilter) keeps(n *domain.Node) bool {
	switch {
	case f.terms != nil && !search.TextOf(n).Matches(f.terms):
	case f.asOf != nil && !domain.ValidOn(*f.asOf, n.ValidFrom, n.ValidTo):
	case f.within != nil && !f.within[n.ID]:
	case f.keep != nil && !f.keep(n):
	default:
		return true
	}
	return false
}

// maxFilterText bounds a filter's text, as search bounds its own.
const maxFilterText = 200

// filterTerms folds a filter's text into the words every node must hold.
func filterTerms(text *string) ([]string, error) {
	if text == nil {
		return nil, nil
	}
	if len(*text) > maxFilterText {
		return nil, fmt.Errorf("%w: filter text is longer than %d bytes", domain.ErrInvalidInput, maxFilterText)
	}
	terms := search.Terms(*text)
	if len(terms) == 0 {
		return nil, fmt.Errorf("%w: filter text has no letters or digits", domain.ErrInvalidInput)
	}
	return terms, nil
}

// linkedToCentre is the set of nodes at the far end of the links of one
// kind and direction of the centre with code, on day asOf (every day when
// nil); nil when no code is given. An unknown code is invalid input.
func linkedToCentre(ctx context.Context, code *string, kind domain.RelKind, dir domain.Direction, asOf *domain.Date) (map[domain.ID]bool, error) {
	if code == nil {
		return nil, nil
	}
	centres, err := loadKind(ctx, domain.KindCentre)
	if err != nil {
		return nil, err
	}
	i := search.FindCode(mapped(centres, func(c *domain.Node) string { return c.Code }), *code)
	if i < 0 {
		return nil, fmt.Errorf("%w: no centre has code %q", domain.ErrInvalidInput, *code)
	}
	ns, err := relatedNodes(ctx, centres[i].ID, kind, dir, asOf)
	if err != nil {
		return nil, err
	}
	out := make(map[domain.ID]bool, len(ns))
	for _, n := range ns {
		out[n.ID] = true
	}
	return out, nil
}

// centreFilter builds the filter of a connection whose filter names a text,
// a centre (by code, through links of one kind and direction) and a day.
func centreFilter(ctx context.Context, text, code *string, kind domain.RelKind, dir domain.Direction, asOf *domain.Date) (nodeFilter, error) {
	terms, err := filterTerms(text)
	if err != nil {
		return nodeFilter{}, err
	}
	within, err := linkedToCentre(ctx, code, kind, dir, asOf)
	if err != nil {
		return nodeFilter{}, err
	}
	return nodeFilter{terms: terms, asOf: asOf, within: within}, nil
}

// interventionFilter narrows interventions, as the connections on Query and
// on Centre both need.
func interventionFilter(ctx context.Context, f *model.InterventionFilter, asOf *domain.Date) (nodeFilter, error) {
	f = orEmpty(f)
	if f.AsOf != nil {
		asOf = f.AsOf
	}
	nf, err := centreFilter(ctx, f.Text, f.DeliveredBy, domain.RelDelivers, domain.Outgoing, asOf)
	if err != nil || f.Audience == nil {
		return nf, err
	}
	audience := *f.Audience
	nf.keep = func(n *domain.Node) bool { return n.Audience == audience }
	return nf, nil
}

// reformChangeFilter narrows reform items by text, effective date and phase.
func reformChangeFilter(ctx context.Context, f *model.ReformChangeFilter) (nodeFilter, error) {
	f = orEmpty(f)
	if err := domain.CheckPeriod(f.From, f.To); err != nil {
		return nodeFilter{}, err
	}
	terms, err := filterTerms(f.Text)
	if err != nil {
		return nodeFilter{}, err
	}
	nf := nodeFilter{terms: terms, keep: func(n *domain.Node) bool { return effectiveBetween(n, f.From, f.To) }}
	if f.Phase != nil {
		kind, _, err := domain.ParseID(string(*f.Phase))
		if err != nil {
			return nodeFilter{}, err
		}
		phase, err := loadNode(ctx, *f.Phase)
		if err != nil {
			return nodeFilter{}, err
		}
		if kind != domain.KindReformPhase || phase == nil {
			return nodeFilter{}, fmt.Errorf("%w: no reform phase has id %q", domain.ErrInvalidInput, *f.Phase)
		}
		ns, err := relatedNodes(ctx, phase.ID, domain.RelIncludes, domain.Outgoing, nil)
		if err != nil {
			return nodeFilter{}, err
		}
		nf.within = make(map[domain.ID]bool, len(ns))
		for _, n := range ns {
			nf.within[n.ID] = true
		}
	}
	return nf, nil
}

func targetGroupFilter(ctx context.Context, f *model.TargetGroupFilter) (nodeFilter, error) {
	f = orEmpty(f)
	return centreFilter(ctx, f.Text, f.ServedBy, domain.RelServes, domain.Outgoing, f.AsOf)
}

func benefitFilter(ctx context.Context, f *model.BenefitFilter) (nodeFilter, error) {
	f = orEmpty(f)
	return centreFilter(ctx, f.Text, f.PaidBy, domain.RelPays, domain.Outgoing, f.AsOf)
}

func organisationFilter(ctx context.Context, f *model.OrganisationFilter) (nodeFilter, error) {
	f = orEmpty(f)
	return centreFilter(ctx, f.Text, f.WorksWith, domain.RelWorksWith, domain.Incoming, f.AsOf)
}
