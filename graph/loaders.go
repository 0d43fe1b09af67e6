package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
	"github.com/bif-kk/orggraph/internal/scenario"
	"github.com/bif-kk/orggraph/internal/store"
)

// linkKey asks for one node's links of one kind in one direction.
type linkKey struct {
	ID   domain.ID
	Kind domain.RelKind
	Dir  domain.Direction
}

// loaders batch and cache one request's lookups: every resolver below the
// root reads through them, so a selection over many nodes costs one store
// call per field, not one per node.
type loaders struct {
	kinds        *dataloadgen.Loader[domain.Kind, []*domain.Node]
	nodes        *dataloadgen.Loader[domain.ID, *domain.Node]
	links        *dataloadgen.Loader[linkKey, []domain.Link]
	impacts      *dataloadgen.Loader[domain.ID, *planner.Impact]
	dependencies *dataloadgen.Loader[depKey, []planner.Dependency]
	changes      *dataloadgen.Loader[changeKey, []planner.Change]
	// store is what the request reads, the baseline or a scenario's graph
	// (loaderSet.in): the root fields' trees (readRoots), the planner's
	// questions (readStore).
	store store.Store
}

func newLoaders(st store.Store, wait time.Duration) *loaders {
	opt := dataloadgen.WithWait(wait)
	l := &loaders{
		store:   st,
		kinds:   dataloadgen.NewMappedLoader(whileOpen(fetchKinds(st)), opt),
		nodes:   dataloadgen.NewMappedLoader(whileOpen(fetchNodes(st)), opt),
		impacts: dataloadgen.NewMappedLoader(whileOpen(fetchImpacts(st)), opt),
		changes: dataloadgen.NewMappedLoader(whileOpen(fetchChanges(st)), opt),
	}
	l.links = dataloadgen.NewMappedLoader(whileOpen(fetchLinks(st)), opt)
	l.dependencies = dataloadgen.NewMappedLoader(whileOpen(fetchDependencies(st, l.primeDependencies)), opt)
	return l
}

// whileOpen calls fetch only while the request is open: a batch whose wait
// ends after the request's deadline, or after the answer ceiling stopped
// the operation, reads nothing.
func whileOpen[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error)) func(context.Context, []K) (map[K]V, error) {
	return func(ctx context.Context, keys []K) (map[K]V, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return fetch(ctx, keys)
	}
}

// fetchKinds reads every node of each kind asked for, one call per kind:
// the store has no batch for it, and a request asks for few kinds.
func fetchKinds(st store.NodeReader) func(context.Context, []domain.Kind) (map[domain.Kind][]*domain.Node, error) {
	return func(ctx context.Context, kinds []domain.Kind) (map[domain.Kind][]*domain.Node, error) {
		out := make(map[domain.Kind][]*domain.Node, len(kinds))
		for _, k := range kinds {
			ns, err := st.NodesByKind(ctx, k)
			if err != nil {
				return nil, fmt.Errorf("graph: %s nodes: %w", k, err)
			}
			out[k] = ns
		}
		return out, nil
	}
}

// fetchNodes reads a batch of nodes in one call. An unknown id maps to nil,
// so that node(id:) can answer null instead of failing.
func fetchNodes(st store.NodeReader) func(context.Context, []domain.ID) (map[domain.ID]*domain.Node, error) {
	return func(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
		found, err := st.NodesByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[domain.ID]*domain.Node, len(ids))
		for _, id := range ids {
			out[id] = found[id]
		}
		return out, nil
	}
}

