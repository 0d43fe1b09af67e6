package storetest

import (
	"context"
	"sync/atomic"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// CountingReads wraps a store and counts its reads of the graph: nodes,
// links, expansions and snapshots. The version read, which keys caches and
// ETags, is not one of them, so a test sees an answer that came from a
// cache as one that read nothing.
type CountingReads struct {
	store.Store
	n atomic.Int64
}

// Reads is how many reads of the graph were made through s so far.
func (s *CountingReads) Reads() int64 { return s.n.Load() }

func (s *CountingReads) NodesByID(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
	s.n.Add(1)
	return s.Store.NodesByID(ctx, ids)
}

func (s *CountingReads) NodesByKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error) {
	s.n.Add(1)
	return s.Store.NodesByKind(ctx, kind)
}

func (s *CountingReads) NodeByCode(ctx context.Context, kind domain.Kind, code string) (*domain.Node, error) {
	s.n.Add(1)
	return s.Store.NodeByCode(ctx, kind, code)
}

func (s *CountingReads) Links(ctx context.Context, ids []domain.ID, q store.LinkQuery) (map[domain.ID][]domain.Link, error) {
	s.n.Add(1)
	return s.Store.Links(ctx, ids, q)
}

func (s *CountingReads) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	s.n.Add(1)
	return s.Store.Expand(ctx, xs)
}

func (s *CountingReads) Snapshot(ctx context.Context) (*domain.Graph, error) {
	s.n.Add(1)
	return s.Store.Snapshot(ctx)
}
