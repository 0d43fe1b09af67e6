// Package memstore is orggraph's embedded store: the whole graph in memory,
// indexed for the lookups the GraphQL layer batches. It needs nothing
// installed and is the default for `orggraph serve`.
package memstore

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

// Store holds one immutable snapshot of the graph; Load swaps in a new one.
// Returned nodes are shared with the store and must not be modified.
type Store struct {
	mu    sync.RWMutex
	snap  *snapshot
	audit []domain.AuditEntry // oldest first; guarded by mu
	epoch string              // the Version's epoch, new at each Load; guarded by mu
	// gone holds the version each target had when last deleted
	// (domain.AuditEntry.DeletedVersion), kept in commit and so rebuilt by
	// replay; guarded by writeMu.
	gone map[string]int64
	// keyed holds, for each write's idempotency key, its entry's place in
	// audit, kept in commit as gone is; guarded by writeMu.
	keyed map[string]int
	// scenarios holds the scenarios by id, guarded by mu; lastScenario is
	// the number of the last id given ("s3": 3), guarded by writeMu.
	scenarios    map[string]*domain.Scenario
	lastScenario int

	writeMu sync.Mutex        // one write at a time, from plan to commit
	journal *journal          // nil: writes are refused
	report  domain.SeedReport // what Open's re-seed did
}

type snapshot struct {
	graph  *domain.Graph // as loaded, nodes and relationships in seed order
	nodes  map[domain.ID]*domain.Node
	byKind map[domain.Kind][]*domain.Node
	byCode map[domain.Kind]map[string]*domain.Node // lower-cased code
	out    map[domain.ID][]domain.Link             // seed order
	in     map[domain.ID][]domain.Link
	// kinded holds each node's links of one kind and direction, in seed
	// order, apart: links answers from it without a scan of all a node's
	// links or a slice of its own (at 1000× the seed the scan was a third
	// of the deep listing's cost).
	kinded map[kindedKey][]domain.Link
	// cands is every node's search candidate, its text folded, in seed
	// order, and candAt where each node's is: Search ranks cands as they
	// stand, building nothing per node (at a thousand times the seed a
	// search built 140,000 candidates, 10 MB, and looked each text up).
	cands  []search.Candidate
	candAt map[domain.ID]int
	// nextOrder and nextSeq are what a created node and a created link
	// get: one past the highest order and seq the graph holds, worked out
	// once as the snapshot is indexed (at load, at each replayed write and
	// each write) rather than by a scan in every write.
	nextOrder, nextSeq int
}

var _ store.Store = (*Store)(nil)
var _ store.Loader = (*Store)(nil)

type kindedKey struct {
	id domain.ID
	q  store.LinkQuery
}

// links returns id's links of q, in seed order. The slice is the
// snapshot's, which no one changes: a caller may append to it (its
// capacity ends where it does) but not write into it.
func (sn *snapshot) links(id domain.ID, q store.LinkQuery) []domain.Link {
	ls := sn.kinded[kindedKey{id, q}]
	return ls[:len(ls):len(ls)]
}

// New returns a store holding g. g must be valid (seed.LoadFS checks it);
// New still refuses links to missing nodes, so a bug cannot leave a dangling one.
func New(g *domain.Graph) (*Store, error) {
	s := &Store{}
	if err := s.Load(context.Background(), g); err != nil {
		return nil, err
	}
	return s, nil
}

// Load replaces the store's contents with g.
func (s *Store) Load(_ context.Context, g *domain.Graph) error {
	snap, err := index(g, nil)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.snap, s.epoch = snap, newEpoch()
	s.mu.Unlock()
	return nil
}

// textsOf folds the search text of each of ns, split over the cores when
// they are many (a start folds every node's: some 140,000 at a thousand
// times the seed).
func textsOf(ns []*domain.Node) []search.Text {
	out := make([]search.Text, len(ns))
	parts := min(runtime.GOMAXPROCS(0), len(ns)/4096+1)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(ns)/parts, (p+1)*len(ns)/parts
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				out[i] = search.TextOf(ns[i])
			}
		})
	}
	wg.Wait()
	return out
}

