package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/bif-kk/orggraph/internal/domain"
)

// batchSize bounds the rows one UNWIND statement carries.
const batchSize = 500

// SeedOptions tune Seed.
type SeedOptions struct {
	// Prune removes the nodes and relationships g does not hold.
	Prune bool
}

// Seed writes g into Neo4j in one transaction: MERGE on keys in UNWIND
// batches, so running it twice, or twice at once, leaves the same graph. A
// lock node taken first serialises concurrent seeds. The transaction function
// is idempotent, as the driver may retry it.
func (s *Store) Seed(ctx context.Context, g *domain.Graph, opts SeedOptions) error {
	stmts, err := seedStatements(g, opts)
	if err != nil {
		return err
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	_, err = sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for _, st := range stmts {
			res, err := tx.Run(ctx, st.cypher, st.params)
			if err != nil {
				return nil, err
			}
			if _, err := res.Consume(ctx); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	return wrap("seed", err)
}

// Load implements store.Loader: it replaces the database's contents with g,
// audit trail included (a fresh store has none). Seed, even with Prune,
// keeps the audit trail.
func (s *Store) Load(ctx context.Context, g *domain.Graph) error {
	if err := s.Seed(ctx, g, SeedOptions{Prune: true}); err != nil {
		return err
	}
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (a) WHERE a:AuditEntry OR a:AuditCounter DETACH DELETE a", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting())
	return wrap("load", err)
}

type statement struct {
	cypher string
	params map[string]any
}

func seedStatements(g *domain.Graph, opts SeedOptions) ([]statement, error) {
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

	if opts.Prune {
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
	}
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
