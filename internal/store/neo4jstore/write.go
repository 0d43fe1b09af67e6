package neo4jstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// A write runs in one managed transaction. It first increments the audit
// counter, which takes that node's write lock: writers queue there, so each
// reads the versions its predecessor committed and a stale one is caught.
// Audit entries are AuditEntry nodes, outside the Node label, so no read of
// the organisation sees them. An entry keeps its write's idempotency key, so
// a retry finds it, after a crash too; a retry's transaction rolls back,
// counter and all, and answers with the entry it found.

// Apply implements store.Writer.
func (s *Store) Apply(ctx context.Context, w domain.Write) (*domain.AuditEntry, error) {
	if err := w.Check(); err != nil {
		return nil, err
	}
	at := time.Now().UTC()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return apply(ctx, tx, w, at)
	})
	var again *replayed
	if errors.As(err, &again) {
		return w.Replay(again.entry)
	}
	if err != nil {
		return nil, wrap("write", err)
	}
	return res.(*domain.AuditEntry), nil
}

// replayed ends a write's transaction, changing nothing, when its
// idempotency key is already recorded: the write was made before.
type replayed struct{ entry domain.AuditEntry }

func (r *replayed) Error() string {
	return fmt.Sprintf("audit entry %d has the idempotency key", r.entry.Seq)
}

// run is one statement of a write, returning its records.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

func apply(ctx context.Context, tx neo4j.ManagedTransaction, w domain.Write, at time.Time) (*domain.AuditEntry, error) {
	recs, err := run(ctx, tx, `MERGE (c:AuditCounter {id: 'audit'}) ON CREATE SET c.seq = 0, c.epoch = randomUUID()
SET c.seq = c.seq + 1 RETURN c.seq AS seq`, nil)
	if err != nil {
		return nil, err
	}
	seq, _ := recs[0].AsMap()["seq"].(int64)
	if w.IdempotencyKey != "" {
		// After the counter, whose lock orders writers: a retry racing its
		// first attempt finds it here once that has committed.
		recs, err := run(ctx, tx, "MATCH (a:AuditEntry {idempotencyKey: $key}) RETURN properties(a) AS a",
			map[string]any{"key": w.IdempotencyKey})
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			prior, err := decodeAudit(recs[0])
			if err != nil {
				return nil, err
			}
			return nil, &replayed{entry: prior}
		}
	}
	entry := w.NewEntry(seq, at)
	switch w.Op {
	case domain.CreateNode, domain.UpdateNode, domain.DeleteNode:
		err = applyNode(ctx, tx, w, entry)
	default:
		err = applyLink(ctx, tx, w, entry)
	}
	if err != nil {
		return nil, err
	}
	_, err = run(ctx, tx, "CREATE (a:AuditEntry) SET a = $props", map[string]any{"props": auditProps(entry)})
	return entry, err
}

// auditProps is an audit entry as an AuditEntry node's properties; an
// empty idempotency key or request hash is left out.
func auditProps(e *domain.AuditEntry) map[string]any {
	props := map[string]any{
		"seq": e.Seq, "at": e.At.Format(time.RFC3339Nano), "actor": e.Actor, "op": string(e.Op),
		"target": e.Target, "before": e.Before, "after": e.After, "version": e.Version}
	if e.IdempotencyKey != "" {
		props["idempotencyKey"] = e.IdempotencyKey
	}
	if e.RequestHash != "" {
		props["requestHash"] = e.RequestHash
	}
	return props
}

func applyNode(ctx context.Context, tx neo4j.ManagedTransaction, w domain.Write, entry *domain.AuditEntry) error {
	l, err := label(w.Node.Kind)
	if err != nil && w.Op != domain.DeleteNode {
		return err
	}
	recs, err := run(ctx, tx, `OPTIONAL MATCH (n:Node {id: $id})
OPTIONAL MATCH (n)-[r]-(:Node)
RETURN properties(n) AS n, count(r) AS links`, map[string]any{"id": string(w.Node.ID)})
	if err != nil {
		return err
	}
	m := recs[0].AsMap()
	old := &domain.Node{}
	stored, exists := m["n"].(map[string]any)
	if exists {
		if old, err = decodeNode(stored); err != nil {
			return err
		}
	}
	next := *w.Node
	if next.Version, err = nextVersion(ctx, tx, w, old.Version, exists); err != nil {
		return err
	}
	if exists {
		entry.Before = toJSON(old)
	}
	if w.Op == domain.DeleteNode {
		if links, _ := m["links"].(int64); links > 0 {
			return fmt.Errorf("%s: %w: it still has %d relationships; delete them first", old.ID, domain.ErrInvalidInput, links)
		}
		_, err := run(ctx, tx, "MATCH (n:Node {id: $id}) DELETE n", map[string]any{"id": string(old.ID)})
		return err
	}
	if err := w.Place(&next, old, exists, func() (int, error) { return nextNumber(ctx, tx, nextOrder) }); err != nil {
		return err
	}
	props, err := nodeProps(&next)
	if err != nil {
		return err
	}
	if _, err := run(ctx, tx, "MERGE (n:Node {id: $id}) SET n = $props SET n:"+l,
		map[string]any{"id": string(next.ID), "props": props}); err != nil {
		return err
	}
	entry.After, entry.Version = toJSON(&next), next.Version
	return nil
}

