package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

// pageArgs are a connection's paging arguments, as the client gave them.
type pageArgs struct {
	first, last   *int
	after, before *string
}

// window is the part [start, end) of a list of n items that a asks for;
// indexOf finds the item a cursor's key names (-1 for none). As the Relay
// spec says: after and before narrow the list, then first keeps the start
// of what is left and last its end. Without first or last, first is
// defaultPageSize.
func (a pageArgs) window(n int, indexOf func(key string) int) (start, end int, err error) {
	for _, c := range []struct {
		name string
		v    *int
	}{{"first", a.first}, {"last", a.last}} {
		if c.v != nil && (*c.v < 1 || *c.v > maxPageSize) {
			return 0, 0, fmt.Errorf("%w: %s must be between 1 and %d", domain.ErrInvalidInput, c.name, maxPageSize)
		}
	}
	at := func(name string, c *string) (int, error) {
		key, err := decodeCursor(name, *c)
		if err != nil {
			return 0, err
		}
		i := indexOf(key)
		if i < 0 {
			return 0, fmt.Errorf("%w: %s: the cursor points at no item of this list", domain.ErrInvalidInput, name)
		}
		return i, nil
	}
	start, end = 0, n
	if a.after != nil {
		i, err := at("after", a.after)
		if err != nil {
			return 0, 0, err
		}
		start = i + 1
	}
	if a.before != nil {
		i, err := at("before", a.before)
		if err != nil {
			return 0, 0, err
		}
		end = max(i, start)
	}
	first := a.first
	if first == nil && a.last == nil {
		first = new(defaultPageSize)
	}
	if first != nil && end-start > *first {
		end = start + *first
	}
	if a.last != nil && end-start > *a.last {
		start = end - *a.last
	}
	return start, end, nil
}

// pageOf cuts the page a asks for out of items, each named in cursors by
// key, and says where it lies: hasPreviousPage and hasNextPage are exact,
// whichever way the client pages.
func pageOf[E any](items []E, key func(E) string, a pageArgs) ([]E, []string, *model.PageInfo, error) {
	start, end, err := a.window(len(items), func(k string) int {
		return slices.IndexFunc(items, func(e E) bool { return key(e) == k })
	})
	if err != nil {
		return nil, nil, nil, err
	}
	cursors := make([]string, end-start)
	for i, e := range items[start:end] {
		cursors[i] = encodeCursor(key(e))
	}
	info := &model.PageInfo{HasPreviousPage: start > 0, HasNextPage: end < len(items)}
	if len(cursors) > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return items[start:end], cursors, info, nil
}

func nodeKey(n *domain.Node) string { return string(n.ID) }

// linkCursorKey names a link among a node's links: the relationship and
// which end the node is.
func linkCursorKey(l *model.Link) string { return fmt.Sprintf("%s|%d", l.Rel.Key(), l.Dir) }

// aggregateOf sums the numeric facts of ns, read off their figures as a
// centre's employees, budget and full-time persons are.
func aggregateOf(ns []*domain.Node) *model.ConnectionAggregate {
	fact := func(m domain.Measure) *model.FactAggregate {
		out := &model.FactAggregate{}
		var sum, lo, hi float64
		for _, n := range ns {
			f, ok := n.Figure(m)
			if !ok {
				continue
			}
			if out.Count == 0 || f.Value < lo {
				lo = f.Value
			}
			if out.Count == 0 || f.Value > hi {
				hi = f.Value
			}
			sum += f.Value
			out.Count++
		}
		if out.Count > 0 {
			out.Sum, out.Min, out.Max, out.Avg = new(sum), new(lo), new(hi), new(sum/float64(out.Count))
		}
		return out
	}
	return &model.ConnectionAggregate{
		Count:           len(ns),
		Employees:       fact(domain.MeasureEmployees),
		Budget:          fact(domain.MeasureBudget),
		FullTimePersons: fact(domain.MeasureFullTimePersons),
	}
}