// fetchLinks groups the batch by (kind, direction) and reads every group in
// one store call: an expansion of one step from each group's ids.
func fetchLinks(st store.Expander) func(context.Context, []linkKey) (map[linkKey][]domain.Link, error) {
	return func(ctx context.Context, keys []linkKey) (map[linkKey][]domain.Link, error) {
		groups := make(map[store.LinkQuery][]domain.ID)
		for _, k := range keys {
			q := store.LinkQuery{Kind: k.Kind, Dir: k.Dir}
			groups[q] = append(groups[q], k.ID)
		}
		qs := make([]store.LinkQuery, 0, len(groups))
		xs := make([]store.Expansion, 0, len(groups))
		for q, ids := range groups {
			qs = append(qs, q)
			xs = append(xs, store.Expansion{Roots: store.Roots{By: store.ByIDs, IDs: ids}, Steps: []store.Step{{Q: q}}})
		}
		read, err := st.Expand(ctx, xs)
		if err != nil {
			return nil, err
		}
		found := make(map[store.LinkQuery]map[domain.ID][]domain.Link, len(qs))
		for i, q := range qs {
			found[q] = read[i].Links[q]
		}
		out := make(map[linkKey][]domain.Link, len(keys))
		for _, k := range keys {
			out[k] = found[store.LinkQuery{Kind: k.Kind, Dir: k.Dir}][k.ID]
		}
		return out, nil
	}
}

// fetchImpacts works out a batch of impacts with one traversal call. When
// that fails for a bad id, each id is asked alone, so the error belongs to
// its own key and the others still answer.
func fetchImpacts(st planner.Reader) func(context.Context, []domain.ID) (map[domain.ID]*planner.Impact, error) {
	return func(ctx context.Context, ids []domain.ID) (map[domain.ID]*planner.Impact, error) {
		all, err := planner.ImpactOfMany(ctx, st, ids)
		if err == nil || len(ids) == 1 || !(errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrInvalidInput)) {
			return all, err
		}
		out := make(map[domain.ID]*planner.Impact, len(ids))
		failed := dataloadgen.MappedFetchError[domain.ID]{}
		for _, id := range ids {
			imp, err := planner.ImpactOf(ctx, st, id)
			if err != nil {
				failed[id] = err
				continue
			}
			out[id] = imp
		}
		if len(failed) > 0 {
			return out, failed
		}
		return out, nil
	}
}

type contextKey struct{ name string }

var loadersKey = &contextKey{"loaders"}

// loaderSet holds a request's loaders: the baseline's, and those of each
// scenario the request reads inside (in). A write replaces them all, so
// nothing the request read before it can be served after it.
type loaderSet struct {
	mu    sync.Mutex
	l     *loaders
	st    store.Store
	wait  time.Duration
	views *scenario.Views
	in    map[string]*loaders // by scenario id
}

// inScenario returns the loaders of the graph a field is answered in
// (model.ScenarioIn): the one place a request's store is chosen. A
// scenario's graph is its view's (scenario.Views.Open), read once a
// request.
func (s *loaderSet) inScenario(ctx context.Context) (*loaders, error) {
	sid := model.ScenarioIn(ctx)
	if sid == "" {
		return s.current(), nil
	}
	s.mu.Lock()
	l := s.in[sid]
	s.mu.Unlock()
	if l != nil {
		return l, nil
	}
	v, err := s.views.Open(ctx, sid)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l = s.in[sid]; l == nil {
		l = newLoaders(v.Store, s.wait)
		s.in[sid] = l
	}
	return l, nil
}

func (s *loaderSet) current() *loaders {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.l
}

func (s *loaderSet) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.l = newLoaders(s.st, s.wait)
	s.in = map[string]*loaders{}
}