// index builds a snapshot of g. A node prev also holds, the same pointer,
// keeps prev's folded search text: a write changes one node, and folding
// every node's text again made replaying a journal cost the square of its length.
func index(g *domain.Graph, prev *snapshot) (*snapshot, error) {
	sn := &snapshot{
		nodes:  make(map[domain.ID]*domain.Node, len(g.Nodes)),
		byKind: map[domain.Kind][]*domain.Node{},
		byCode: map[domain.Kind]map[string]*domain.Node{},
		out:    make(map[domain.ID][]domain.Link, len(g.Nodes)),
		in:     make(map[domain.ID][]domain.Link, len(g.Nodes)),
		kinded: make(map[kindedKey][]domain.Link, len(g.Nodes)),
		cands:  make([]search.Candidate, len(g.Nodes)),
		candAt: make(map[domain.ID]int, len(g.Nodes)),
	}
	var fold []int // where the nodes whose text is folded afresh are in g.Nodes
	for i, n := range g.Nodes {
		if _, dup := sn.nodes[n.ID]; dup {
			return nil, fmt.Errorf("memstore: %w: duplicate node %s", domain.ErrInvalidInput, n.ID)
		}
		sn.nodes[n.ID] = n
		sn.byKind[n.Kind] = append(sn.byKind[n.Kind], n)
		if n.Code != "" {
			if sn.byCode[n.Kind] == nil {
				sn.byCode[n.Kind] = map[string]*domain.Node{}
			}
			sn.byCode[n.Kind][strings.ToLower(n.Code)] = n
		}
		sn.candAt[n.ID] = i
		sn.cands[i] = search.Candidate{ID: n.ID, Order: n.Order}
		if prev != nil && prev.nodes[n.ID] == n {
			sn.cands[i].Text = prev.cands[prev.candAt[n.ID]].Text
		} else {
			fold = append(fold, i)
		}
	}
	folding := make([]*domain.Node, len(fold))
	for j, i := range fold {
		folding[j] = g.Nodes[i]
	}
	for j, t := range textsOf(folding) {
		sn.cands[fold[j]].Text = t
	}
	for _, ns := range sn.byKind {
		slices.SortStableFunc(ns, func(a, b *domain.Node) int { return a.Order - b.Order })
	}
	rels := slices.Clone(g.Relationships)
	slices.SortStableFunc(rels, func(a, b *domain.Relationship) int { return a.Seq - b.Seq })
	nodes := slices.Clone(g.Nodes)
	slices.SortStableFunc(nodes, func(a, b *domain.Node) int { return a.Order - b.Order })
	sn.graph = &domain.Graph{Nodes: nodes, Relationships: rels}
	if len(nodes) > 0 {
		sn.nextOrder = nodes[len(nodes)-1].Order + 1
	}
	if len(rels) > 0 {
		sn.nextSeq = rels[len(rels)-1].Seq + 1
	}
	for _, r := range rels {
		if sn.nodes[r.From] == nil || sn.nodes[r.To] == nil {
			return nil, fmt.Errorf("memstore: %w: link %s joins a missing node", domain.ErrInvalidInput, r.Key())
		}
		out := domain.Link{Rel: r, Other: r.To, Dir: domain.Outgoing, Node: sn.nodes[r.To]}
		in := domain.Link{Rel: r, Other: r.From, Dir: domain.Incoming, Node: sn.nodes[r.From]}
		sn.out[r.From] = append(sn.out[r.From], out)
		sn.in[r.To] = append(sn.in[r.To], in)
		ko, ki := kindedKey{r.From, store.LinkQuery{Kind: r.Kind, Dir: domain.Outgoing}}, kindedKey{r.To, store.LinkQuery{Kind: r.Kind, Dir: domain.Incoming}}
		sn.kinded[ko] = append(sn.kinded[ko], out)
		sn.kinded[ki] = append(sn.kinded[ki], in)
	}
	return sn, nil
}

func (s *Store) current() *snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap
}

// NodesByID implements store.NodeReader.
func (s *Store) NodesByID(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sn := s.current()
	out := make(map[domain.ID]*domain.Node, len(ids))
	for _, id := range ids {
		if n, ok := sn.nodes[id]; ok {
			out[id] = n
		}
	}
	return out, nil
}

// NodesByKind implements store.NodeReader.
func (s *Store) NodesByKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return slices.Clone(s.current().byKind[kind]), nil
}

