package neo4jstore

import (
	"context"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// Version implements store.ChangeFeed: the audit counter's seq and epoch.
// The counter is taken by every write before its entry is made and held to
// its commit, so entries become visible in seq order and a poller that
// reads after the last seq it saw misses none.
func (s *Store) Version(ctx context.Context) (store.Version, error) {
	recs, err := s.read(ctx, "version", `OPTIONAL MATCH (c:AuditCounter {id: 'audit'})
RETURN coalesce(c.seq, 0) AS seq, coalesce(c.epoch, '') AS epoch`, nil)
	if err != nil {
		return store.Version{}, err
	}
	var v store.Version
	if len(recs) > 0 {
		m := recs[0].AsMap()
		v.Seq, _ = m["seq"].(int64)
		v.Epoch, _ = m["epoch"].(string)
	}
	return v, nil
}

// Changes implements store.ChangeFeed, read by the audit_seq index.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]domain.AuditEntry, error) {
	const op = "changes"
	if limit <= 0 {
		limit = 100
	}
	recs, err := s.read(ctx, op, `MATCH (a:AuditEntry) WHERE a.seq > $after
RETURN properties(a) AS a ORDER BY a.seq LIMIT $limit`, map[string]any{"after": after, "limit": int64(limit)})
	if err != nil {
		return nil, err
	}
	return decodeAudits(op, recs)
}
