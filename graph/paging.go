package graph

import (
	"bytes"
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
	cursors := mapped(items[start:end], func(e E) string { return encodeCursor(key(e)) })
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

// sortValue is what one order key sorts an item by, worked out once per
// item before sorting: a number, or bytes compared as bytes (a collation
// key, a date). A missing value (ok false) sorts after every present one,
// whichever the direction.
type sortValue struct {
	ok  bool
	num float64
	key []byte
}

func (a sortValue) compare(b sortValue) int {
	if c := cmp.Compare(a.num, b.num); c != 0 {
		return c
	}
	return bytes.Compare(a.key, b.key)
}

// orderKey is one key of an order: the value it reads off an item, and its
// direction.
type orderKey[E any] struct {
	desc  bool
	value func(E) sortValue
}

// sortBy returns items sorted by keys, the first deciding, ties in the
// order items came in; items itself is left alone (it may be a loader's).
// Each key's value is read once per item.
func sortBy[E any](items []E, keys []orderKey[E]) []E {
	out := slices.Clone(items)
	if len(keys) == 0 {
		return out
	}
	type row struct {
		item   E
		values []sortValue
	}
	rows := make([]row, len(items))
	for i, it := range items {
		rows[i] = row{item: it, values: make([]sortValue, len(keys))}
		for k, key := range keys {
			rows[i].values[k] = key.value(it)
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		for k, key := range keys {
			va, vb := a.values[k], b.values[k]
			switch {
			case !va.ok && !vb.ok:
				continue
			case !va.ok:
				return 1
			case !vb.ok:
				return -1
			}
			c := va.compare(vb)
			if key.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	for i, r := range rows {
		out[i] = r.item
	}
	return out
}

// collation makes sort values of names in the order a Danish reader
// expects (æ, ø, å after z), case ignored. A collator serves one sort.
type collation struct {
	c   *collate.Collator
	buf collate.Buffer
}

func newCollation() *collation {
	return &collation{c: collate.New(language.Danish, collate.IgnoreCase)}
}

// of is the sort value of s; "" is missing when optional.
func (c *collation) of(s string, optional bool) sortValue {
	if optional && s == "" {
		return sortValue{}
	}
	k := c.c.KeyFromString(&c.buf, s)
	return sortValue{ok: true, key: slices.Clone(k)}
}

func number(v float64) sortValue { return sortValue{ok: true, num: v} }

func dated(d *domain.Date) sortValue {
	if d == nil {
		return sortValue{}
	}
	return sortValue{ok: true, key: []byte(*d)}
}

func figured(n *domain.Node, m domain.Measure) sortValue {
	if f, ok := n.Figure(m); ok {
		return number(f.Value)
	}
	return sortValue{}
}

// nodeValue reads the value one order field sorts a node by.
func nodeValue(field model.NodeOrderField, names *collation) func(*domain.Node) sortValue {
	switch field {
	case model.NodeOrderFieldName:
		return func(n *domain.Node) sortValue { return names.of(n.Name, false) }
	case model.NodeOrderFieldCode:
		return func(n *domain.Node) sortValue { return names.of(n.Code, true) }
	case model.NodeOrderFieldEmployees:
		return func(n *domain.Node) sortValue { return figured(n, domain.MeasureEmployees) }
	case model.NodeOrderFieldBudget:
		return func(n *domain.Node) sortValue { return figured(n, domain.MeasureBudget) }
	case model.NodeOrderFieldFullTimePersons:
		return func(n *domain.Node) sortValue { return figured(n, domain.MeasureFullTimePersons) }
	case model.NodeOrderFieldEffectiveDate:
		return func(n *domain.Node) sortValue { return dated(n.EffectiveDate) }
	case model.NodeOrderFieldValidFrom:
		return func(n *domain.Node) sortValue { return dated(n.ValidFrom) }
	}
	return func(n *domain.Node) sortValue { return number(float64(n.Order)) } // DOCUMENT
}

// orderNodes sorts ns as orderBy says; document order without it.
func orderNodes(ns []*domain.Node, orderBy []*model.NodeOrder) []*domain.Node {
	return orderNodesBy(ns, orderBy, func(n *domain.Node) *domain.Node { return n })
}

// orderNodesBy sorts items by the nodes they carry.
func orderNodesBy[E any](items []E, orderBy []*model.NodeOrder, node func(E) *domain.Node) []E {
	names := newCollation()
	keys := make([]orderKey[E], len(orderBy))
	for i, o := range orderBy {
		v := nodeValue(o.Field, names)
		keys[i] = orderKey[E]{desc: descending(o.Direction), value: func(e E) sortValue { return v(node(e)) }}
	}
	return sortBy(items, keys)
}

func descending(d *model.OrderDirection) bool { return d != nil && *d == model.OrderDirectionDesc }

// orderLinks sorts links as orderBy says; seed order without it.
func orderLinks(links []*model.Link, far map[domain.ID]*domain.Node, orderBy []*model.LinkOrder) []*model.Link {
	names := newCollation()
	keys := make([]orderKey[*model.Link], len(orderBy))
	for i, o := range orderBy {
		var v func(*model.Link) sortValue
		switch o.Field {
		case model.LinkOrderFieldRelationship:
			v = func(l *model.Link) sortValue { return sortValue{ok: true, key: []byte(l.Rel.Kind)} }
		case model.LinkOrderFieldBasis:
			v = func(l *model.Link) sortValue { return number(float64(basisRank(l.Rel.Basis))) }
		case model.LinkOrderFieldName:
			v = func(l *model.Link) sortValue {
				if n := far[l.Other]; n != nil {
					return names.of(n.Name, false)
				}
				return sortValue{}
			}
		case model.LinkOrderFieldValidFrom:
			v = func(l *model.Link) sortValue { return dated(l.Rel.ValidFrom) }
		default: // DOCUMENT
			v = func(l *model.Link) sortValue { return number(float64(l.Rel.Seq)) }
		}
		keys[i] = orderKey[*model.Link]{desc: descending(o.Direction), value: v}
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

// noLinksPage is the page of a Node that takes part in no relationship (a
// scenario): empty, though its arguments are checked as any page's.
func noLinksPage(a pageArgs) (*model.Connection[model.Link], error) {
	_, _, info, err := pageOf([]*model.Link{}, linkCursorKey, a)
	if err != nil {
		return nil, err
	}
	return &model.Connection[model.Link]{Edges: []*model.Edge[model.Link]{}, PageInfo: info, Aggregate: aggregateOf(nil)}, nil
}

// pagedLinks is linksPage as a model.LinksPager.
func pagedLinks(ctx context.Context, n *domain.Node, relationship *domain.RelKind, direction *domain.Direction, first *int, after *string, last *int, before *string, orderBy []*model.LinkOrder, filter *model.LinkFilter) (*model.Connection[model.Link], error) {
	return linksPage(ctx, n, relationship, direction, pageArgs{first, last, after, before}, orderBy, filter)
}

// linksPage pages a node's links, narrowed by relationship, direction and
// filter and sorted by orderBy.
func linksPage(ctx context.Context, n *domain.Node, relationship *domain.RelKind, direction *domain.Direction, a pageArgs, orderBy []*model.LinkOrder, filter *model.LinkFilter) (*model.Connection[model.Link], error) {
	filter = orEmpty(filter)
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
	ends, err := farNodes(ctx, mapped(links, func(l *model.Link) domain.Link { return l.Link }))
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

// A nodeList reads the nodes a connection pages through: those that hold
// on asOf, where the list knows days and asOf is given.
type nodeList func(ctx context.Context, asOf *domain.Date) ([]*domain.Node, error)

// kindList reads every node of kind.
func kindList(kind domain.Kind) nodeList {
	return func(ctx context.Context, _ *domain.Date) ([]*domain.Node, error) { return loadKind(ctx, kind) }
}

// linkedList reads the far ends of id's links of one kind and direction.
func linkedList(id domain.ID, kind domain.RelKind, dir domain.Direction) nodeList {
	return func(ctx context.Context, asOf *domain.Date) ([]*domain.Node, error) {
		return relatedNodes(ctx, id, kind, dir, asOf)
	}
}

// centreList reads the far ends of a centre's links of one kind and
// direction, as of the day the centre is seen on unless asOf names another.
func centreList(c *model.Centre, kind domain.RelKind, dir domain.Direction) nodeList {
	return func(ctx context.Context, asOf *domain.Date) ([]*domain.Node, error) {
		return relatedNodes(ctx, c.Node.ID, kind, dir, c.ReadOn(asOf))
	}
}

// filteredPage is a page of the nodes list reads that pass the filter
// build makes of a client's filter. The filter is built first: one the
// client got wrong is refused before the list is read, and the day it
// names is the day the list is read on.
func filteredPage[T any, P nodeType[T], F any](ctx context.Context, list nodeList, filter F, build func(context.Context, F) (nodeFilter, error), a pageArgs, orderBy []*model.NodeOrder) (*model.Connection[T], error) {
	f, err := build(ctx, filter)
	if err != nil {
		return nil, err
	}
	ns, err := list(ctx, f.asOf)
	if err != nil {
		return nil, err
	}
	return nodesPage[T, P](f.apply(ns), a, orderBy)
}

// basisRank puts EXPLICIT before INFERRED.
func basisRank(b domain.Basis) int {
	if b == domain.Explicit {
		return 0
	}
	return 1
}

func unitFilter(ctx context.Context, f *model.UnitFilter) (nodeFilter, error) {
	f = orEmpty(f)
	return centreFilter(ctx, f.Text, f.Centre, domain.RelHasUnit, domain.Outgoing, f.AsOf)
}

func transferFilter(_ context.Context, f *model.TransferFilter) (nodeFilter, error) {
	if f == nil {
		return nodeFilter{}, nil
	}
	terms, err := filterTerms(f.Text)
	return nodeFilter{terms: terms, asOf: f.AsOf}, err
}
