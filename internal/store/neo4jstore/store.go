package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

// Config says where Neo4j is.
type Config struct {
	URI      string // bolt://host:7687, or neo4j://… for a routed cluster
	User     string
	Password string
	Database string // "neo4j" when empty
	// QueryTimeout bounds each transaction on the server as well as the
	// client's wait, so a lost database fails a request instead of hanging it.
	QueryTimeout time.Duration
}

// Store reads and writes the graph in Neo4j. It owns the process's one driver.
type Store struct {
	driver  neo4j.DriverWithContext
	db      string
	timeout time.Duration
	// reads counts the read statements sent, retries included: what a
	// test holds each GraphQL operation's cost on Neo4j to.
	reads atomic.Int64
}

var _ store.Store = (*Store)(nil)

// New creates the driver. It does not connect: call Bootstrap (which also
// creates the schema) or Ping to find out whether Neo4j is there.
func New(cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, fmt.Errorf("neo4jstore: %w: no URI", domain.ErrInvalidInput)
	}
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = 5 * time.Second
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""),
		func(c *config.Config) {
			// Fail fast when the database is away; the caller's context and
			// the next request's retry take it from there.
			c.SocketConnectTimeout = 2 * time.Second
			c.ConnectionAcquisitionTimeout = cfg.QueryTimeout
			c.MaxTransactionRetryTime = cfg.QueryTimeout
			c.MaxConnectionPoolSize = 50
		})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: %w: %s", domain.ErrInvalidInput, "bad connection settings")
	}
	return &Store{driver: driver, db: cfg.Database, timeout: cfg.QueryTimeout}, nil
}

// ReadStatements is how many read statements the store has sent Neo4j.
func (s *Store) ReadStatements() int64 { return s.reads.Load() }

// Close closes the driver.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// Ping reports whether Neo4j answers.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.read(ctx, "ping", "RETURN 1 AS ok", nil)
	return err
}

// snapshotTimeout bounds a Snapshot, which reads the whole graph.
const snapshotTimeout = 2 * time.Minute

func (s *Store) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// read runs one read query, routed to readers in a cluster, as an
// auto-commit transaction: one round trip (RUN and PULL), where a managed
// one adds BEGIN and COMMIT. On this machine that took a third off Neo4j's
// CPU per statement (0.50 ms against 0.33 for a list of links). The session
// shares the driver's bookmarks with the writes (ExecuteQuery's manager),
// so a read follows every write the server made; a read the driver says may
// succeed if tried again is tried once more.
func (s *Store) read(ctx context.Context, op, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	recs, err := s.readOnce(ctx, cypher, params)
	if err != nil && neo4j.IsRetryable(err) && ctx.Err() == nil {
		recs, err = s.readOnce(ctx, cypher, params)
	}
	if err != nil {
		return nil, wrap(op, err)
	}
	return recs, nil
}

func (s *Store) readOnce(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	s.reads.Add(1)
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, cypher, params, neo4j.WithTxTimeout(s.timeout))
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// session opens every session the store uses, reads, writes, seeding and
// the audit trail alike, on its database and with the driver's one bookmark
// manager, the one neo4j.ExecuteQuery uses by default (Bootstrap, Load).
// Each session starts from the bookmarks of every transaction committed
// before it, so on a cluster a read after a write is served by a member
// that has the write: read-your-writes across sessions and requests.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName: s.db, AccessMode: mode,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
}

