package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// batchSize bounds the rows one UNWIND statement carries: a few thousand, so
// a seed of 350,000 nodes, links and audit entries takes some hundred
// statements, each a few MB of parameters.
const batchSize = 4000

// Load implements store.Loader: it replaces the database's contents with g,
// audit trail included (a fresh store has none), writing g in one
// transaction as MERGE on keys in UNWIND batches and removing what g does
// not hold. It is for a fresh store (tests, benchmarks); `orggraph seed`
// goes through Reseed, which keeps the version rule and the audit trail.
// The transaction function is idempotent, as the driver may retry it.
func (s *Store) Load(ctx context.Context, g *domain.Graph) error {
	stmts, err := loadStatements(g)
	if err != nil {
		return err
	}
	// The trail begins again, in a new epoch (store.Version), so no cache
	// keyed by a version of the old graph is taken for the new one.
	stmts = append(stmts, statement{"MATCH (a) WHERE a:AuditEntry OR a:AuditCounter DETACH DELETE a", nil},
		statement{"CREATE (:AuditCounter {id: 'audit', seq: 0, epoch: randomUUID()})", nil})
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	_, err = sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for _, st := range stmts {
			if _, err := run(ctx, tx, st.cypher, st.params); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	return wrap("load", err)
}

type statement struct {
	cypher string
	params map[string]any
}

func loadStatements(g *domain.Graph) ([]statement, error) {
	// The lock node, taken first, serialises concurrent loads.
	stmts := []statement{{"MERGE (l:SeedLock {id: 'seed'}) SET l.at = datetime()", nil}}

	nodeRows := map[domain.Kind][]map[string]any{}
	ids := make([]string, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		if _, err := label(n.Kind); err != nil {
			return nil, err
		}
		p, err := nodeProps(n)
		if err != nil {
			return nil, fmt.Errorf("neo4jstore: seed %s: %w", n.ID, err)
		}
		nodeRows[n.Kind] = append(nodeRows[n.Kind], map[string]any{"id": string(n.ID), "props": p})
		ids = append(ids, string(n.ID))
	}
	for _, k := range domain.Kinds {
		for _, rows := range batches(nodeRows[k]) {
			stmts = append(stmts, statement{
				"UNWIND $rows AS row MERGE (n:Node {id: row.id}) SET n = row.props SET n:" + string(k),
				map[string]any{"rows": rows},
			})
		}
	}

	relRows := map[domain.RelKind][]map[string]any{}
	keys := map[domain.RelKind][]string{}
	for _, r := range g.Relationships {
		if _, err := relType(r.Kind); err != nil {
			return nil, err
		}
		p, err := relProps(r)
		if err != nil {
			return nil, fmt.Errorf("neo4jstore: seed %s: %w", r.Key(), err)
		}
		relRows[r.Kind] = append(relRows[r.Kind], map[string]any{"from": string(r.From), "to": string(r.To), "props": p})
		keys[r.Kind] = append(keys[r.Kind], string(r.From)+"|"+string(r.To))
	}
	for _, spec := range domain.RelSpecs {
		t := string(spec.Kind)
		for _, rows := range batches(relRows[spec.Kind]) {
			stmts = append(stmts, statement{
				"UNWIND $rows AS row MATCH (a:Node {id: row.from}) MATCH (b:Node {id: row.to}) " +
					"MERGE (a)-[r:" + t + "]->(b) SET r = row.props",
				map[string]any{"rows": rows},
			})
		}
	}

	stmts = append(stmts, statement{"MATCH (n:Node) WHERE NOT n.id IN $ids DETACH DELETE n", map[string]any{"ids": ids}})
	var types []string
	for _, spec := range domain.RelSpecs {
		t := string(spec.Kind)
		types = append(types, t)
		stmts = append(stmts, statement{
			"MATCH (a:Node)-[r:" + t + "]->(b:Node) WHERE NOT a.id + '|' + b.id IN $keys DELETE r",
			map[string]any{"keys": append([]string{}, keys[spec.Kind]...)},
		})
	}
	stmts = append(stmts, statement{"MATCH (:Node)-[r]-(:Node) WHERE NOT type(r) IN $types DELETE r", map[string]any{"types": types}})
	return stmts, nil
}

func batches(rows []map[string]any) [][]map[string]any {
	var out [][]map[string]any
	for len(rows) > 0 {
		n := min(batchSize, len(rows))
		out = append(out, rows[:n])
		rows = rows[n:]
	}
	return out
}

// Counts returns how many orggraph nodes and relationships the database holds.
func (s *Store) Counts(ctx context.Context) (nodes, rels int64, err error) {
	recs, err := s.read(ctx, "counts",
		"MATCH (n:Node) WITH count(n) AS nodes OPTIONAL MATCH (:Node)-[r]->(:Node) RETURN nodes, count(r) AS rels", nil)
	if err != nil {
		return 0, 0, err
	}
	m := recs[0].AsMap()
	nodes, _ = m["nodes"].(int64)
	rels, _ = m["rels"].(int64)
	return nodes, rels, nil
}

var _ store.Reseeder = (*Store)(nil)

// chunkSteps bounds the changes one re-seed transaction writes. A first
// seeding at a thousand times the seed is some 350,000 changes with an
// audit entry each; held in one transaction's state they outgrow a modest
// Neo4j heap, and committing them at once costs far more than committing
// them in parts. The parts are kept small: Neo4j holds a transaction's
// state, and the parameters of its statements, on its heap until the
// commit, and sorts its commands at the commit. At 1000× on the 1 GB heap
// scripts/neo4j gives it, 25,000 a transaction kept some 800 MB live, and
// the JVM spent 25 s of a seeding in collector pauses (44 old-generation
// collections); at 2,000, 6 s and 2, and Neo4j's CPU fell from 99–109 s
// to 64–70 s (docs/BENCHMARKS.md). A commit costs little beside that:
// at 1,000 a transaction the CPU was the same.
var chunkSteps = 2000

// Reseed implements store.Reseeder. Each of its transactions first takes
// the audit counter's write lock, as every write does (see apply), so a
// planner's write commits wholly before or after it. The first reads the
// stored graph, plans by domain.PlanReseed, and writes the changes in
// UNWIND batches with an audit entry each. A plan of more than chunkSteps
// changes is written chunkSteps at a time, one transaction each, in the
// plan's order (nodes written before links, links removed before nodes, so
// the graph holds between chunks): each continues the plan while the
// counter is where the last one left it, and plans afresh from what is
// stored if another write came between them. A reader may see the graph
// between two chunks, and a failure leaves the chunks before it written:
// seeding again finds them unchanged and writes the rest. Each transaction function reads everything it decides
// on, so a retry decides afresh.
func (s *Store) Reseed(ctx context.Context, doc *domain.Graph, opts domain.ReseedOptions) (domain.SeedReport, error) {
	for _, n := range doc.Nodes {
		if _, err := label(n.Kind); err != nil {
			return domain.SeedReport{}, err
		}
	}
	for _, r := range doc.Relationships {
		if _, err := relType(r.Kind); err != nil {
			return domain.SeedReport{}, err
		}
	}
	at := time.Now().UTC()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	var state *reseedRun
	for {
		res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return reseedChunk(ctx, tx, doc, opts, at, state)
		})
		if err != nil {
			return domain.SeedReport{}, wrap("reseed", err)
		}
		state = res.(*reseedRun)
		if len(state.steps) == 0 {
			return state.report(), nil
		}
	}
}

