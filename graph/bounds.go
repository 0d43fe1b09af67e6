package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// graphCounts is what the store holds, counted for pricing lists (costs.go):
// how many nodes of each kind, the most links of each kind and direction
// one node of a kind has, the most nodes of each kind within reachSteps of
// one node, and the most sources, notes, aliases, tasks or figures on one
// node or relationship.
type graphCounts struct {
	kinds  map[domain.Kind]int
	nodes  int
	links  int
	fanout map[fanKey]int
	reach  map[domain.Kind]int // "" for nodes of any kind
	values int
}

// reachSteps bounds how far from its subject a traversal's answer lies,
// over links walked either way: an impact's paths run ImpactMaxSteps from
// each item, and a reform's items are two steps from it (its phases'
// changes); what a centre shares with another is three steps away.
const reachSteps = domain.ImpactMaxSteps + 2

// fanKey names a fan-out: links of rel ("" for any) in dir (any when both)
// of a node of kind ("" for any kind: a field asked on the Node interface).
type fanKey struct {
	kind domain.Kind
	rel  domain.RelKind
	dir  domain.Direction
	both bool
}

// countGraph counts g. Nodes, kinds and relationship kinds are numbered
// first, so that the counting runs over slices: at a thousand times the seed
// (138,000 nodes) it is a part of every start.
func countGraph(g *domain.Graph) *graphCounts {
	c := &graphCounts{kinds: map[domain.Kind]int{}, fanout: map[fanKey]int{}, nodes: len(g.Nodes), links: len(g.Relationships)}
	d := numbered(g)
	for _, n := range g.Nodes {
		c.kinds[n.Kind]++
		c.values = max(c.values, len(n.Sources), len(n.Notes), len(n.Aliases), len(n.Tasks), len(n.Figures))
	}
	for _, r := range g.Relationships {
		c.values = max(c.values, len(r.Sources))
	}

	// most[kind][rel][way] is the most links one node of a kind has, of a
	// relationship kind (the last index: any kind) and a way (outgoing,
	// incoming, either); the last kind index stands for nodes of any kind.
	rels, kinds := len(d.rels)+1, len(d.kinds)+1
	const ways = 3
	most := make([]int, kinds*rels*ways)
	tally := make([]int, rels*ways) // one node's links, reset after each
	for i, ends := range d.ends {
		for _, e := range ends {
			for _, rel := range [...]int{e.rel, rels - 1} {
				tally[rel*ways+e.way]++
				tally[rel*ways+2]++
			}
		}
		for _, e := range ends {
			for _, rel := range [...]int{e.rel, rels - 1} {
				for _, way := range [...]int{e.way, 2} {
					n := tally[rel*ways+way]
					if n == 0 {
						continue // counted already, at an earlier end
					}
					tally[rel*ways+way] = 0
					for _, kind := range [...]int{d.kindOf[i], kinds - 1} {
						at := (kind*rels+rel)*ways + way
						most[at] = max(most[at], n)
					}
				}
			}
		}
	}
	kindName := append(slices.Clone(d.kinds), "")
	relName := append(slices.Clone(d.rels), "")
	for kind := range kinds {
		for rel := range rels {
			for way := range ways {
				n := most[(kind*rels+rel)*ways+way]
				if n == 0 {
					continue
				}
				k := fanKey{kind: kindName[kind], rel: relName[rel]}
				switch way {
				case 0:
					k.dir = domain.Outgoing
				case 1:
					k.dir = domain.Incoming
				default:
					k.both = true
				}
				c.fanout[k] = n
			}
		}
	}
	c.reach = d.reach(reachSteps)
	return c
}

// numberedGraph is a graph's nodes, kinds and relationship kinds by number,
// with each node's link ends.
type numberedGraph struct {
	kinds  []domain.Kind
	rels   []domain.RelKind
	kindOf []int   // by node
	ends   [][]end // by node: its links, walked from it
}

// end is one link seen from one of its nodes: the node at the other end,
// the relationship kind's number, and the way (0 outgoing, 1 incoming).
type end struct {
	other, rel, way int
}

func numbered(g *domain.Graph) *numberedGraph {
	d := &numberedGraph{kindOf: make([]int, len(g.Nodes)), ends: make([][]end, len(g.Nodes))}
	index := make(map[domain.ID]int, len(g.Nodes))
	kindIndex := map[domain.Kind]int{}
	for i, n := range g.Nodes {
		index[n.ID] = i
		k, ok := kindIndex[n.Kind]
		if !ok {
			k = len(d.kinds)
			kindIndex[n.Kind] = k
			d.kinds = append(d.kinds, n.Kind)
		}
		d.kindOf[i] = k
	}
	relIndex := map[domain.RelKind]int{}
	for _, r := range g.Relationships {
		from, okFrom := index[r.From]
		to, okTo := index[r.To]
		if !okFrom || !okTo {
			continue
		}
		k, ok := relIndex[r.Kind]
		if !ok {
			k = len(d.rels)
			relIndex[r.Kind] = k
			d.rels = append(d.rels, r.Kind)
		}
		d.ends[from] = append(d.ends[from], end{other: to, rel: k, way: 0})
		d.ends[to] = append(d.ends[to], end{other: from, rel: k, way: 1})
	}
	return d
}