// NodeByCode implements store.NodeReader: a code as written, ignoring
// case, else one typed plainly as search.FindCode reads it ("CDO" is CDØ).
func (s *Store) NodeByCode(ctx context.Context, kind domain.Kind, code string) (*domain.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if n := s.current().byCodeTyped(kind, code); n != nil {
		return n, nil
	}
	return nil, fmt.Errorf("memstore: %s with code %q: %w", kind, code, domain.ErrNotFound)
}

// byCodeTyped is the node of kind with code, as NodeByCode finds it; nil
// for none.
func (sn *snapshot) byCodeTyped(kind domain.Kind, code string) *domain.Node {
	if n, ok := sn.byCode[kind][strings.ToLower(code)]; ok {
		return n
	}
	var coded []*domain.Node
	var codes []string
	for _, n := range sn.byKind[kind] {
		if n.Code != "" {
			coded, codes = append(coded, n), append(codes, n.Code)
		}
	}
	if i := search.FindCode(codes, code); i >= 0 {
		return coded[i]
	}
	return nil
}

// Links implements store.LinkReader.
func (s *Store) Links(ctx context.Context, ids []domain.ID, q store.LinkQuery) (map[domain.ID][]domain.Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sn := s.current()
	out := make(map[domain.ID][]domain.Link, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue // an id asked for twice is answered once
		}
		if ls := sn.links(id, q); len(ls) > 0 {
			out[id] = ls
		}
	}
	return out, nil
}

// Expand implements store.Expander level by level, with the whole nodes,
// which cost nothing more to hand out than plain ones.
func (s *Store) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sn := s.current()
	sc := expandScratch.Get().(*farNodes)
	defer sc.put()
	out := make([]store.Expanded, len(xs))
	for i, x := range xs {
		got := store.Expanded{Roots: sn.roots(x.Roots), Links: map[store.LinkQuery]map[domain.ID][]domain.Link{}}
		var walk func(ns []*domain.Node, steps []store.Step, depth int)
		walk = func(ns []*domain.Node, steps []store.Step, depth int) {
			for _, st := range steps {
				read := got.Links[st.Q]
				if read == nil {
					read = make(map[domain.ID][]domain.Link, len(ns))
					got.Links[st.Q] = read
				}
				if len(st.Below) == 0 { // a last step: its far nodes go no further
					for _, n := range ns {
						if _, known := read[n.ID]; !known {
							read[n.ID] = sn.links(n.ID, st.Q)
						}
					}
					continue
				}
				far := sc.at(depth)
				for _, n := range ns {
					links, known := read[n.ID]
					if !known {
						links = sn.links(n.ID, st.Q)
						read[n.ID] = links
					}
					for _, l := range links {
						far.add(l.Node)
					}
				}
				walk(far.nodes, st.Below, depth+1)
				far.reset()
			}
		}
		walk(got.Roots, x.Steps, 0)
		out[i] = got
	}
	return out, nil
}

// farNodes are the far nodes of one step of an Expand, each once, at each
// depth of its walk: a step's set is emptied once the steps below it are
// walked, and taken again by the next step at that depth. The sets go back
// to expandScratch, so a deep listing does not make its sets anew at each
// step of each request: at 1000× the seed they came to two thirds of what
// an Expand allocated, some 5 MB a listing.
type farNodes struct {
	depths []*farSet
}

// farSet holds far nodes in the order first met. They are told apart by
// pointer, each node being one in the snapshot: hashing a pointer is a
// fraction of hashing an id, which at 1000× the seed runs to 70 bytes.
type farSet struct {
	seen  map[*domain.Node]struct{}
	nodes []*domain.Node
}

var expandScratch = sync.Pool{New: func() any { return new(farNodes) }}

// at is the set for depth, empty.
func (f *farNodes) at(depth int) *farSet {
	for len(f.depths) <= depth {
		f.depths = append(f.depths, &farSet{seen: map[*domain.Node]struct{}{}})
	}
	return f.depths[depth]
}

func (s *farSet) add(n *domain.Node) {
	if _, dup := s.seen[n]; !dup {
		s.seen[n] = struct{}{}
		s.nodes = append(s.nodes, n)
	}
}

