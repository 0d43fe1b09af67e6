package graph

import (
	"context"
	"fmt"
	"log/slog"
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

// countGraph counts g.
func countGraph(g *domain.Graph) *graphCounts {
	c := &graphCounts{kinds: map[domain.Kind]int{}, fanout: map[fanKey]int{}}
	kindOf := make(map[domain.ID]domain.Kind, len(g.Nodes))
	for _, n := range g.Nodes {
		kindOf[n.ID] = n.Kind
		c.kinds[n.Kind]++
		c.nodes++
		c.values = max(c.values, len(n.Sources), len(n.Notes), len(n.Aliases), len(n.Tasks), len(n.Figures))
	}
	type end struct {
		id   domain.ID
		rel  domain.RelKind
		dir  domain.Direction
		both bool
	}
	tally := map[end]int{}
	c.links = len(g.Relationships)
	for _, r := range g.Relationships {
		c.values = max(c.values, len(r.Sources))
		for _, e := range [...]struct {
			id  domain.ID
			dir domain.Direction
		}{{r.From, domain.Outgoing}, {r.To, domain.Incoming}} {
			tally[end{e.id, r.Kind, e.dir, false}]++
			tally[end{e.id, r.Kind, 0, true}]++
			tally[end{e.id, "", e.dir, false}]++
			tally[end{e.id, "", 0, true}]++
		}
	}
	for e, n := range tally {
		for _, kind := range [...]domain.Kind{kindOf[e.id], ""} {
			k := fanKey{kind: kind, rel: e.rel, dir: e.dir, both: e.both}
			c.fanout[k] = max(c.fanout[k], n)
		}
	}
	c.reach = reach(g, reachSteps)
	return c
}

// reach is the most nodes of each kind ("" for all) within steps of any
// one node of g, its links walked either way: a breadth-first walk from
// each node.
func reach(g *domain.Graph, steps int) map[domain.Kind]int {
	index := make(map[domain.ID]int, len(g.Nodes))
	for i, n := range g.Nodes {
		index[n.ID] = i
	}
	next := make([][]int, len(g.Nodes))
	for _, r := range g.Relationships {
		from, okFrom := index[r.From]
		to, okTo := index[r.To]
		if okFrom && okTo {
			next[from] = append(next[from], to)
			next[to] = append(next[to], from)
		}
	}
	kindIndex := map[domain.Kind]int{}
	kindOf := make([]int, len(g.Nodes))
	for i, n := range g.Nodes {
		k, ok := kindIndex[n.Kind]
		if !ok {
			k = len(kindIndex)
			kindIndex[n.Kind] = k
		}
		kindOf[i] = k
	}
	mostOf := make([]int, len(kindIndex))
	found := make([]int, len(kindIndex))
	mostAll := 0
	seen := make([]int, len(g.Nodes)) // the walk that last reached each node, plus one
	var level, below []int
	for start := range g.Nodes {
		clear(found)
		seen[start] = start + 1
		level = append(level[:0], start)
		found[kindOf[start]]++
		total := 1
		for range steps {
			below = below[:0]
			for _, n := range level {
				for _, m := range next[n] {
					if seen[m] != start+1 {
						seen[m] = start + 1
						below = append(below, m)
						found[kindOf[m]]++
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
	for kind, k := range kindIndex {
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

// How often the counts are read again, and how long a read may take. A
// write may add a link between two reads; the answer ceiling (ceiling.go)
// holds an answer that outgrows its price.
const (
	countsEvery   = time.Minute
	countsRetry   = 5 * time.Second
	countsTimeout = 10 * time.Second
)

// storeCounts keeps a store's counts fresh: read once when the handler is
// built, then again in the background when a price is asked and they are
// older than countsEvery (countsRetry after a failed read). Until a first
// read succeeds there are none, and lists are priced at the limits'
// ListBound.
type storeCounts struct {
	st     store.Snapshotter
	logger *slog.Logger

	mu      sync.Mutex
	counts  *graphCounts
	next    time.Time // when to read again
	reading bool
}

func newStoreCounts(logger *slog.Logger, st store.Snapshotter) *storeCounts {
	s := &storeCounts{st: st, logger: logger}
	s.read()
	return s
}

// get returns the latest counts, nil when none were read, and starts a
// fresh read when they are due.
func (s *storeCounts) get() *graphCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.reading && time.Now().After(s.next) {
		s.reading = true
		go s.read()
	}
	return s.counts
}

func (s *storeCounts) read() {
	counts, err := s.count()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reading = false
	if counts == nil {
		s.logger.Warn("graph: cannot count the store for pricing lists; trying again", "err", err)
		s.next = time.Now().Add(countsRetry)
		return
	}
	s.counts, s.next = counts, time.Now().Add(countsEvery)
}

// count reads the store and counts it; a panic in the store is an error,
// since it runs in a goroutine of its own, where nothing else recovers it.
func (s *storeCounts) count() (counts *graphCounts, err error) {
	defer func() {
		if p := recover(); p != nil {
			counts, err = nil, fmt.Errorf("graph: counting the store panicked: %v", p)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), countsTimeout)
	defer cancel()
	g, err := s.st.Snapshot(ctx)
	if err != nil || g == nil {
		return nil, err
	}
	return countGraph(g), nil
}