// distinct is ids without repeats, in the order of their first.
func distinct(ids []domain.ID) []domain.ID {
	seen := make(map[domain.ID]bool, len(ids))
	out := make([]domain.ID, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// stringsOf is ids or kinds as the plain strings a parameter holds.
func stringsOf[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// label returns a kind as a Cypher label, refusing anything off the closed list.
func label(k domain.Kind) (string, error) {
	if !k.Valid() {
		return "", fmt.Errorf("neo4jstore: %w: unknown kind %q", domain.ErrInvalidInput, k)
	}
	return string(k), nil
}

// relType returns a relationship kind as a Cypher type, refusing anything off the closed list.
func relType(k domain.RelKind) (string, error) {
	if !k.Valid() {
		return "", fmt.Errorf("neo4jstore: %w: unknown relationship kind %q", domain.ErrInvalidInput, k)
	}
	return string(k), nil
}

func nodesFrom(op string, recs []*neo4j.Record, key string) ([]*domain.Node, error) {
	out := make([]*domain.Node, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get(key)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, wrap(op, fmt.Errorf("column %s is %T", key, v))
		}
		n, err := decodeNode(m)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// NodesByID implements store.NodeReader in one query.
func (s *Store) NodesByID(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
	const op = "nodes by id"
	out := make(map[domain.ID]*domain.Node, len(ids))
	if len(ids) == 0 {
		return out, ctx.Err()
	}
	recs, err := s.read(ctx, op, "MATCH (n:Node) WHERE n.id IN $ids RETURN "+nodeMap("n")+" AS n", map[string]any{"ids": stringsOf(ids)})
	if err != nil {
		return nil, err
	}
	nodes, err := nodesFrom(op, recs, "n")
	for _, n := range nodes {
		out[n.ID] = n
	}
	return out, err
}

// NodesByKind implements store.NodeReader.
func (s *Store) NodesByKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error) {
	l, err := label(kind)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, "nodes by kind", "MATCH (n:"+l+") RETURN "+nodeMap("n")+" AS n ORDER BY n.order", nil)
	if err != nil {
		return nil, err
	}
	return nodesFrom("nodes by kind", recs, "n")
}

// NodeByCode implements store.NodeReader. Codes are matched on a lower-cased
// copy written at seed time, so the folding is Go's, as in the memstore.
func (s *Store) NodeByCode(ctx context.Context, kind domain.Kind, code string) (*domain.Node, error) {
	l, err := label(kind)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, "node by code", "MATCH (n:Node {codeLower: $code}) WHERE n:"+l+" RETURN "+nodeMap("n")+" AS n",
		map[string]any{"code": strings.ToLower(code)})
	if err != nil {
		return nil, err
	}
	nodes, err := nodesFrom("node by code", recs, "n")
	if err != nil {
		return nil, err
	}
	if len(nodes) == 0 {
		if plain, ok, err := s.codeTypedPlainly(ctx, l, code); err != nil || ok {
			if err != nil {
				return nil, err
			}
			return s.NodeByCode(ctx, kind, plain)
		}
		return nil, fmt.Errorf("neo4jstore: %s with code %q: %w", kind, code, domain.ErrNotFound)
	}
	return nodes[0], nil
}

// codeTypedPlainly is, for a code not found as written, the code of the
// label's node that search.FindCode reads it as ("CDO" is CDØ), as the
// memstore reads it; ok is false when there is none.
func (s *Store) codeTypedPlainly(ctx context.Context, label, code string) (string, bool, error) {
	const op = "node by code typed plainly"
	recs, err := s.read(ctx, op, "MATCH (n:"+label+") WHERE n.code IS NOT NULL RETURN n.code AS code ORDER BY n.order, n.id", nil)
	if err != nil {
		return "", false, err
	}
	codes := make([]string, 0, len(recs))
	for _, r := range recs {
		c, _ := r.AsMap()["code"].(string)
		codes = append(codes, c)
	}
	i := search.FindCode(codes, code)
	// A code equal to the one asked for ignoring case was not found as
	// written: taking it again would only loop.
	if i < 0 || strings.ToLower(codes[i]) == strings.ToLower(code) {
		return "", false, nil
	}
	return codes[i], true, nil
}

// Links implements store.LinkReader: an expansion of one step.
func (s *Store) Links(ctx context.Context, ids []domain.ID, q store.LinkQuery) (map[domain.ID][]domain.Link, error) {
	got, err := s.Expand(ctx, []store.Expansion{{Roots: store.Roots{By: store.ByIDs, IDs: ids}, Steps: []store.Step{{Q: q}}}})
	if err != nil {
		return nil, err
	}
	return got[0].Links[q], nil
}

// linkPattern is the pattern of q's links from the node a to b; q.Kind must
// have been checked with relType.
func linkPattern(a string, q store.LinkQuery, b string) string {
	if q.Dir == domain.Incoming {
		return "(" + a + ")<-[r:" + string(q.Kind) + "]-(" + b + ")"
	}
	return "(" + a + ")-[r:" + string(q.Kind) + "]->(" + b + ")"
}

// nodeMap projects a node's properties but the search index's own, which
// no reader needs and which are among the longest.
func nodeMap(v string) string {
	return v + " {.*, searchAll: null, searchName: null}"
}

// Expand implements store.Expander in one statement, built from the
// expansions' shape as the peer builds one from a GraphQL selection: a
// subquery collects each root set, and for each step another expands the
// distinct nodes of the level above, in relationship order, directly from
// the nodes matched (no ids sent back and forth, no index lookups), and a
// last one gathers every node reached, once. With store.Plain it reads of
// a node its plain properties (plainRow), not its sources, figures and
// tasks, the bulk of a node, and only those of them the expansions' Fields
// name; of a relationship only its order. A link's ends are never read:
// they are the nodes at either end of its step, in its direction.
func (s *Store) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	out, err := s.expand(ctx, xs)
	if err != nil {
		return nil, err
	}
	// A code not found as written may be one typed plainly ("CDO" is CDØ),
	// as NodeByCode reads it: that expansion is read again by the code
	// meant, which costs statements only when a code was typed so.
	for i, x := range xs {
		if x.Roots.By != store.ByCode || x.Roots.Code == "" || len(out[i].Roots) > 0 {
			continue
		}
		l, err := label(x.Roots.Kind)
		if err != nil {
			return nil, err
		}
		plain, ok, err := s.codeTypedPlainly(ctx, l, x.Roots.Code)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		x.Roots.Code = plain
		again, err := s.expand(ctx, []store.Expansion{x})
		if err != nil {
			return nil, err
		}
		out[i] = again[0]
	}
	return out, nil
}

