// Package store defines the interface every orggraph store implements: the
// embedded memstore and Neo4j alike. Lookups are batched so that per-request
// dataloaders can serve a whole GraphQL selection with one call per field,
// and the traversals (impact, search, paths) are store operations so that
// Neo4j can answer each in a single Cypher statement.
package store

import (
	"context"
	"strconv"

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
}

// Expander reads trees of links: the one read a GraphQL selection, an
// export or a planner needs to walk from a set of nodes along the links it
// names, whatever its shape.
type Expander interface {
	// Expand reads every one of xs in one call (on Neo4j, one statement);
	// the answer holds one Expanded for each, in their order.
	Expand(ctx context.Context, xs []Expansion) ([]Expanded, error)
}

// Expansion is a root set and the tree of link steps taken from it.
type Expansion struct {
	Roots   Roots
	Steps   []Step
	Project Projection
	// Fields, with Plain, are the plain fields the caller reads of each
	// node besides its id and kind; none: every plain field. A store may
	// read more (the memstore hands out its whole nodes).
	Fields PlainFields
}

// PlainFields is a set of a node's plain fields (domain.Node.Plain).
type PlainFields uint16

// The plain fields, each a bit of PlainFields. PlainID asks for no field
// beyond id and kind, which every plain read holds.
const (
	PlainID PlainFields = 1 << iota
	PlainName
	PlainDescription
	PlainOrder
	PlainCode
	PlainFullName
	PlainValidFrom
	PlainValidTo
	PlainVersion
)

// Roots is the root set of an expansion, chosen By one of three ways.
type Roots struct {
	By   RootsBy
	Kind domain.Kind
	Code string
	IDs  []domain.ID
}

// RootsBy is how an expansion's roots are chosen.
type RootsBy int

const (
	// ByKind: every node of Kind, in seed order.
	ByKind RootsBy = iota
	// ByCode: the node of Kind whose code is Code, ignoring case; none
	// when no node has it.
	ByCode
	// ByIDs: the nodes among IDs that exist, in the order of IDs, each once.
	ByIDs
)

// Step is one step of an expansion: the links Q of every node the level
// above reached, and the steps taken from the nodes at their far ends.
type Step struct {
	Q     LinkQuery
	Below []Step
}

// Projection says how much of each node and link an expansion reads.
type Projection int

const (
	// Whole reads every fact of the nodes and relationships reached, as
	// NodesByKind and Links do.
	Whole Projection = iota
	// Plain reads of a node at least its plain fields (domain.Node.Plain)
	// and of a relationship its ends and order: what a listing shows. A
	// store may hand out more; the memstore hands out its whole nodes.
	Plain
)

// Expanded is what one expansion read.
type Expanded struct {
	// Roots are the root set's nodes; none when no node matches.
	Roots []*domain.Node
	// Links holds, for each step's query, the links of each node it was
	// taken from, in seed order, each with its far node (Link.Node). A node
	// without such links may be absent. A query taken in two places of the
	// tree reads the same links of the nodes both reach.
	Links map[LinkQuery]map[domain.ID][]domain.Link
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

// Version is the graph's version: the seq of the last write in the audit
// trail (0 before the first), within the trail's Epoch, which changes when
// a store is loaded afresh and its trail begins again. Two reads of one
// store with the same Version see the same graph, on any instance.
type Version struct {
	Epoch string
	Seq   int64
}

// String is the version as one token, for ETags and logs.
func (v Version) String() string { return v.Epoch + "." + strconv.FormatInt(v.Seq, 10) }

// ChangeFeed reads the audit trail as the graph's change feed: what every
// instance over one store polls to tell its subscribers of each write,
// whichever instance made it, and what keys the caches of answers.
type ChangeFeed interface {
	// Version is the graph's version now.
	Version(ctx context.Context) (Version, error)
	// Changes returns the writes recorded after seq after, oldest first, at
	// most limit of them (0 means 100). A write's entry is in the feed once
	// its changes are visible to reads.
	Changes(ctx context.Context, after int64, limit int) ([]domain.AuditEntry, error)
}

// ScenarioKeeper keeps scenarios (domain.Scenario): the records and their
// changes, beside the baseline and never in it. What the graph looks like
// inside a scenario is internal/scenario's to work out.
type ScenarioKeeper interface {
	// Scenarios lists every scenario, oldest first.
	Scenarios(ctx context.Context) ([]*domain.Scenario, error)
	// Scenario returns one scenario by its id ("s1"); domain.ErrNotFound
	// when there is none.
	Scenario(ctx context.Context, id string) (*domain.Scenario, error)
	// ApplyScenario performs w by domain.ScenarioWrite.Next and records it
	// in the audit trail, or changes nothing, as Apply does; it returns the
	// scenario as w left it (nil after a deletion). A promotion applies the
	// scenario's changes (Scenario.Promotion) to the baseline in the same
	// atomic write, each audited; domain.ErrConflict when one of them no
	// longer applies, the baseline having moved underneath.
	ApplyScenario(ctx context.Context, w domain.ScenarioWrite) (*domain.Scenario, *domain.AuditEntry, error)
}

// Store is what the GraphQL layer reads from and writes to.
type Store interface {
	NodeReader
	LinkReader
	Expander
	Traverser
	Snapshotter
	Writer
	ChangeFeed
	ScenarioKeeper
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
// A store may write a large re-seed in parts, each under that lock, so long
// as each part holds on its own (neo4jstore does, past 2,000 changes).
type Reseeder interface {
	Reseed(ctx context.Context, doc *domain.Graph, opts domain.ReseedOptions) (domain.SeedReport, error)
}
