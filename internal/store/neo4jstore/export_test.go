package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/bif-kk/orggraph/internal/domain"
)

// Bookmarks returns what the driver's bookmark manager holds, for tests of
// read-your-writes.
func Bookmarks(ctx context.Context, s *Store) ([]string, error) {
	return s.driver.ExecuteQueryBookmarkManager().GetBookmarks(ctx)
}

// NextOrder and NextSeq are the statements a creation reads its order and
// seq with.
const NextOrder = nextOrder

var NextSeq = nextSeq

// TopSeq is the part of NextSeq that reads one kind's highest seq.
func TopSeq(k domain.RelKind) string { return topSeq(k) }

// SearchPlan is, for tests, the operators of the plan Neo4j makes for
// Search's statement.
func (s *Store) SearchPlan(ctx context.Context, terms []string, first int) ([]string, error) {
	cypher, params := searchStatement(terms, first)
	return planOperators(ctx, s, cypher, params)
}

// PlanOperators returns the operators of the plan Neo4j makes for cypher,
// from EXPLAIN, which runs nothing.
func PlanOperators(ctx context.Context, s *Store, cypher string) ([]string, error) {
	return planOperators(ctx, s, cypher, nil)
}

func planOperators(ctx context.Context, s *Store, cypher string, params map[string]any) ([]string, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, "EXPLAIN "+cypher, params)
	if err != nil {
		return nil, err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return nil, err
	}
	var ops []string
	var walk func(p neo4j.Plan)
	walk = func(p neo4j.Plan) {
		ops = append(ops, p.Operator())
		for _, c := range p.Children() {
			walk(c)
		}
	}
	if p := sum.Plan(); p != nil {
		walk(p)
	}
	return ops, nil
}

// SetChunkSteps makes a re-seed write n changes a transaction until the
// test ends.
func SetChunkSteps(t interface{ Cleanup(func()) }, n int) {
	old := chunkSteps
	chunkSteps = n
	t.Cleanup(func() { chunkSteps = old })
}
