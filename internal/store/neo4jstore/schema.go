package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/bif-kk/orggraph/internal/domain"
)

// schema lists the statements that make a database ready for orggraph: a
// named uniqueness constraint on every kind's key, and on the shared Node
// label that every lookup by id uses; the code index; the text index search
// finds its candidates with. The text index (trigrams) answers CONTAINS
// over text that is already folded (search.Fold), so Neo4j matches Danish
// exactly as the memstore does. It replaces a full-text index, whose
// leading-wildcard queries cost nearly twice as much; orggraph no longer
// creates that one (node_search), and an older database may drop it. The
// audit trail is indexed by target, which the audit query filters on and a
// re-seed looks planners' deletions up by.
func schema() []string {
	stmts := []string{
		"CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT seedlock_id IF NOT EXISTS FOR (n:SeedLock) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT scenario_id IF NOT EXISTS FOR (s:Scenario) REQUIRE s.id IS UNIQUE",
		// A write's idempotency key names one audit entry; entries without a
		// key have no such property, which the constraint allows.
		"CREATE CONSTRAINT audit_idempotency_key IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.idempotencyKey IS UNIQUE",
		"CREATE INDEX node_code IF NOT EXISTS FOR (n:Node) ON (n.codeLower)",
		// A created node or link gets one past the highest order or seq
		// (nextOrder, nextSeq); these indexes answer that from their end
		// rather than a scan of every node or relationship.
		"CREATE INDEX node_order IF NOT EXISTS FOR (n:Node) ON (n.order)",
		"CREATE TEXT INDEX node_search_text IF NOT EXISTS FOR (n:Node) ON (n.searchAll)",
		"CREATE INDEX audit_target IF NOT EXISTS FOR (a:AuditEntry) ON (a.target)",
		// The change feed reads the trail after a seq (Changes).
		"CREATE INDEX audit_seq IF NOT EXISTS FOR (a:AuditEntry) ON (a.seq)",
	}
	for _, k := range domain.Kinds {
		stmts = append(stmts, fmt.Sprintf("CREATE CONSTRAINT %s_id IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE", k.Prefix(), k))
	}
	for _, spec := range domain.RelSpecs {
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX %s_seq IF NOT EXISTS FOR ()-[r:%s]-() ON (r.seq)", strings.ToLower(string(spec.Kind)), spec.Kind))
	}
	return stmts
}

// nextOrder is the order a created node gets: one past the highest, read
// from the end of the node_order index.
const nextOrder = "MATCH (m:Node) WHERE m.order IS NOT NULL RETURN m.order + 1 AS next ORDER BY m.order DESC LIMIT 1"

// nextSeq is the seq a created link gets: one past the highest of any kind,
// each kind's read from the end of its seq index (a relationship index is
// for one type).
var nextSeq = func() string {
	var parts []string
	for _, spec := range domain.RelSpecs {
		parts = append(parts, topSeq(spec.Kind))
	}
	return "CALL {\n" + strings.Join(parts, "\nUNION ALL\n") + "\n}\nRETURN coalesce(max(seq), -1) + 1 AS next"
}()

// topSeq reads the highest seq of one kind of link, if there is one.
func topSeq(k domain.RelKind) string {
	return "MATCH (:Node)-[r:" + string(k) + "]->(:Node) WHERE r.seq IS NOT NULL RETURN r.seq AS seq ORDER BY r.seq DESC LIMIT 1"
}

// Bootstrap creates the schema if it is missing and waits for the indexes to
// come online. It is safe to run at every start and concurrently.
func (s *Store) Bootstrap(ctx context.Context) error {
	for _, stmt := range append(schema(), "CALL db.awaitIndexes(120)") {
		_, err := neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting())
		if err != nil {
			return wrap("bootstrap schema", err)
		}
	}
	return nil
}
