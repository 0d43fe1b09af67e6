package neo4jstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
)

// pathColumns returns a path's nodes and its relationships as maps.
const pathColumns = `[n IN nodes(p) | n {.*, searchAll: null, searchName: null}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id, props: properties(r)}] AS rels`

// simplePath holds when no node occurs twice on p.
const simplePath = `all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])`

// impactQuery finds every explaining path from many subjects in one
// statement. The walk rules are domain's: the relationship types that carry
// impact, walked forward only where a type allows no more, and no stop kind
// in between.
func impactQuery(maxLen int) string {
	var types []string
	for _, w := range []domain.Walk{domain.WalkForward, domain.WalkBoth} {
		for _, k := range domain.ImpactRelKinds(w) {
			types = append(types, string(k))
		}
	}
	return `UNWIND $ids AS id
MATCH (s:Node {id: id})
OPTIONAL MATCH p = (s)-[:` + strings.Join(types, "|") + `*1..` + strconv.Itoa(maxLen) + `]-(c:Centre)
WHERE all(i IN range(0, length(p) - 1) WHERE
        type(relationships(p)[i]) IN $both OR startNode(relationships(p)[i]) = nodes(p)[i])
  AND none(n IN nodes(p)[1..-1] WHERE n.kind IN $stops)
  AND ` + simplePath + `
RETURN s.id AS subject, ` + pathColumns
}

func checkLen(maxLen int) error {
	if maxLen < 1 || maxLen > 6 {
		return fmt.Errorf("neo4jstore: %w: path length %d is out of 1..6", domain.ErrInvalidInput, maxLen)
	}
	return nil
}

// ImpactPaths implements store.Traverser in one Cypher statement.
func (s *Store) ImpactPaths(ctx context.Context, from []domain.ID, maxLen int) (map[domain.ID][]domain.Path, error) {
	const op = "impact paths"
	if err := checkLen(maxLen); err != nil {
		return nil, err
	}
	var both []string
	for _, k := range domain.ImpactRelKinds(domain.WalkBoth) {
		both = append(both, string(k))
	}
	recs, err := s.read(ctx, op, impactQuery(maxLen), map[string]any{
		"ids": stringsOf(from), "both": both, "stops": stringsOf(domain.ImpactStopKinds)})
	if err != nil {
		return nil, err
	}
	out := make(map[domain.ID][]domain.Path, len(from))
	seen := map[string]*domain.Node{}
	for _, rec := range recs {
		subject, _ := rec.AsMap()["subject"].(string)
		p, err := pathFrom(rec, seen)
		if err != nil {
			return nil, wrap(op, err)
		}
		paths := out[domain.ID(subject)]
		if paths == nil {
			paths = []domain.Path{}
		}
		if p != nil {
			paths = append(paths, *p)
		}
		out[domain.ID(subject)] = paths
	}
	return out, nil
}

// PathsBetween implements store.Traverser in one Cypher statement.
func (s *Store) PathsBetween(ctx context.Context, from, to domain.ID, maxLen int) ([]domain.Path, error) {
	const op = "paths between"
	if err := checkLen(maxLen); err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, op, `MATCH (a:Node {id: $from}), (b:Node {id: $to})
OPTIONAL MATCH p = (a)-[*1..`+strconv.Itoa(maxLen)+`]-(b)
WHERE none(n IN nodes(p)[1..-1] WHERE n.kind IN $stops) AND `+simplePath+`
RETURN `+pathColumns, map[string]any{"from": string(from), "to": string(to), "stops": stringsOf(domain.PathStopKinds)})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("neo4jstore: paths between %s and %s: %w", from, to, domain.ErrNotFound)
	}
	var paths []domain.Path
	seen := map[string]*domain.Node{}
	for _, rec := range recs {
		p, err := pathFrom(rec, seen)
		if err != nil {
			return nil, wrap(op, err)
		}
		if p != nil {
			paths = append(paths, *p)
		}
	}
	return paths, nil
}

// pathFrom reads the nodes and rels columns; nil for an empty OPTIONAL
// MATCH. A node met on many paths is decoded once, into seen.
func pathFrom(rec *neo4j.Record, seen map[string]*domain.Node) (*domain.Path, error) {
	m := rec.AsMap()
	rels, err := relsFrom(m["rels"])
	if err != nil || len(rels) == 0 {
		return nil, err
	}
	raw, _ := m["nodes"].([]any)
	if len(raw) != len(rels)+1 {
		return nil, fmt.Errorf("a path of %d relationships has %d nodes", len(rels), len(raw))
	}
	p := &domain.Path{Steps: make([]domain.Step, len(rels)), Nodes: make([]*domain.Node, len(raw))}
	for i, v := range raw {
		props, _ := v.(map[string]any)
		id, _ := props["id"].(string)
		n := seen[id]
		if n == nil {
			if n, err = decodeNode(props); err != nil {
				return nil, err
			}
			seen[id] = n
		}
		p.Nodes[i] = n
	}
	for i, rel := range rels {
		at, next := p.Nodes[i].ID, p.Nodes[i+1].ID
		p.Steps[i] = domain.Step{From: at, To: next, Rel: rel, Reversed: rel.From != at}
	}
	return p, nil
}