// Loaders is HTTP middleware that gives each request its own loaders over st.
// wait is how long a loader collects keys before it calls the store; zero
// means DefaultLoaderWait.
func Loaders(st store.Store, wait time.Duration) func(http.Handler) http.Handler {
	if wait <= 0 {
		wait = DefaultLoaderWait
	}
	views := scenario.New(st) // shared by the requests, which it spares working a scenario out again
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			set := &loaderSet{l: newLoaders(st, wait), st: st, wait: wait, views: views, in: map[string]*loaders{}}
			ctx := context.WithValue(r.Context(), loadersKey, set)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// forgetReads drops everything the request's loaders hold; a write calls it.
func forgetReads(ctx context.Context) {
	if set, ok := ctx.Value(loadersKey).(*loaderSet); ok {
		set.reset()
	}
}

// DefaultLoaderWait is long enough for sibling resolvers, which gqlgen runs
// concurrently, to join one batch, and short against a store round trip. At
// 1 ms a long list's later elements missed their level's batch: the deep
// listing at 10× made 7.8 link reads where 4 levels need 4; at 2 ms, 4.5.
const DefaultLoaderWait = 2 * time.Millisecond

// MemoryLoaderWait suits the memory store, whose lookups are map reads:
// batching them saves nothing, so a loader waits only for the siblings
// already running. At 16 workers it doubles the widget's throughput against
// DefaultLoaderWait (docs/BENCHMARKS.md).
const MemoryLoaderWait = 100 * time.Microsecond

var errNoLoaders = errors.New("graph: no loaders in context; wrap the handler in Loaders")

func loadersFrom(ctx context.Context) (*loaders, error) {
	set, ok := ctx.Value(loadersKey).(*loaderSet)
	if !ok {
		return nil, errNoLoaders
	}
	return set.inScenario(ctx)
}

// readStore is the store a field reads: the baseline's, or inside a
// scenario its graph's.
func readStore(ctx context.Context) (store.Store, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	return l.store, nil
}

// viewsFrom returns the request's scenario views.
func viewsFrom(ctx context.Context) (*scenario.Views, error) {
	set, ok := ctx.Value(loadersKey).(*loaderSet)
	if !ok {
		return nil, errNoLoaders
	}
	return set.views, nil
}

// loadKind returns every node of a kind in seed order, once per request.
func loadKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	ns, err := l.kinds.Load(ctx, kind)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		l.nodes.Prime(n.ID, n)
	}
	return ns, nil
}

// loadNode returns the node with id, or nil when there is none.
func loadNode(ctx context.Context, id domain.ID) (*domain.Node, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	return l.nodes.Load(ctx, id)
}

// loadNodes returns the nodes with ids, in the order given, skipping unknown ids.
func loadNodes(ctx context.Context, ids []domain.ID) ([]*domain.Node, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	found, err := l.nodes.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(found, func(n *domain.Node) bool { return n == nil }), nil
}

// primeNodes puts nodes a root field read into the request's cache.
func primeNodes(ctx context.Context, ns []*domain.Node) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return
	}
	for _, n := range ns {
		l.nodes.Prime(n.ID, n)
	}
}

// primeLinks puts links a root field read with its node into the request's
// cache; their far nodes come with them (farNodes).
func primeLinks(ctx context.Context, id domain.ID, links map[store.LinkQuery][]domain.Link) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return
	}
	for q, ls := range links {
		l.links.Prime(linkKey{ID: id, Kind: q.Kind, Dir: q.Dir}, ls)
	}
}

// loadLinks returns id's links of the given kinds and directions, in seed order.
func loadLinks(ctx context.Context, keys []linkKey) ([]domain.Link, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	found, err := l.links.LoadAll(ctx, keys)
	if err != nil {
		return nil, err
	}
	var out []domain.Link
	for _, ls := range found {
		out = append(out, ls...)
	}
	if len(found) > 1 {
		slices.SortStableFunc(out, func(a, b domain.Link) int { return a.Rel.Seq - b.Rel.Seq })
	}
	return out, nil
}

// loadImpacts returns what each of ids reaches, in one batch.
func loadImpacts(ctx context.Context, ids []domain.ID) ([]*planner.Impact, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	imps, err := l.impacts.LoadAll(ctx, ids)
	for _, imp := range imps {
		primeImpact(l, imp)
	}
	return imps, err
}

// primeDependencies puts the nodes dependencies name into the request's
// cache: the other centres, and what they share, need no lookup.
func (l *loaders) primeDependencies(found map[domain.ID][]planner.Dependency) {
	for _, deps := range found {
		if len(deps) > 0 {
			// Every dependency of one call holds the same nodes.
			for id, n := range deps[0].Nodes {
				l.nodes.Prime(id, n)
			}
			return
		}
	}
}

