package memstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sort"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// newEpoch names an audit trail begun afresh: a memstore's graph lives in
// one process, so each Load begins an epoch no other store shares.
func newEpoch() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on the platforms Go supports
	return hex.EncodeToString(b)
}

// Version implements store.ChangeFeed.
func (s *Store) Version(ctx context.Context) (store.Version, error) {
	if err := ctx.Err(); err != nil {
		return store.Version{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := store.Version{Epoch: s.epoch}
	if n := len(s.audit); n > 0 {
		v.Seq = s.audit[n-1].Seq
	}
	return v, nil
}

// Changes implements store.ChangeFeed. The trail is in seq order, so the
// entries after a seq are found by a binary search.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]domain.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := sort.Search(len(s.audit), func(i int) bool { return s.audit[i].Seq > after })
	end := min(len(s.audit), i+limit)
	return append([]domain.AuditEntry(nil), s.audit[i:end]...), nil
}