// expand is Expand with codes taken as written, in one statement.
func (s *Store) expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	const op = "expand"
	var b strings.Builder
	var sets []string
	cols := []string{}
	params := map[string]any{}
	type step struct {
		col string
		x   int
		q   store.LinkQuery
		t   string
	}
	var steps []step
	plain := len(xs) > 0
	var fields store.PlainFields // the fields every expansion asks for; 0: all
	every := false
	for _, x := range xs {
		plain = plain && x.Project == store.Plain
		every = every || x.Fields == 0
		fields |= x.Fields
	}
	if every {
		fields = 0
	}
	// A link's ends are a and b, in the order of its direction: only its
	// properties are read, and of a plain one only its order.
	relProjection := "properties(r)"
	if plain {
		relProjection = "r.seq"
	}
	var expand func(x int, parent string, ss []store.Step) error
	expand = func(x int, parent string, ss []store.Step) error {
		for _, st := range ss {
			t, err := relType(st.Q.Kind)
			if err != nil {
				return err
			}
			i := strconv.Itoa(len(steps))
			e, set := "e"+i, "s"+i
			b.WriteString("CALL { WITH " + parent + " UNWIND " + parent + " AS a MATCH " + linkPattern("a", st.Q, "b:Node") +
				" WITH a, r, b ORDER BY r.seq RETURN collect([id(a), b, " + relProjection + "]) AS " + e + " } ")
			b.WriteString("CALL { WITH " + e + " UNWIND " + e + " AS x WITH DISTINCT x[1] AS b RETURN collect(b) AS " + set + " } ")
			steps = append(steps, step{col: e, x: x, q: st.Q, t: t})
			sets = append(sets, set)
			cols = append(cols, "[x IN "+e+" | [x[0], id(x[1]), x[2]]] AS "+e)
			if err := expand(x, set, st.Below); err != nil {
				return err
			}
		}
		return nil
	}
	for i, x := range xs {
		n := strconv.Itoa(i)
		set := "r" + n
		switch r := x.Roots; r.By {
		case store.ByCode:
			l, err := label(r.Kind)
			if err != nil {
				return nil, err
			}
			params["code"+n] = strings.ToLower(r.Code)
			b.WriteString("CALL { MATCH (n:Node {codeLower: $code" + n + "}) WHERE n:" + l + " RETURN collect(n) AS " + set + " } ")
		case store.ByKind:
			l, err := label(r.Kind)
			if err != nil {
				return nil, err
			}
			b.WriteString("CALL { MATCH (n:" + l + ") WITH n ORDER BY n.order RETURN collect(n) AS " + set + " } ")
		default:
			params["ids"+n] = stringsOf(distinct(r.IDs))
			b.WriteString("CALL { UNWIND $ids" + n + " AS id MATCH (n:Node {id: id}) RETURN collect(n) AS " + set + " } ")
		}
		sets = append(sets, set)
		cols = append(cols, "[n IN "+set+" | id(n)] AS "+set)
		if err := expand(i, set, x.Steps); err != nil {
			return nil, err
		}
	}
	out := make([]store.Expanded, len(xs))
	if len(xs) == 0 {
		return out, ctx.Err()
	}
	project, decode := nodeMap("n"), decodeNodeMap
	if plain {
		pc := plainCols(fields)
		project, decode = plainRow("n", pc), decodePlain(pc)
	}
	b.WriteString("CALL { WITH " + strings.Join(sets, ", ") + " UNWIND " + strings.Join(sets, " + ") +
		" AS n WITH DISTINCT n RETURN collect([id(n), " + project + "]) AS nodes } ")
	b.WriteString("RETURN nodes, " + strings.Join(cols, ", "))
	row, err := s.readRow(ctx, op, b.String(), params)
	if err != nil {
		return nil, err
	}
	// Rows name nodes by Neo4j's own id of them within the statement,
	// an integer, which the driver reads without allocating.
	raw, _ := row["nodes"].([]any)
	nodes := make(map[int64]*domain.Node, len(raw))
	for _, v := range raw {
		pair, _ := v.([]any)
		if len(pair) != 2 {
			return nil, wrap(op, fmt.Errorf("a node of %d values", len(pair)))
		}
		key, _ := pair[0].(int64)
		n, err := decode(pair[1])
		if err != nil {
			return nil, wrap(op, err)
		}
		nodes[key] = n
	}
	node := func(v any) (*domain.Node, error) {
		key, _ := v.(int64)
		if n := nodes[key]; n != nil {
			return n, nil
		}
		return nil, wrap(op, fmt.Errorf("node %d was reached but not read", key))
	}
	for i := range xs {
		ids, _ := row["r"+strconv.Itoa(i)].([]any)
		ns := make([]*domain.Node, 0, len(ids))
		for _, id := range ids {
			n, err := node(id)
			if err != nil {
				return nil, err
			}
			ns = append(ns, n)
		}
		out[i] = store.Expanded{Roots: ns, Links: map[store.LinkQuery]map[domain.ID][]domain.Link{}}
	}
	for _, st := range steps {
		read := map[domain.ID][]domain.Link{}
		rows, _ := row[st.col].([]any)
		for _, v := range rows {
			p, _ := v.([]any)
			if len(p) != 3 {
				return nil, wrap(op, fmt.Errorf("a link of %d values", len(p)))
			}
			near, err := node(p[0])
			if err != nil {
				return nil, err
			}
			far, err := node(p[1])
			if err != nil {
				return nil, err
			}
			at := near.ID
			from, to := at, far.ID
			if st.q.Dir == domain.Incoming {
				from, to = to, from
			}
			var rel *domain.Relationship
			if plain {
				seq, ok := p[2].(int64)
				if !ok && p[2] != nil {
					return nil, wrap(op, fmt.Errorf("a link's seq is %T", p[2]))
				}
				rel = &domain.Relationship{Kind: domain.RelKind(st.t), From: from, To: to, Seq: int(seq)}
			} else {
				props, _ := p[2].(map[string]any)
				if rel, err = decodeRel(st.t, string(from), string(to), props); err != nil {
					return nil, wrap(op, err)
				}
			}
			read[at] = append(read[at], domain.Link{Rel: rel, Other: far.ID, Dir: st.q.Dir, Node: far})
		}
		// A query taken in two places of the tree is kept from the first
		// for the nodes both reach: both read the same links.
		got := out[st.x].Links
		if got[st.q] == nil {
			got[st.q] = read
			continue
		}
		for id, links := range read {
			if _, known := got[st.q][id]; !known {
				got[st.q][id] = links
			}
		}
	}
	return out, nil
}