// primeTree puts what an expansion read into the request's cache: for
// every node a step was taken from, its links of the step's kind (none
// included), and the nodes at their far ends.
func (l *loaders) primeTree(ns []*domain.Node, steps []store.Step, read store.Expanded) {
	for _, s := range steps {
		seen := map[domain.ID]bool{}
		var next []*domain.Node
		for _, n := range ns {
			links := read.Links[s.Q][n.ID]
			l.links.Prime(linkKey{ID: n.ID, Kind: s.Q.Kind, Dir: s.Q.Dir}, append([]domain.Link{}, links...))
			for _, link := range links {
				if link.Node != nil && !seen[link.Other] {
					seen[link.Other] = true
					next = append(next, link.Node)
					l.nodes.Prime(link.Other, link.Node)
				}
			}
		}
		l.primeTree(next, s.Below, read)
	}
}

// primeImpact puts the nodes an impact read into the request's cache: its
// centres and its steps' statements then need no lookup of their own.
func primeImpact(l *loaders, imp *planner.Impact) {
	if imp == nil {
		return
	}
	for id, n := range imp.Nodes {
		l.nodes.Prime(id, n)
	}
}

// loadImpact returns what id reaches.
func loadImpact(ctx context.Context, id domain.ID) (*planner.Impact, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	imp, err := l.impacts.Load(ctx, id)
	primeImpact(l, imp)
	if errors.Is(err, domain.ErrNotFound) {
		// The planner's message names the store it asked; the client needs only this.
		return nil, fmt.Errorf("%w: no node has id %q", domain.ErrNotFound, id)
	}
	return imp, err
}

// nodeType is one of graph/model's object types over a *domain.Node, through
// its pointer: every helper below builds T by pointing a new one at a node.
type nodeType[T any] interface {
	*T
	SetNode(*domain.Node)
}

// related returns the nodes at the far end of id's links of one kind and
// direction, as the object type T.
func related[T any, P nodeType[T]](ctx context.Context, id domain.ID, kind domain.RelKind, dir domain.Direction) ([]*T, error) {
	return relatedOn[T, P](ctx, id, kind, dir, nil)
}

// relatedOn is related narrowed to the links that hold on day asOf, the
// node at the far end included; every link when asOf is nil.
func relatedOn[T any, P nodeType[T]](ctx context.Context, id domain.ID, kind domain.RelKind, dir domain.Direction, asOf *domain.Date) ([]*T, error) {
	ns, err := relatedNodes(ctx, id, kind, dir, asOf)
	if err != nil {
		return nil, err
	}
	return wrapAll[T, P](ns), nil
}

// relatedOne returns the first of related, or nil.
func relatedOne[T any, P nodeType[T]](ctx context.Context, id domain.ID, kind domain.RelKind, dir domain.Direction) (*T, error) {
	all, err := related[T, P](ctx, id, kind, dir)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	return all[0], nil
}

// requiredOne is relatedOne for a non-null field: a node without the link
// means a broken store, an internal error.
func requiredOne[T any, P nodeType[T]](ctx context.Context, id domain.ID, kind domain.RelKind, dir domain.Direction) (*T, error) {
	one, err := relatedOne[T, P](ctx, id, kind, dir)
	if err == nil && one == nil {
		err = fmt.Errorf("graph: %s has no %s link", id, kind)
	}
	return one, err
}

// relatedAny is related for fields whose far ends are of several kinds.
func relatedAny(ctx context.Context, id domain.ID, kind domain.RelKind, dir domain.Direction) ([]model.Node, error) {
	ns, err := relatedNodes(ctx, id, kind, dir, nil)
	if err != nil {
		return nil, err
	}
	return wrapNodes(ns), nil
}

