package memstore

import (
	"slices"

	"github.com/bif-kk/orggraph/internal/domain"
)

// draft is the graph a run of writes makes over a snapshot. Each write is
// checked against the draft as the writes before it left it and applied in
// place; the draft is indexed into a snapshot once, at the end. Apply and
// Preview are runs of one write; a re-seed, a journal's replay, a promotion
// and a scenario's overlay are runs of many. When each write of a run was
// indexed on its own, a run cost its length times the graph's size: opening
// an empty data folder with 100× the seed (35,000 writes) did not finish in
// ten minutes.
type draft struct {
	base  *snapshot
	nodes []*domain.Node         // in seed order; nil where deleted
	rels  []*domain.Relationship // in seed order; nil where deleted
	// nodeAt and relAt are where each node and relationship is in nodes
	// and rels, built at their first use; until then the draft's nodes
	// (or relationships) are base's, unchanged. degree is how many links
	// each node has, built when a node is deleted after a link changed.
	nodeAt    map[domain.ID]int
	relAt     map[relKey]int
	degree    map[domain.ID]int
	nextOrder int // what the next created node gets
	nextSeq   int // what the next created relationship gets
}

// relKey identifies a relationship as domain.Relationship.Key does,
// without building a string for each relationship.
type relKey struct {
	from, to domain.ID
	kind     domain.RelKind
}

func keyOf(r *domain.Relationship) relKey { return relKey{r.From, r.To, r.Kind} }

func newDraft(base *snapshot) *draft {
	return &draft{
		base:      base,
		nodes:     slices.Clone(base.graph.Nodes),
		rels:      slices.Clone(base.graph.Relationships),
		nextOrder: base.nextOrder,
		nextSeq:   base.nextSeq,
	}
}

// node returns where the node with id is in d.nodes and the node itself:
// -1 and nil for none.
func (d *draft) node(id domain.ID) (int, *domain.Node) {
	if d.nodeAt == nil {
		d.nodeAt = placesOf(d.nodes, func(n *domain.Node) domain.ID { return n.ID })
	}
	if i, ok := d.nodeAt[id]; ok {
		return i, d.nodes[i]
	}
	return -1, nil
}

// has reports whether the draft holds a node with id.
func (d *draft) has(id domain.ID) bool {
	if d.nodeAt == nil {
		return d.base.nodes[id] != nil
	}
	_, n := d.node(id)
	return n != nil
}

// rel returns where the relationship k is in d.rels and the relationship
// itself: -1 and nil for none.
func (d *draft) rel(k relKey) (int, *domain.Relationship) {
	if d.relAt == nil {
		d.relAt = placesOf(d.rels, keyOf)
	}
	if i, ok := d.relAt[k]; ok {
		return i, d.rels[i]
	}
	return -1, nil
}

// links is how many relationships the node id is an end of.
func (d *draft) links(id domain.ID) int {
	if d.relAt == nil {
		return len(d.base.out[id]) + len(d.base.in[id])
	}
	if d.degree == nil {
		d.degree = map[domain.ID]int{}
		for _, r := range d.rels {
			if r != nil {
				d.degree[r.From]++
				d.degree[r.To]++
			}
		}
	}
	return d.degree[id]
}

// putNode makes next the state of the node node found at i: created (i <
// 0), updated, or deleted (next nil).
func (d *draft) putNode(i int, old, next *domain.Node) {
	switch {
	case next == nil:
		delete(d.nodeAt, old.ID)
	case i < 0:
		d.nodeAt[next.ID] = len(d.nodes)
		d.nextOrder = max(d.nextOrder, next.Order+1)
	}
	d.nodes = put(d.nodes, i, next)
}

// putRel is putNode for the relationship rel found at i.
func (d *draft) putRel(i int, old, next *domain.Relationship) {
	switch {
	case next == nil:
		delete(d.relAt, keyOf(old))
	case i < 0:
		d.relAt[keyOf(next)] = len(d.rels)
		d.nextSeq = max(d.nextSeq, next.Seq+1)
	}
	d.rels = put(d.rels, i, next)
	if d.degree != nil && (old == nil) != (next == nil) { // created or deleted
		r, step := next, 1
		if next == nil {
			r, step = old, -1
		}
		d.degree[r.From] += step
		d.degree[r.To] += step
	}
}

// index is the snapshot the draft's writes make. The draft is not used
// after it.
func (d *draft) index() (*snapshot, error) {
	g := &domain.Graph{
		Nodes:         slices.DeleteFunc(d.nodes, func(n *domain.Node) bool { return n == nil }),
		Relationships: slices.DeleteFunc(d.rels, func(r *domain.Relationship) bool { return r == nil }),
	}
	return index(g, d.base)
}

// placesOf maps each of stored's keys to its place; holes are left out.
func placesOf[T versioned, K comparable](stored []T, key func(T) K) map[K]int {
	at := make(map[K]int, len(stored))
	for i, v := range stored {
		if v != nil {
			at[key(v)] = i
		}
	}
	return at
}

// put makes next the target's state in stored, where the draft found it at
// i: added at the end by a creation (i < 0; its order or seq is the
// highest, so the end keeps stored sorted), in place by an update, and by
// a delete (next nil) a hole, closed when the draft is indexed.
func put[T versioned](stored []T, i int, next T) []T {
	if i < 0 {
		return append(stored, next)
	}
	stored[i] = next
	return stored
}