// reach is the most nodes of each kind ("" for all) within steps of any
// one node, its links walked either way: a breadth-first walk from each node.
func (d *numberedGraph) reach(steps int) map[domain.Kind]int {
	mostOf := make([]int, len(d.kinds))
	found := make([]int, len(d.kinds))
	mostAll := 0
	seen := make([]int, len(d.ends)) // the walk that last reached each node, plus one
	var level, below []int
	for start := range d.ends {
		clear(found)
		seen[start] = start + 1
		level = append(level[:0], start)
		found[d.kindOf[start]]++
		total := 1
		for range steps {
			below = below[:0]
			for _, n := range level {
				for _, e := range d.ends[n] {
					if m := e.other; seen[m] != start+1 {
						seen[m] = start + 1
						below = append(below, m)
						found[d.kindOf[m]]++
						total++
					}
				}
			}
			level, below = below, level
		}
		for k, n := range found {
			mostOf[k] = max(mostOf[k], n)
		}
		mostAll = max(mostAll, total)
	}
	most := map[domain.Kind]int{"": mostAll}
	for k, kind := range d.kinds {
		most[kind] = mostOf[k]
	}
	return most
}

// ofKind is how many nodes of kind the store holds; "" counts them all.
func (c *graphCounts) ofKind(kind domain.Kind) int {
	if kind == "" {
		return c.nodes
	}
	return c.kinds[kind]
}

// How often the counts may be read again, and how long a read may take. A
// write may add a link between two reads; the answer ceiling (ceiling.go)
// holds an answer that outgrows its price.
// The first read, as the handler is built, waits countsTimeout at most; a
// read in the background may take longer (countsLaterTimeout), as reading
// a Neo4j at a thousand times the seed does.
const (
	countsEvery        = time.Minute
	countsRetry        = 5 * time.Second
	countsTimeout      = 10 * time.Second
	countsLaterTimeout = time.Minute
)

// countedStore is what the counts are read from: the whole graph, and its
// version, which says whether the graph has changed since it was counted.
type countedStore interface {
	store.Snapshotter
	Version(ctx context.Context) (store.Version, error)
}

// storeCounts keeps a store's counts fresh: read once when the handler is
// built, then again in the background when a price is asked, they are
// older than countsEvery (countsRetry after a failed read) and the graph's
// version has moved since they were read. A graph nobody writes to is
// counted once, however long it is served: at a thousand times the seed a
// count reads the whole of Neo4j for seconds. Until a first read succeeds
// there are none, and lists are priced at the limits' ListBound.
type storeCounts struct {
	st     countedStore
	logger *slog.Logger

	mu      sync.Mutex
	counts  *graphCounts
	version store.Version // the graph's version when counts were read
	next    time.Time     // when to look again
	reading bool
	failed  bool // the last read failed
}

// countedMessage is logged at INFO when the store is first counted, and
// when it is counted again after a failed read: from then on lists are
// priced from the counts, not at ListBound. scripts/benchmarks waits for
// it before it asks a server what the mix's questions cost.
const countedMessage = "graph: counted the store for pricing lists"

func newStoreCounts(logger *slog.Logger, st countedStore) *storeCounts {
	s := &storeCounts{st: st, logger: logger}
	s.read(countsTimeout)
	return s
}

// get returns the latest counts, nil when none were read, and starts a
// fresh read when they are due.
func (s *storeCounts) get() *graphCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.reading && time.Now().After(s.next) {
		s.reading = true
		go s.read(countsLaterTimeout)
	}
	return s.counts
}

func (s *storeCounts) read(timeout time.Duration) {
	start := time.Now()
	s.mu.Lock()
	last, had := s.version, s.counts != nil && !s.failed
	s.mu.Unlock()
	counts, version, err := s.count(timeout, last, had)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reading = false
	if err == nil && counts == nil { // the graph is as it was counted
		s.next = time.Now().Add(countsEvery)
		return
	}
	if counts == nil {
		s.logger.Warn("graph: cannot count the store for pricing lists; trying again", "err", err)
		s.next, s.failed = time.Now().Add(countsRetry), true
		return
	}
	if s.counts == nil || s.failed {
		s.logger.Info(countedMessage, "nodes", counts.nodes, "took", time.Since(start).Round(time.Millisecond).String())
	}
	s.counts, s.version, s.next, s.failed = counts, version, time.Now().Add(countsEvery), false
}

// count reads the store and counts it, with the graph's version read just
// before (a write between the two only brings the next count forward). When
// had is set and the version is still last, it reads nothing more and
// returns no counts and no error. A panic in the store is an error, since
// it runs in a goroutine of its own, where nothing else recovers it.
func (s *storeCounts) count(timeout time.Duration, last store.Version, had bool) (counts *graphCounts, version store.Version, err error) {
	defer func() {
		if p := recover(); p != nil {
			counts, err = nil, fmt.Errorf("graph: counting the store panicked: %v", p)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	version, err = s.st.Version(ctx)
	if err != nil {
		return nil, version, err
	}
	if had && version == last {
		return nil, version, nil
	}
	g, err := s.st.Snapshot(ctx)
	if err == nil && g == nil {
		err = errors.New("graph: the store returned no graph to count")
	}
	if err != nil {
		return nil, version, err
	}
	return countGraph(g), version, nil
}
