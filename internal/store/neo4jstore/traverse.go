package neo4jstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/bif-kk/orggraph/internal/domain"
)

// impactQuery finds every explaining path in one statement. The walk rules
// are domain's: the relationship types that carry impact, walked forward
// only where a type allows no more, and no stop kind in between.
func impactQuery(maxLen int) string {
	var types []string
	for _, w := range []domain.Walk{domain.WalkForward, domain.WalkBoth} {
		for _, k := range domain.ImpactRelKinds(w) {
			types = append(types, string(k))
		}
	}
	return `MATCH (s:Node {id: $id})
OPTIONAL MATCH p = (s)-[:` + strings.Join(types, "|") + `*1..` + strconv.Itoa(maxLen) + `]-(c:Centre)
WHERE all(i IN range(0, length(p) - 1) WHERE
        type(relationships(p)[i]) IN $both OR startNode(relationships(p)[i]) = nodes(p)[i])
  AND none(n IN nodes(p)[1..-1] WHERE n.kind IN $stops)
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
RETURN [n IN nodes(p) | n.id] AS ids,
       [r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id, props: properties(r)}] AS rels`
}

// ImpactPaths implements store.Traverser in one Cypher statement.
func (s *Store) ImpactPaths(ctx context.Context, from domain.ID, maxLen int) ([]domain.Path, error) {
	const op = "impact paths"
	if maxLen < 1 || maxLen > 6 {
		return nil, fmt.Errorf("neo4jstore: %w: path length %d is out of 1..6", domain.ErrInvalidInput, maxLen)
	}
	var both, stops []string
	for _, k := range domain.ImpactRelKinds(domain.WalkBoth) {
		both = append(both, string(k))
	}
	for _, k := range domain.ImpactStopKinds {
		stops = append(stops, string(k))
	}
	recs, err := s.read(ctx, op, impactQuery(maxLen), map[string]any{"id": string(from), "both": both, "stops": stops})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("neo4jstore: impact of %s: %w", from, domain.ErrNotFound)
	}
	var paths []domain.Path
	for _, rec := range recs {
		m := rec.AsMap()
		ids, _ := m["ids"].([]any)
		rels, _ := m["rels"].([]any)
		if len(rels) == 0 { // the subject exists but reaches no centre
			continue
		}
		p := domain.Path{Steps: make([]domain.Step, len(rels))}
		for i, rv := range rels {
			r, _ := rv.(map[string]any)
			typ, _ := r["type"].(string)
			rf, _ := r["from"].(string)
			rt, _ := r["to"].(string)
			props, _ := r["props"].(map[string]any)
			rel, err := decodeRel(typ, rf, rt, props)
			if err != nil {
				return nil, wrap(op, err)
			}
			at, _ := ids[i].(string)
			next, _ := ids[i+1].(string)
			p.Steps[i] = domain.Step{From: domain.ID(at), To: domain.ID(next), Rel: rel, Reversed: rf != at}
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// SearchCandidates implements store.Traverser in one statement: the
// full-text index over the folded text narrows the candidates, and the exact
// containment test, the same as the memstore's, decides.
func (s *Store) SearchCandidates(ctx context.Context, terms []string) ([]*domain.Node, error) {
	const op = "search"
	if len(terms) == 0 {
		return nil, nil
	}
	clauses := make([]string, len(terms))
	for i, t := range terms {
		// Folded terms hold only letters and digits, so nothing here needs
		// escaping from Lucene's query syntax; refuse anything else.
		if !folded(t) {
			return nil, fmt.Errorf("neo4jstore: %w: search term %q is not folded", domain.ErrInvalidInput, t)
		}
		clauses[i] = "+*" + t + "*"
	}
	recs, err := s.read(ctx, op, `CALL db.index.fulltext.queryNodes('node_search', $lucene) YIELD node
WHERE all(t IN $terms WHERE node.searchAll CONTAINS t)
RETURN properties(node) AS n`, map[string]any{"lucene": strings.Join(clauses, " "), "terms": terms})
	if err != nil {
		return nil, err
	}
	return nodesFrom(op, recs, "n")
}

func folded(t string) bool {
	if t == "" {
		return false
	}
	for _, r := range t {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
