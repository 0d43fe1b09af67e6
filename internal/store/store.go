// Package store defines the interface every orggraph store implements: the
// embedded memstore and Neo4j alike. Lookups are batched so that per-request
// dataloaders can serve a whole GraphQL selection with one call per field,
// and the traversals (impact, search, paths) are store operations so that
// Neo4j can answer each in a single Cypher statement.
package store

import (
	"context"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
)

// NodeReader reads nodes.
type NodeReader interface {
	// NodesByID returns the nodes that exist among ids, keyed by ID. Unknown
	// ids are simply absent.
	NodesByID(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error)
	// NodesByKind returns every node of a kind in seed order.
	NodesByKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error)
	// NodeByCode finds the node of a kind whose code matches, ignoring case;
	// domain.ErrNotFound when there is none.
	NodeByCode(ctx context.Context, kind domain.Kind, code string) (*domain.Node, error)
}

// LinkQuery asks for the links of one kind, in one direction, of many nodes.
type LinkQuery struct {
	Kind domain.RelKind
	Dir  domain.Direction
}

// LinkReader reads relationships.
type LinkReader interface {
	// Links returns, for each of ids, its links of q.Kind in q.Dir, in seed
	// order. Nodes with no such link are absent from the map.
	Links(ctx context.Context, ids []domain.ID, q LinkQuery) (map[domain.ID][]domain.Link, error)
	// LinksBatch is Links for several queries, each over its own ids, in one
	// read: the lists of one nesting level of a GraphQL selection.
	LinksBatch(ctx context.Context, batch map[LinkQuery][]domain.ID) (map[LinkQuery]map[domain.ID][]domain.Link, error)
	// NodeByCodeWithLinks is NodeByCode and, for the node it finds, Links of
	// each of qs, in one read: a root field that sees which lists its
	// selection asks for fetches them with the node. A q with no links maps
	// to an empty slice.
	NodeByCodeWithLinks(ctx context.Context, kind domain.Kind, code string, qs []LinkQuery) (*domain.Node, map[LinkQuery][]domain.Link, error)
}

// PlainReader reads what a plain listing shows (graph's direct path): each
// node's plain fields (domain.Node.Plain) and of the links only their order.
// A store may fill in more; the memstore hands out its whole nodes.
type PlainReader interface {
	// PlainListing reads a whole nested listing in one call: for each root,
	// every node of its kind in seed order (as NodesByKind), and for each
	// list below, for every node the list hangs from, the nodes at the far
	// ends of its links in the order LinksBatch gives them. Nodes hold at
	// least their plain fields. A node without such links may be absent
	// from Far.
	PlainListing(ctx context.Context, roots []Listing) (*Listed, error)
}

// Listing is the shape of a plain listing: every node of Kind, and the
// lists read below them.
type Listing struct {
	Kind  domain.Kind
	Lists []ListingList
}

// ListingList is one list of a listing: the links Q of each node above,
// and the lists read below the nodes at their far ends.
type ListingList struct {
	Q     LinkQuery
	Lists []ListingList
}

// Listed is what PlainListing read.
type Listed struct {
	Roots map[domain.Kind][]*domain.Node
	Far   map[LinkQuery]map[domain.ID][]*domain.Node
}

// Traverser answers the graph questions that walk more than one hop, each
// in one store call.
type Traverser interface {
	// ImpactPaths returns, for each of from, every simple path (no node
	// twice) of 1..maxLen steps to a centre, each step walkable by its kind's
	// RelSpec.Walkable, and no node of domain.ImpactStopKinds in between. A
	// node that exists but reaches nothing maps to an empty (non-nil) slice;
	// an unknown node is absent. Order is not significant: the planner sorts.
	ImpactPaths(ctx context.Context, from []domain.ID, maxLen int) (map[domain.ID][]domain.Path, error)
	// PathsBetween returns every simple path of 1..maxLen steps from one node
	// to another over any relationship, walked either way, with no node of
	// domain.PathStopKinds in between. domain.ErrNotFound when either end is
	// unknown. Order is not significant.
	PathsBetween(ctx context.Context, from, to domain.ID, maxLen int) ([]domain.Path, error)
	// Dependencies returns what each of the centres ids shares with every
	// other centre: target groups both serve, interventions both deliver,
	// organisations that work with both, and benefits one pays to a group the
	// other serves. Order is not significant.
	// The map holds every node the answer names (Other, Via, Also), so a
	// caller needs no second read to show or order them.
	Dependencies(ctx context.Context, ids []domain.ID) ([]domain.Shared, map[domain.ID]*domain.Node, error)
	// Search returns the nodes whose folded search text contains every
	// folded term, ranked by search.Best (so both stores rank alike), best
	// first, at most first of them.
	Search(ctx context.Context, terms []string, first int) ([]search.Hit, error)
}

// Snapshotter reads the whole graph at once, for exports.
type Snapshotter interface {
	// Snapshot returns every node in seed order and every relationship in
	// seed order.
	Snapshot(ctx context.Context) (*domain.Graph, error)
}

// AuditQuery selects audit entries, newest first. Empty fields match all.
type AuditQuery struct {
	Target string // a node ID or a relationship key
	Actor  string
	Limit  int // at most this many; 0 means 100
}

// Writer changes the graph, one validated, atomic, audited write at a time.
type Writer interface {
	// Apply performs w and records it in the audit trail, or changes nothing:
	// domain.ErrInvalidInput for a write that fails validation or would leave
	// a dangling reference, domain.ErrNotFound for a target that is not
	// there, domain.ErrConflict for a stale ExpectedVersion or a target that
	// already exists, domain.ErrWritesDisabled when the store cannot keep it.
	Apply(ctx context.Context, w domain.Write) (*domain.AuditEntry, error)
	// Audit lists recorded writes, newest first.
	Audit(ctx context.Context, q AuditQuery) ([]domain.AuditEntry, error)
}

// Store is what the GraphQL layer reads from and writes to.
type Store interface {
	NodeReader
	LinkReader
	PlainReader
	Traverser
	Snapshotter
	Writer
	// Ping reports whether the store can answer; a memstore always can.
	Ping(ctx context.Context) error
	Close(ctx context.Context) error
}

// Loader replaces a store's contents with a whole graph.
type Loader interface {
	Load(ctx context.Context, g *domain.Graph) error
}

// Reseeder brings a document's changes into a store by domain.PlanReseed,
// under the same lock as its writes, each change audited as domain.SeedActor.
type Reseeder interface {
	Reseed(ctx context.Context, doc *domain.Graph, opts domain.ReseedOptions) (domain.SeedReport, error)
}