// relatedNodes loads the far ends of id's links of one kind and direction,
// keeping, when asOf is given, those whose link and far node hold that day.
func relatedNodes(ctx context.Context, id domain.ID, kind domain.RelKind, dir domain.Direction, asOf *domain.Date) ([]*domain.Node, error) {
	links, err := loadLinks(ctx, []linkKey{{ID: id, Kind: kind, Dir: dir}})
	if err != nil {
		return nil, err
	}
	ns, err := farNodes(ctx, links)
	if err != nil {
		return nil, err
	}
	if asOf == nil {
		return ns, nil
	}
	byID := make(map[domain.ID]*domain.Node, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	out := make([]*domain.Node, 0, len(ns))
	for _, l := range links {
		if n := byID[l.Other]; n != nil && planner.LinkHoldsOn(*asOf, l.Rel, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// farNodes returns the nodes at the far ends of links, in their order. The
// stores read them along with the links; a link without one is looked up.
func farNodes(ctx context.Context, links []domain.Link) ([]*domain.Node, error) {
	ns := make([]*domain.Node, 0, len(links))
	for _, l := range links {
		if l.Node == nil {
			ids := make([]domain.ID, len(links))
			for i, l := range links {
				ids[i] = l.Other
			}
			return loadNodes(ctx, ids)
		}
		ns = append(ns, l.Node)
	}
	primeNodes(ctx, ns)
	return ns, nil
}

// wrapAll wraps nodes as the object type T.
func wrapAll[T any, P nodeType[T]](ns []*domain.Node) []*T {
	out := make([]*T, len(ns))
	for i, n := range ns {
		out[i] = wrapOne[T, P](n)
	}
	return out
}

// wrapOne wraps a node as the object type T.
func wrapOne[T any, P nodeType[T]](n *domain.Node) *T {
	t := new(T)
	P(t).SetNode(n)
	return t
}

// changeKey asks what one centre gained and lost between two days.
type changeKey struct {
	Centre   domain.ID
	From, To domain.Date
}

// fetchChanges works out the batch's changes with one planner call per
// date window, whatever the number of centres; an error belongs to the
// window's keys only.
func fetchChanges(st planner.Reader) func(context.Context, []changeKey) (map[changeKey][]planner.Change, error) {
	return func(ctx context.Context, keys []changeKey) (map[changeKey][]planner.Change, error) {
		type window struct{ from, to domain.Date }
		byWindow := map[window][]domain.ID{}
		var order []window
		for _, k := range keys {
			w := window{k.From, k.To}
			if _, seen := byWindow[w]; !seen {
				order = append(order, w)
			}
			byWindow[w] = append(byWindow[w], k.Centre)
		}
		out := make(map[changeKey][]planner.Change, len(keys))
		failed := dataloadgen.MappedFetchError[changeKey]{}
		for _, w := range order {
			all, err := planner.ChangesOfMany(ctx, st, byWindow[w], w.from, w.to)
			for _, c := range byWindow[w] {
				k := changeKey{Centre: c, From: w.from, To: w.to}
				if err != nil {
					failed[k] = err
					continue
				}
				out[k] = all[c]
			}
		}
		if len(failed) > 0 {
			return out, failed
		}
		return out, nil
	}
}

// depKey asks what one centre shares with the others, on one day ("" for
// every day).
type depKey struct {
	Centre domain.ID
	AsOf   domain.Date
}

// fetchDependencies works out a batch of centres' dependencies with one
// planner call per day asked for: a list of centres, or the matrix, costs
// one store call.
func fetchDependencies(st planner.Reader, prime func(map[domain.ID][]planner.Dependency)) func(context.Context, []depKey) (map[depKey][]planner.Dependency, error) {
	return func(ctx context.Context, keys []depKey) (map[depKey][]planner.Dependency, error) {
		byDay := map[domain.Date][]domain.ID{}
		var days []domain.Date // deterministic call order
		for _, k := range keys {
			if _, seen := byDay[k.AsOf]; !seen {
				days = append(days, k.AsOf)
			}
			byDay[k.AsOf] = append(byDay[k.AsOf], k.Centre)
		}
		out := make(map[depKey][]planner.Dependency, len(keys))
		for _, day := range days {
			found, err := planner.DependenciesOf(ctx, st, byDay[day], dayPtr(day))
			if err != nil {
				return nil, err
			}
			prime(found)
			for _, c := range byDay[day] {
				out[depKey{Centre: c, AsOf: day}] = found[c]
			}
		}
		return out, nil
	}
}

func dayPtr(d domain.Date) *domain.Date {
	if d == "" {
		return nil
	}
	return &d
}