// relsFrom decodes a list of {type, from, to, props} maps.
func relsFrom(v any) ([]*domain.Relationship, error) {
	list, _ := v.([]any)
	out := make([]*domain.Relationship, 0, len(list))
	for _, rv := range list {
		r, _ := rv.(map[string]any)
		rel, err := decodeRelMap(r)
		if err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	return out, nil
}

// dependenciesQuery finds, in one statement, everything each centre shares
// with another: the four patterns of domain.SharedKind.
const dependenciesQuery = `UNWIND $ids AS aid
MATCH (a:Node {id: aid}) WHERE a:Centre
CALL {
  WITH a
  MATCH (a)-[r1:SERVES]->(x)<-[r2:SERVES]-(b:Centre) WHERE b <> a
  RETURN b.id AS other, 'TARGET_GROUP' AS kind, x.id AS via, null AS also, [r1, r2] AS rels
  UNION
  WITH a
  MATCH (a)-[r1:DELIVERS]->(x)<-[r2:DELIVERS]-(b:Centre) WHERE b <> a
  RETURN b.id AS other, 'INTERVENTION' AS kind, x.id AS via, null AS also, [r1, r2] AS rels
  UNION
  WITH a
  MATCH (a)<-[r1:WORKS_WITH]-(x)-[r2:WORKS_WITH]->(b:Centre) WHERE b <> a
  RETURN b.id AS other, 'PARTNER' AS kind, x.id AS via, null AS also, [r1, r2] AS rels
  UNION
  WITH a
  MATCH (a)-[r1:PAYS]->(x)-[r2:PAID_TO]->(y)<-[r3:SERVES]-(b:Centre) WHERE b <> a
  RETURN b.id AS other, 'BENEFIT_FLOW' AS kind, x.id AS via, y.id AS also, [r1, r2, r3] AS rels
  UNION
  WITH a
  MATCH (a)-[r1:SERVES]->(y)<-[r2:PAID_TO]-(x)<-[r3:PAYS]-(b:Centre) WHERE b <> a
  RETURN b.id AS other, 'BENEFIT_FLOW' AS kind, x.id AS via, y.id AS also, [r1, r2, r3] AS rels
}
WITH collect({centre: a.id, other: other, kind: kind, via: via, also: also,
       rels: [r IN rels | {type: type(r), from: startNode(r).id, to: endNode(r).id, props: properties(r)}]}) AS rows
WITH rows, reduce(ids = [], row IN rows | ids + [row.other, row.via] + CASE WHEN row.also IS NULL THEN [] ELSE [row.also] END) AS named
UNWIND (CASE WHEN named = [] THEN [null] ELSE named END) AS id
WITH rows, collect(DISTINCT id) AS ids
OPTIONAL MATCH (n:Node) WHERE n.id IN ids
RETURN rows, collect(` + "n {.*, searchAll: null, searchName: null}" + `) AS nodes`

// Dependencies implements store.Traverser in one Cypher statement.
func (s *Store) Dependencies(ctx context.Context, ids []domain.ID) ([]domain.Shared, map[domain.ID]*domain.Node, error) {
	const op = "dependencies"
	if len(ids) == 0 {
		return nil, nil, ctx.Err()
	}
	row, err := s.readRow(ctx, op, dependenciesQuery, map[string]any{"ids": stringsOf(ids)})
	if err != nil {
		return nil, nil, err
	}
	rows, _ := row["rows"].([]any)
	out := make([]domain.Shared, 0, len(rows))
	for _, v := range rows {
		m, _ := v.(map[string]any)
		str := func(k string) domain.ID { v, _ := m[k].(string); return domain.ID(v) }
		rels, err := relsFrom(m["rels"])
		if err != nil {
			return nil, nil, wrap(op, err)
		}
		kind, _ := m["kind"].(string)
		out = append(out, domain.Shared{Centre: str("centre"), Other: str("other"), Kind: domain.SharedKind(kind),
			Via: str("via"), Also: str("also"), Rels: rels})
	}
	nodes, err := nodesIn(op, row["nodes"], decodeNodeMap)
	if err != nil {
		return nil, nil, err
	}
	return out, nodes, nil
}

// Search implements store.Traverser: the candidates are the nodes whose
// folded text holds, for every term, one of its needles (search.Needles:
// every text the ranking can match holds one), returning of each only its
// id, order and stored text; search.Best, the memstore's ranking, decides.
// Where there are more candidates than first, a second statement reads
// only the nodes ranked whole.
func (s *Store) Search(ctx context.Context, terms []string, first int) ([]search.Hit, error) {
	const op = "search"
	if len(terms) == 0 {
		return nil, nil
	}
	for _, t := range terms {
		// Terms are parameters, but one that is not folded can match
		// nothing the memstore would: refuse it.
		if !folded(t) {
			return nil, fmt.Errorf("neo4jstore: %w: search term %q is not folded", domain.ErrInvalidInput, t)
		}
	}
	cypher, params := searchStatement(terms, first)
	row, err := s.readRow(ctx, op, cypher, params)
	if err != nil {
		return nil, err
	}
	raw, _ := row["candidates"].([]any)
	cs := make([]search.Candidate, 0, len(raw))
	for _, v := range raw {
		c, _ := v.([]any)
		if len(c) != 3 {
			return nil, wrap(op, fmt.Errorf("a candidate of %d values", len(c)))
		}
		id, _ := c[0].(string)
		order, _ := c[1].(int64)
		all, _ := c[2].(string)
		t, ok := search.ParseAll(all)
		if id == "" || !ok {
			return nil, wrap(op, fmt.Errorf("node %q has no search text", id))
		}
		cs = append(cs, search.Candidate{ID: domain.ID(id), Order: int(order), Text: t})
	}
	best := search.Best(cs, terms, first)
	if len(best) == 0 {
		return []search.Hit{}, nil
	}
	nodes, err := nodesIn(op, row["nodes"], decodeNodeMap)
	if err != nil {
		return nil, err
	}
	if len(nodes) == 0 {
		ids := make([]domain.ID, len(best))
		for i, b := range best {
			ids[i] = b.ID
		}
		if nodes, err = s.NodesByID(ctx, ids); err != nil {
			return nil, err
		}
	}
	hits := make([]search.Hit, 0, len(best))
	for _, b := range best {
		// A node deleted since the first read is no longer a hit.
		if n := nodes[b.ID]; n != nil {
			hits = append(hits, search.Hit{Node: n, Score: b.Score})
		}
	}
	return hits, nil
}

// searchStatement is Search's one statement. The text index answers
// CONTAINS, one seek for each of an OR's branches: the term whose shortest
// needle is longest narrows most, and the test of every term's needles
// decides. A candidate need not be a hit (a needle is part of a term), so
// the nodes come whole at once only where there are few.
//
// search.Best ranks every hit that holds each term as typed (Exact) before
// any that needed forgiving, and stops forgiving once first hits are
// found: where first or more candidates hold every term as typed, those
// alone are ranked as all the candidates would be, and the statement
// sends only them (at 100× the seed, "fleksjob": 600 texts instead of
// 2,700). The forgiving seeks run only where there are fewer.
func searchStatement(terms []string, first int) (string, map[string]any) {
	needles := search.Needles(terms)
	params := map[string]any{"needles": needles, "first": first, "terms": terms}
	narrow := needles[0]
	for _, ns := range needles[1:] {
		if shortest(ns) > shortest(narrow) {
			narrow = ns
		}
	}
	seeks := make([]string, len(narrow))
	for i, n := range narrow {
		name := "seek" + strconv.Itoa(i)
		params[name] = n
		seeks[i] = "node.searchAll CONTAINS $" + name
	}
	longest := terms[0]
	for _, t := range terms[1:] {
		if len(t) > len(longest) {
			longest = t
		}
	}
	params["exact"] = longest
	// The exact texts are candidates too (they hold a needle of every
	// term, as Best requires of any text it ranks), so each is a hit.
	return `CALL { MATCH (node:Node) WHERE node.searchAll CONTAINS $exact
  AND all(t IN $terms WHERE node.searchAll CONTAINS t)
  AND all(ns IN $needles WHERE any(n IN ns WHERE node.searchAll CONTAINS n)) RETURN collect(node) AS exact }
CALL { WITH exact UNWIND CASE WHEN size(exact) < $first THEN [true] ELSE [] END AS forgive
  MATCH (node:Node) WHERE (` + strings.Join(seeks, " OR ") + `)
  AND all(ns IN $needles WHERE any(n IN ns WHERE node.searchAll CONTAINS n))
  RETURN collect(node) AS loose }
WITH CASE WHEN size(exact) >= $first THEN exact ELSE loose END AS ns
RETURN [n IN ns | [n.id, n.order, n.searchAll]] AS candidates,
       CASE WHEN size(ns) <= $first THEN [n IN ns | ` + nodeMap("n") + `] ELSE [] END AS nodes`, params
}

// shortest is the length of the shortest of needles.
func shortest(needles []string) int {
	n := -1
	for _, s := range needles {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
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