// reset empties s, keeping its room, and holds on to no node.
func (s *farSet) reset() {
	clear(s.seen)
	clear(s.nodes)
	s.nodes = s.nodes[:0]
}

// put hands f back to expandScratch, every set empty (reset after each
// step, or on a panic's way out here).
func (f *farNodes) put() {
	for _, s := range f.depths {
		s.reset()
	}
	expandScratch.Put(f)
}

// roots returns the nodes of a root set.
func (sn *snapshot) roots(r store.Roots) []*domain.Node {
	switch r.By {
	case store.ByCode:
		if n := sn.byCodeTyped(r.Kind, r.Code); n != nil {
			return []*domain.Node{n}
		}
		return nil
	case store.ByKind:
		return slices.Clone(sn.byKind[r.Kind])
	}
	var out []*domain.Node
	seen := map[domain.ID]bool{}
	for _, id := range r.IDs {
		if n, ok := sn.nodes[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, n)
		}
	}
	return out
}

// Search implements store.Traverser over the texts folded when the graph
// was loaded: every node is a candidate, and search.Best, which forgives
// how people type, decides.
func (s *Store) Search(ctx context.Context, terms []string, first int) ([]search.Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sn := s.current()
	best := search.Best(sn.cands, terms, first)
	hits := make([]search.Hit, len(best))
	for i, b := range best {
		hits[i] = search.Hit{Node: sn.nodes[b.ID], Score: b.Score}
	}
	return hits, nil
}

// ImpactPaths implements store.Traverser with a depth-first walk from each node.
func (s *Store) ImpactPaths(ctx context.Context, from []domain.ID, maxLen int) (map[domain.ID][]domain.Path, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sn := s.current()
	out := make(map[domain.ID][]domain.Path, len(from))
	for _, id := range from {
		if sn.nodes[id] == nil {
			continue
		}
		w := walker{sn: sn, max: maxLen, onPath: map[domain.ID]bool{id: true}, stops: domain.ImpactStopKinds,
			step: func(l domain.Link) bool {
				spec, _ := l.Rel.Kind.Spec()
				return spec.Walkable(l.Dir == domain.Outgoing)
			},
			arrived: func(n *domain.Node) bool { return n.Kind == domain.KindCentre },
		}
		w.walk(id)
		out[id] = append([]domain.Path{}, w.paths...)
	}
	return out, nil
}

// PathsBetween implements store.Traverser with a depth-first walk.
func (s *Store) PathsBetween(ctx context.Context, from, to domain.ID, maxLen int) ([]domain.Path, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sn := s.current()
	for _, id := range []domain.ID{from, to} {
		if sn.nodes[id] == nil {
			return nil, fmt.Errorf("memstore: paths: %s: %w", id, domain.ErrNotFound)
		}
	}
	w := walker{sn: sn, max: maxLen, onPath: map[domain.ID]bool{from: true}, stops: domain.PathStopKinds,
		step:    func(domain.Link) bool { return true },
		arrived: func(n *domain.Node) bool { return n.ID == to },
	}
	w.walk(from)
	return w.paths, nil
}

// walker enumerates simple paths: it follows the links step allows, records
// a path at each node arrived says is an end (and goes no further there),
// and passes through no node of a stop kind.
type walker struct {
	sn      *snapshot
	max     int
	stops   []domain.Kind
	step    func(domain.Link) bool
	arrived func(*domain.Node) bool
	steps   []domain.Step
	onPath  map[domain.ID]bool
	paths   []domain.Path
}

func (w *walker) walk(at domain.ID) {
	if len(w.steps) == w.max {
		return
	}
	// Outgoing links, then incoming, each in seed order; read in place, as
	// joining them into one slice cost an allocation a step.
	for _, l := range w.sn.out[at] {
		w.follow(at, l)
	}
	for _, l := range w.sn.in[at] {
		w.follow(at, l)
	}
}