func applyLink(ctx context.Context, tx neo4j.ManagedTransaction, w domain.Write, entry *domain.AuditEntry) error {
	t, err := relType(w.Rel.Kind)
	if err != nil {
		return err
	}
	params := map[string]any{"from": string(w.Rel.From), "to": string(w.Rel.To)}
	recs, err := run(ctx, tx, `OPTIONAL MATCH (a:Node {id: $from})
OPTIONAL MATCH (b:Node {id: $to})
OPTIONAL MATCH (a)-[r:`+t+`]->(b)
RETURN a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo, properties(r) AS r`, params)
	if err != nil {
		return err
	}
	m := recs[0].AsMap()
	old := &domain.Relationship{}
	stored, exists := m["r"].(map[string]any)
	if exists {
		if old, err = decodeRel(t, string(w.Rel.From), string(w.Rel.To), stored); err != nil {
			return err
		}
	}
	next := *w.Rel
	if next.Version, err = nextVersion(ctx, tx, w, old.Version, exists); err != nil {
		return err
	}
	key := w.Rel.Key()
	if w.Op != domain.DeleteLink {
		for _, end := range []struct {
			col string
			id  domain.ID
		}{{"hasFrom", w.Rel.From}, {"hasTo", w.Rel.To}} {
			if ok, _ := m[end.col].(bool); !ok {
				return fmt.Errorf("%s: %w: %s is no node (a dangling reference)", key, domain.ErrInvalidInput, end.id)
			}
		}
	}
	if exists {
		entry.Before = toJSON(old)
	}
	if w.Op == domain.DeleteLink {
		_, err := run(ctx, tx, "MATCH (:Node {id: $from})-[r:"+t+"]->(:Node {id: $to}) DELETE r", params)
		return err
	}
	if err := w.Place(&next, old, exists, func() (int, error) { return nextNumber(ctx, tx, nextSeq) }); err != nil {
		return err
	}
	props, err := relProps(&next)
	if err != nil {
		return err
	}
	params["props"] = props
	if _, err := run(ctx, tx, "MATCH (a:Node {id: $from}) MATCH (b:Node {id: $to}) MERGE (a)-[r:"+t+"]->(b) SET r = $props", params); err != nil {
		return err
	}
	entry.After, entry.Version = toJSON(&next), next.Version
	return nil
}

// nextNumber is the order or seq a created node or link gets, read by query
// (nextOrder, nextSeq) as its column next; 0 when it finds none, as in an
// empty database.
func nextNumber(ctx context.Context, tx neo4j.ManagedTransaction, query string) (int, error) {
	recs, err := run(ctx, tx, query, nil)
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	next, _ := recs[0].AsMap()["next"].(int64)
	return int(next), nil
}

// nextVersion is the version w gives its target (Write.NextVersion): after
// stored, the version the store holds; for a target the store does not
// hold, after the one it had as it was last deleted, 0 if it never was
// (domain.AuditEntry.DeletedVersion), read by the audit_target index.
func nextVersion(ctx context.Context, tx neo4j.ManagedTransaction, w domain.Write, stored int64, exists bool) (int64, error) {
	if !exists {
		recs, err := run(ctx, tx, `MATCH (a:AuditEntry {target: $target})
RETURN a.op AS op, a.before AS before ORDER BY a.seq DESC LIMIT 1`, map[string]any{"target": w.Target()})
		if err != nil {
			return 0, err
		}
		if len(recs) > 0 {
			p := &props{m: recs[0].AsMap()}
			stored, _ = domain.AuditEntry{Op: domain.WriteOp(p.str("op")), Before: p.str("before")}.DeletedVersion()
			if p.err != nil {
				return 0, p.err
			}
		}
	}
	return w.NextVersion(stored, exists)
}

func toJSON(v any) string {
	b, _ := json.Marshal(v) // domain values always encode
	return string(b)
}

// Audit implements store.Writer.
func (s *Store) Audit(ctx context.Context, q store.AuditQuery) ([]domain.AuditEntry, error) {
	const op = "audit"
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	recs, err := s.read(ctx, op, `MATCH (a:AuditEntry)
WHERE ($target = '' OR a.target = $target) AND ($actor = '' OR a.actor = $actor)
RETURN properties(a) AS a ORDER BY a.seq DESC LIMIT $limit`,
		map[string]any{"target": q.Target, "actor": q.Actor, "limit": int64(limit)})
	if err != nil {
		return nil, err
	}
	return decodeAudits(op, recs)
}

// decodeAudits reads the audit entries of records' column a, in order.
func decodeAudits(op string, recs []*neo4j.Record) ([]domain.AuditEntry, error) {
	out := make([]domain.AuditEntry, 0, len(recs))
	for _, rec := range recs {
		e, err := decodeAudit(rec)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// decodeAudit reads an audit entry from a record's column a.
func decodeAudit(rec *neo4j.Record) (domain.AuditEntry, error) {
	m, _ := rec.AsMap()["a"].(map[string]any)
	p := &props{m: m}
	e := domain.AuditEntry{Actor: p.str("actor"), Op: domain.WriteOp(p.str("op")), Target: p.str("target"),
		Before: p.str("before"), After: p.str("after"),
		IdempotencyKey: p.str("idempotencyKey"), RequestHash: p.str("requestHash")}
	e.Seq, e.Version = p.number("seq"), p.number("version")
	var err error
	if e.At, err = time.Parse(time.RFC3339Nano, p.str("at")); err != nil || p.err != nil {
		return e, fmt.Errorf("audit entry %d: %v %v", e.Seq, err, p.err)
	}
	return e, nil
}