// reseedRun is a re-seed between its transactions: the plan's changes not
// yet written, the counter's seq the last transaction left, and what has
// been written.
type reseedRun struct {
	steps []domain.SeedStep
	plan  domain.SeedReport
	seq   int64
	// done names the changes written, in order; doneBefore counts those
	// written before the current plan was made, which it found unchanged.
	done       []string
	doneBefore int
}

// report is the plan's report, naming every change written.
func (r *reseedRun) report() domain.SeedReport {
	rep := r.plan
	rep.Changed = r.done
	rep.Unchanged = max(0, rep.Unchanged-r.doneBefore)
	return rep
}

// reseedChunk writes the next chunk of a re-seed, planning it first unless
// prev's plan still holds (the counter has not moved since prev), and
// returns the run after it. It leaves prev as it was, for a retry.
func reseedChunk(ctx context.Context, tx neo4j.ManagedTransaction, doc *domain.Graph, opts domain.ReseedOptions, at time.Time, prev *reseedRun) (*reseedRun, error) {
	// A real change to the counter takes its lock; lastReseed is what changes.
	recs, err := run(ctx, tx, `MERGE (c:AuditCounter {id: 'audit'}) ON CREATE SET c.seq = 0, c.epoch = randomUUID()
SET c.lastReseed = $at RETURN c.seq AS seq`, map[string]any{"at": at.Format(time.RFC3339Nano)})
	if err != nil {
		return nil, err
	}
	seq, _ := recs[0].AsMap()["seq"].(int64)
	next := &reseedRun{}
	if prev != nil {
		*next = *prev
	}
	if prev == nil || prev.seq != seq {
		cur, err := storedGraph(ctx, tx)
		if err != nil {
			return nil, err
		}
		var deleted map[string]domain.Provenance
		var versions map[string]int64
		// The counter numbers every audit entry: at 0 the trail is empty
		// (a first seeding) and holds no deletions to look up.
		if seq > 0 {
			if deleted, versions, err = deletions(ctx, tx, cur, doc); err != nil {
				return nil, err
			}
		}
		next.steps, next.plan = domain.PlanReseed(cur, doc, deleted, versions, opts)
		next.doneBefore = len(next.done)
	}
	if len(next.steps) == 0 {
		return next, nil
	}
	chunk := next.steps[:min(chunkSteps, len(next.steps))]
	recs, err = run(ctx, tx, "MATCH (c:AuditCounter {id: 'audit'}) SET c.seq = c.seq + $n RETURN c.seq AS top",
		map[string]any{"n": int64(len(chunk))})
	if err != nil {
		return nil, err
	}
	top, _ := recs[0].AsMap()["top"].(int64)
	stmts, entries, err := reseedStatements(chunk, top-int64(len(chunk)), at)
	if err != nil {
		return nil, err
	}
	for _, st := range stmts {
		if _, err := run(ctx, tx, st.cypher, st.params); err != nil {
			return nil, err
		}
	}
	for _, rows := range batches(entries) {
		if _, err := run(ctx, tx, "UNWIND $rows AS row CREATE (a:AuditEntry) SET a = row", map[string]any{"rows": rows}); err != nil {
			return nil, err
		}
	}
	next.steps, next.seq = next.steps[len(chunk):], top
	next.done = slices.Clip(next.done)
	for _, st := range chunk {
		next.done = append(next.done, string(st.Write.Op)+" "+st.Write.Target())
	}
	return next, nil
}