// follow takes the step from at along l, when the walk allows it: a path
// is recorded where it arrives, and the walk goes on from l's far node
// where that is neither on the path already nor of a stop kind.
func (w *walker) follow(at domain.ID, l domain.Link) {
	if !w.step(l) || w.onPath[l.Other] {
		return
	}
	next := w.sn.nodes[l.Other]
	w.steps = append(w.steps, domain.Step{From: at, To: l.Other, Rel: l.Rel, Reversed: l.Dir == domain.Incoming})
	switch {
	case w.arrived(next):
		nodes := make([]*domain.Node, 0, len(w.steps)+1)
		nodes = append(nodes, w.sn.nodes[w.steps[0].From])
		for _, s := range w.steps {
			nodes = append(nodes, w.sn.nodes[s.To])
		}
		w.paths = append(w.paths, domain.Path{Steps: slices.Clone(w.steps), Nodes: nodes})
	case !slices.Contains(w.stops, next.Kind):
		w.onPath[l.Other] = true
		w.walk(l.Other)
		delete(w.onPath, l.Other)
	}
	w.steps = w.steps[:len(w.steps)-1]
}

// Dependencies implements store.Traverser.
func (s *Store) Dependencies(ctx context.Context, ids []domain.ID) ([]domain.Shared, map[domain.ID]*domain.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	sn := s.current()
	of := func(dir domain.Direction, id domain.ID, kind domain.RelKind) []domain.Link {
		return sn.links(id, store.LinkQuery{Kind: kind, Dir: dir})
	}
	var out []domain.Shared
	for _, a := range ids {
		if n := sn.nodes[a]; n == nil || n.Kind != domain.KindCentre {
			continue
		}
		add := func(b domain.ID, kind domain.SharedKind, via, also domain.ID, rels ...*domain.Relationship) {
			if b != a {
				out = append(out, domain.Shared{Centre: a, Other: b, Kind: kind, Via: via, Also: also, Rels: rels})
			}
		}
		// Both ends hold the same thing: a target group, an intervention.
		for _, pair := range []struct {
			rel  domain.RelKind
			kind domain.SharedKind
		}{{domain.RelServes, domain.SharesTargetGroup}, {domain.RelDelivers, domain.SharesIntervention}} {
			for _, l1 := range of(domain.Outgoing, a, pair.rel) {
				for _, l2 := range of(domain.Incoming, l1.Other, pair.rel) {
					add(l2.Other, pair.kind, l1.Other, "", l1.Rel, l2.Rel)
				}
			}
		}
		// An organisation works with both.
		for _, l1 := range of(domain.Incoming, a, domain.RelWorksWith) {
			for _, l2 := range of(domain.Outgoing, l1.Other, domain.RelWorksWith) {
				add(l2.Other, domain.SharesPartner, l1.Other, "", l1.Rel, l2.Rel)
			}
		}
		// a pays a benefit to a group b serves, or the other way round.
		for _, pays := range of(domain.Outgoing, a, domain.RelPays) {
			for _, paid := range of(domain.Outgoing, pays.Other, domain.RelPaidTo) {
				for _, serves := range of(domain.Incoming, paid.Other, domain.RelServes) {
					add(serves.Other, domain.SharesBenefitFlow, pays.Other, paid.Other, pays.Rel, paid.Rel, serves.Rel)
				}
			}
		}
		for _, serves := range of(domain.Outgoing, a, domain.RelServes) {
			for _, paid := range of(domain.Incoming, serves.Other, domain.RelPaidTo) {
				for _, pays := range of(domain.Incoming, paid.Other, domain.RelPays) {
					add(pays.Other, domain.SharesBenefitFlow, paid.Other, serves.Other, serves.Rel, paid.Rel, pays.Rel)
				}
			}
		}
	}
	nodes := map[domain.ID]*domain.Node{}
	for _, sh := range out {
		for _, id := range []domain.ID{sh.Other, sh.Via, sh.Also} {
			if n := sn.nodes[id]; n != nil {
				nodes[id] = n
			}
		}
	}
	return out, nodes, nil
}

// Snapshot implements store.Snapshotter.
func (s *Store) Snapshot(ctx context.Context) (*domain.Graph, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g := s.current().graph
	return &domain.Graph{Nodes: slices.Clone(g.Nodes), Relationships: slices.Clone(g.Relationships)}, nil
}

// Ping implements store.Store; the embedded store is always there.
func (s *Store) Ping(context.Context) error { return nil }

// Close implements store.Store: it closes the journal.
func (s *Store) Close(context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.journal == nil {
		return nil
	}
	err := s.journal.close()
	s.journal = nil
	return err
}