// danish compares names as a Danish reader expects: æ, ø, å after z, case
// ignored. A collator is not safe for concurrent use, hence the pool.
var danish = sync.Pool{New: func() any { return collate.New(language.Danish, collate.IgnoreCase) }}

func compareDanish(a, b string) int {
	c := danish.Get().(*collate.Collator)
	defer danish.Put(c)
	return c.CompareString(a, b)
}

// orderKey compares two items by one key; a missing value (ok false) sorts
// after every present one, whichever the direction.
type orderKey[E any] struct {
	desc    bool
	compare func(a, b E) (int, bool, bool) // the order of a and b, and whether each has the value
}

// sortBy returns items sorted by keys, the first deciding, ties in the
// order items came in; items itself is left alone (it may be a loader's).
func sortBy[E any](items []E, keys []orderKey[E]) []E {
	out := slices.Clone(items)
	if len(keys) == 0 {
		return out
	}
	slices.SortStableFunc(out, func(a, b E) int {
		for _, k := range keys {
			c, hasA, hasB := k.compare(a, b)
			switch {
			case !hasA && !hasB:
				continue
			case !hasA:
				return 1
			case !hasB:
				return -1
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

// present compares two values that may be missing.
func present[V any](a, b *V, compare func(a, b V) int) (int, bool, bool) {
	if a == nil || b == nil {
		return 0, a != nil, b != nil
	}
	return compare(*a, *b), true, true
}

func figureOf(n *domain.Node, m domain.Measure) *float64 {
	if f, ok := n.Figure(m); ok {
		return &f.Value
	}
	return nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func compareDates(a, b domain.Date) int { return cmp.Compare(string(a), string(b)) }

// nodeCompare compares two nodes by one order field.
func nodeCompare(field model.NodeOrderField) func(a, b *domain.Node) (int, bool, bool) {
	switch field {
	case model.NodeOrderFieldName:
		return func(a, b *domain.Node) (int, bool, bool) { return compareDanish(a.Name, b.Name), true, true }
	case model.NodeOrderFieldCode:
		return func(a, b *domain.Node) (int, bool, bool) {
			return present(nonEmpty(a.Code), nonEmpty(b.Code), compareDanish)
		}
	case model.NodeOrderFieldEmployees, model.NodeOrderFieldBudget, model.NodeOrderFieldFullTimePersons:
		m := map[model.NodeOrderField]domain.Measure{
			model.NodeOrderFieldEmployees:       domain.MeasureEmployees,
			model.NodeOrderFieldBudget:          domain.MeasureBudget,
			model.NodeOrderFieldFullTimePersons: domain.MeasureFullTimePersons,
		}[field]
		return func(a, b *domain.Node) (int, bool, bool) {
			return present(figureOf(a, m), figureOf(b, m), cmp.Compare[float64])
		}
	case model.NodeOrderFieldEffectiveDate:
		return func(a, b *domain.Node) (int, bool, bool) {
			return present(a.EffectiveDate, b.EffectiveDate, compareDates)
		}
	case model.NodeOrderFieldValidFrom:
		return func(a, b *domain.Node) (int, bool, bool) { return present(a.ValidFrom, b.ValidFrom, compareDates) }
	}
	// DOCUMENT
	return func(a, b *domain.Node) (int, bool, bool) { return cmp.Compare(a.Order, b.Order), true, true }
}

// orderNodes sorts ns as orderBy says; document order without it.
func orderNodes(ns []*domain.Node, orderBy []*model.NodeOrder) []*domain.Node {
	return orderNodesBy(ns, orderBy, func(n *domain.Node) *domain.Node { return n })
}

// orderNodesBy sorts items by the nodes they carry.
func orderNodesBy[E any](items []E, orderBy []*model.NodeOrder, node func(E) *domain.Node) []E {
	keys := make([]orderKey[E], len(orderBy))
	for i, o := range orderBy {
		c := nodeCompare(o.Field)
		keys[i] = orderKey[E]{desc: descending(o.Direction), compare: func(a, b E) (int, bool, bool) { return c(node(a), node(b)) }}
	}
	return sortBy(items, keys)
}

func descending(d *model.OrderDirection) bool { return d != nil && *d == model.OrderDirectionDesc }

// orderLinks sorts links as orderBy says; seed order without it.
func orderLinks(links []*model.Link, far map[domain.ID]*domain.Node, orderBy []*model.LinkOrder) []*model.Link {
	keys := make([]orderKey[*model.Link], len(orderBy))
	for i, o := range orderBy {
		var c func(a, b *model.Link) (int, bool, bool)
		switch o.Field {
		case model.LinkOrderFieldRelationship:
			c = func(a, b *model.Link) (int, bool, bool) {
				return cmp.Compare(a.Rel.Kind, b.Rel.Kind), true, true
			}
		case model.LinkOrderFieldBasis:
			c = func(a, b *model.Link) (int, bool, bool) {
				return cmp.Compare(basisRank(a.Rel.Basis), basisRank(b.Rel.Basis)), true, true
			}
		case model.LinkOrderFieldName:
			c = func(a, b *model.Link) (int, bool, bool) {
				na, nb := far[a.Other], far[b.Other]
				if na == nil || nb == nil {
					return 0, na != nil, nb != nil
				}
				return compareDanish(na.Name, nb.Name), true, true
			}
		case model.LinkOrderFieldValidFrom:
			c = func(a, b *model.Link) (int, bool, bool) {
				return present(a.Rel.ValidFrom, b.Rel.ValidFrom, compareDates)
			}
		default: // DOCUMENT
			c = func(a, b *model.Link) (int, bool, bool) { return cmp.Compare(a.Rel.Seq, b.Rel.Seq), true, true }
		}
		keys[i] = orderKey[*model.Link]{desc: descending(o.Direction), compare: c}
	}
	return sortBy(links, keys)
}

// kindNamed reads a filter's kind, a GraphQL type name; nil for none.
func kindNamed(name *string) (*domain.Kind, error) {
	if name == nil {
		return nil, nil
	}
	k := nodeKind(*name)
	if k == "" {
		return nil, fmt.Errorf("%w: kind: no node type is named %q", domain.ErrInvalidInput, *name)
	}
	return &k, nil
}

// nodesPage is page after ordering: what every node connection does with
// its filtered list.
func nodesPage[T any, P nodeType[T]](ns []*domain.Node, a pageArgs, orderBy []*model.NodeOrder) (*model.Connection[T], error) {
	return page[T, P](orderNodes(ns, orderBy), a)
}

// linksPage pages a node's links, narrowed by relationship, direction and
// filter and sorted by orderBy.
func linksPage(ctx context.Context, n *domain.Node, relationship *domain.RelKind, direction *domain.Direction, a pageArgs, orderBy []*model.LinkOrder, filter *model.LinkFilter) (*model.Connection[model.Link], error) {
	if filter == nil {
		filter = &model.LinkFilter{}
	}
	terms, err := filterTerms(filter.Text)
	if err != nil {
		return nil, err
	}
	kind, err := kindNamed(filter.Kind)
	if err != nil {
		return nil, err
	}
	links, err := nodeLinks(ctx, n, relationship, direction)
	if err != nil {
		return nil, err
	}
	plain := make([]domain.Link, len(links))
	for i, l := range links {
		plain[i] = l.Link
	}
	ends, err := farNodes(ctx, plain)
	if err != nil {
		return nil, err
	}
	far := make(map[domain.ID]*domain.Node, len(ends))
	for _, e := range ends {
		far[e.ID] = e
	}
	byText := nodeFilter{terms: terms}
	kept := make([]*model.Link, 0, len(links))
	keptEnds := make([]*domain.Node, 0, len(links))
	for _, l := range links {
		end := far[l.Other]
		switch {
		case end == nil:
		case filter.Basis != nil && l.Rel.Basis != *filter.Basis:
		case kind != nil && end.Kind != *kind:
		case filter.AsOf != nil && !planner.LinkHoldsOn(*filter.AsOf, l.Rel, end):
		case !byText.keeps(end):
		default:
			kept = append(kept, l)
			keptEnds = append(keptEnds, end)
		}
	}
	items, cursors, info, err := pageOf(orderLinks(kept, far, orderBy), linkCursorKey, a)
	if err != nil {
		return nil, err
	}
	conn := &model.Connection[model.Link]{Edges: make([]*model.Edge[model.Link], len(items)), PageInfo: info, TotalCount: len(kept), Aggregate: aggregateOf(keptEnds)}
	for i, l := range items {
		conn.Edges[i] = &model.Edge[model.Link]{Cursor: cursors[i], Node: l}
	}
	return conn, nil
}

// searchPage pages the best hits of a search.
func searchPage(ctx context.Context, r *Resolver, text string, a pageArgs, orderBy []*model.NodeOrder, filter *model.SearchFilter) (*model.SearchConnection, error) {
	var kind *domain.Kind
	if filter != nil {
		k, err := kindNamed(filter.Kind)
		if err != nil {
			return nil, err
		}
		kind = k
	}
	hits, err := searchHits(ctx, r.store, text, new(maxSearchConnection))
	if err != nil {
		return nil, err
	}
	if kind != nil {
		hits = slices.DeleteFunc(hits, func(h *model.SearchHit) bool { return h.Node.Unwrap().Kind != *kind })
	}
	hits = orderNodesBy(hits, orderBy, func(h *model.SearchHit) *domain.Node { return h.Node.Unwrap() })
	items, cursors, info, err := pageOf(hits, func(h *model.SearchHit) string { return string(h.Node.Unwrap().ID) }, a)
	if err != nil {
		return nil, err
	}
	ns := make([]*domain.Node, len(hits))
	for i, h := range hits {
		ns[i] = h.Node.Unwrap()
	}
	conn := &model.SearchConnection{Edges: make([]*model.SearchEdge, len(items)), PageInfo: info, TotalCount: len(hits), Aggregate: aggregateOf(ns)}
	for i, h := range items {
		conn.Edges[i] = &model.SearchEdge{Cursor: cursors[i], Node: h.Node, Score: h.Score}
	}
	return conn, nil
}

// maxSearchConnection is how many of the best hits searchConnection pages through.
const maxSearchConnection = 100

// maxNodesIDs bounds nodes(ids:).
const maxNodesIDs = 100

// nodesByID answers nodes(ids:) through node(id:), each id as node(id:)
// reads it, concurrently so that the loaders batch them: one store call.
func nodesByID(ctx context.Context, one func(context.Context, domain.ID) (model.Node, error), ids []domain.ID) ([]model.Node, error) {
	if len(ids) > maxNodesIDs {
		return nil, fmt.Errorf("%w: nodes takes at most %d ids", domain.ErrInvalidInput, maxNodesIDs)
	}
	out := make([]model.Node, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			// A panic here would end the process, not the request.
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("graph: nodes: %v", p)
				}
			}()
			out[i], errs[i] = one(ctx, id)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// centreList is the far ends of a centre's links of one kind and
// direction that hold on the day the connection's filter names, else on
// the day the centre reads on (every link when neither is given).
func centreList(ctx context.Context, c *model.Centre, kind domain.RelKind, dir domain.Direction, asOf *domain.Date) ([]*domain.Node, error) {
	return relatedNodes(ctx, c.Node.ID, kind, dir, c.ReadOn(asOf))
}

// basisRank puts EXPLICIT before INFERRED.
func basisRank(b domain.Basis) int {
	if b == domain.Explicit {
		return 0
	}
	return 1
}

func unitFilter(ctx context.Context, f *model.UnitFilter) (nodeFilter, error) {
	if f == nil {
		f = &model.UnitFilter{}
	}
	return centreFilter(ctx, f.Text, f.Centre, domain.RelHasUnit, domain.Outgoing, f.AsOf)
}

func transferFilter(f *model.TransferFilter) (nodeFilter, error) {
	if f == nil {
		return nodeFilter{}, nil
	}
	terms, err := filterTerms(f.Text)
	return nodeFilter{terms: terms, asOf: f.AsOf}, err
}