// storedGraph reads every node and relationship inside tx, decoding each
// record as it arrives rather than holding them all.
func storedGraph(ctx context.Context, tx neo4j.ManagedTransaction) (*domain.Graph, error) {
	g := &domain.Graph{}
	err := each(ctx, tx, "MATCH (n:Node) RETURN properties(n) AS n", func(rec *neo4j.Record) error {
		props, _ := rec.Values[0].(map[string]any)
		n, err := decodeNode(props)
		g.Nodes = append(g.Nodes, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx, "MATCH (a:Node)-[r]->(b:Node) RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props", func(rec *neo4j.Record) error {
		r, err := decodeRelMap(rec.AsMap())
		g.Relationships = append(g.Relationships, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// each runs cypher in tx and hands f its records one at a time.
func each(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, f func(*neo4j.Record) error) error {
	res, err := tx.Run(ctx, cypher, nil)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		if err := f(res.Record()); err != nil {
			return err
		}
	}
	return res.Err()
}

// deletions reads the last audit entry of each of doc's targets the store
// does not hold, for domain.PlannerDeletions and domain.DeletedVersions.
func deletions(ctx context.Context, tx neo4j.ManagedTransaction, cur, doc *domain.Graph) (map[string]domain.Provenance, map[string]int64, error) {
	held := map[string]bool{}
	for _, n := range cur.Nodes {
		held[string(n.ID)] = true
	}
	for _, r := range cur.Relationships {
		held[r.Key()] = true
	}
	var missing []string
	for _, n := range doc.Nodes {
		if !held[string(n.ID)] {
			missing = append(missing, string(n.ID))
		}
	}
	for _, r := range doc.Relationships {
		if !held[r.Key()] {
			missing = append(missing, r.Key())
		}
	}
	if len(missing) == 0 {
		return nil, nil, nil
	}
	recs, err := run(ctx, tx, `UNWIND $targets AS t
MATCH (a:AuditEntry {target: t})
WITH t, a ORDER BY a.seq DESC
WITH t, head(collect(a)) AS a
RETURN t AS target, a.seq AS seq, a.actor AS actor, a.op AS op, a.before AS before`, map[string]any{"targets": missing})
	if err != nil {
		return nil, nil, err
	}
	var entries []domain.AuditEntry
	for i, rec := range recs {
		m := rec.AsMap()
		p := &props{m: m}
		e := domain.AuditEntry{Target: p.str("target"), Actor: p.str("actor"), Op: domain.WriteOp(p.str("op")), Before: p.str("before")}
		e.Seq = p.number("seq")
		if p.err != nil {
			return nil, nil, fmt.Errorf("audit entry %d: %w", i, p.err)
		}
		entries = append(entries, e)
	}
	return domain.PlannerDeletions(entries), domain.DeletedVersions(entries), nil
}

// reseedStatements turns a re-seed's steps into UNWIND batches, in the
// steps' order (nodes and links written, then links and nodes removed),
// and its audit entries, numbered from after seq.
func reseedStatements(steps []domain.SeedStep, seq int64, at time.Time) ([]statement, []map[string]any, error) {
	type group struct {
		cypher string
		rows   []map[string]any
	}
	var order []string
	groups := map[string]*group{}
	add := func(cypher string, row map[string]any) {
		g := groups[cypher]
		if g == nil {
			g = &group{cypher: cypher}
			groups[cypher] = g
			order = append(order, cypher)
		}
		g.rows = append(g.rows, row)
	}
	entries := make([]map[string]any, 0, len(steps))
	for _, st := range steps {
		w := st.Write
		switch w.Op {
		case domain.CreateNode, domain.UpdateNode:
			l, err := label(w.Node.Kind)
			if err != nil {
				return nil, nil, err
			}
			p, err := nodeProps(w.Node)
			if err != nil {
				return nil, nil, fmt.Errorf("neo4jstore: reseed %s: %w", w.Node.ID, err)
			}
			row := map[string]any{"id": string(w.Node.ID), "props": p}
			if w.Op == domain.CreateNode {
				// Planned inside the transaction, under the counter's lock:
				// the node is not there, so there is none to look up.
				add("UNWIND $rows AS row CREATE (n:Node:"+l+") SET n = row.props", row)
				break
			}
			add("UNWIND $rows AS row MATCH (n:Node {id: row.id}) SET n = row.props SET n:"+l, row)
		case domain.CreateLink, domain.UpdateLink, domain.DeleteLink:
			t, err := relType(w.Rel.Kind)
			if err != nil {
				return nil, nil, err
			}
			row := map[string]any{"from": string(w.Rel.From), "to": string(w.Rel.To)}
			if w.Op == domain.DeleteLink {
				add("UNWIND $rows AS row MATCH (:Node {id: row.from})-[r:"+t+"]->(:Node {id: row.to}) DELETE r", row)
				break
			}
			p, err := relProps(w.Rel)
			if err != nil {
				return nil, nil, fmt.Errorf("neo4jstore: reseed %s: %w", w.Rel.Key(), err)
			}
			row["props"] = p
			// As for nodes: a planned creation has no link to merge with.
			write := "MERGE"
			if w.Op == domain.CreateLink {
				write = "CREATE"
			}
			add("UNWIND $rows AS row MATCH (a:Node {id: row.from}) MATCH (b:Node {id: row.to}) "+
				write+" (a)-[r:"+t+"]->(b) SET r = row.props", row)
		case domain.DeleteNode:
			add("UNWIND $rows AS row MATCH (n:Node {id: row.id}) DELETE n", map[string]any{"id": string(w.Node.ID)})
		}
		seq++
		e := st.Entry(seq, at)
		entries = append(entries, auditProps(&e))
	}
	var stmts []statement
	for _, c := range order {
		for _, rows := range batches(groups[c].rows) {
			stmts = append(stmts, statement{c, map[string]any{"rows": rows}})
		}
	}
	return stmts, entries, nil
}