// readRow runs a read statement that gathers its whole answer into one
// row, as read does, and returns that row.
func (s *Store) readRow(ctx context.Context, op, cypher string, params map[string]any) (map[string]any, error) {
	recs, err := s.read(ctx, op, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, wrap(op, fmt.Errorf("%d rows, want one", len(recs)))
	}
	return recs[0].AsMap(), nil
}

// nodesIn decodes a list of nodes, each with decode, by id.
func nodesIn(op string, v any, decode func(any) (*domain.Node, error)) (map[domain.ID]*domain.Node, error) {
	raw, _ := v.([]any)
	out := make(map[domain.ID]*domain.Node, len(raw))
	for _, x := range raw {
		n, err := decode(x)
		if err != nil {
			return nil, wrap(op, err)
		}
		out[n.ID] = n
	}
	return out, nil
}

// decodeNodeMap decodes a node projected by nodeMap.
func decodeNodeMap(v any) (*domain.Node, error) {
	m, _ := v.(map[string]any)
	return decodeNode(m)
}

// Snapshot implements store.Snapshotter in one read transaction, as a
// re-seed reads what is stored (storedGraph): the nodes, then the links,
// each streamed as it arrives and put in seed order here. Collected and
// sorted in one Cypher statement, at a thousand times the seed they passed
// the memory Neo4j allows its transactions on a 1 GB heap.
//
// It may take longer than one query: snapshotTimeout, or the store's query
// timeout if that is longer, bounds it, besides ctx (at 1000× it takes
// several seconds, past the default query timeout).
func (s *Store) Snapshot(ctx context.Context) (*domain.Graph, error) {
	timeout := max(s.timeout, snapshotTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	s.reads.Add(1)
	g, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (*domain.Graph, error) {
		return storedGraph(ctx, tx)
	}, neo4j.WithTxTimeout(timeout))
	if err != nil {
		return nil, wrap("snapshot", err)
	}
	slices.SortStableFunc(g.Nodes, func(a, b *domain.Node) int { return a.Order - b.Order })
	slices.SortStableFunc(g.Relationships, func(a, b *domain.Relationship) int { return a.Seq - b.Seq })
	return g, nil
}
