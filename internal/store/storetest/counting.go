package storetest

import (
	"context"
	"sync/atomic"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

// CountingReads wraps a store and counts the reads of the graph a request
// makes: nodes, links, expansions, dependencies, impact paths and searches,
// each kind apart (Of) and all together (Reads). The version read, which
// keys caches and ETags, is not one of them, nor a Snapshot, which the
// GraphQL handler makes to count the store for its prices, in the
// background; so a test sees an answer that came from a cache, or a
// request refused before it ran, as one that read nothing.
type CountingReads struct {
	store.Store
	n [reads]atomic.Int64
}

// Read is a kind of read CountingReads counts: the store method it calls.
type Read int

const (
	NodesByID Read = iota
	NodesByKind
	NodeByCode
	Links
	Expand
	Dependencies
	ImpactPaths
	Search
	reads
)

// Reads is how many reads of the graph were made through s so far.
func (s *CountingReads) Reads() int64 {
	var all int64
	for i := range s.n {
		all += s.n[i].Load()
	}
	return all
}

// Of is how many reads of the kinds rs were made through s so far.
func (s *CountingReads) Of(rs ...Read) int64 {
	var n int64
	for _, r := range rs {
		n += s.n[r].Load()
	}
	return n
}

func (s *CountingReads) NodesByID(ctx context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
	s.n[NodesByID].Add(1)
	return s.Store.NodesByID(ctx, ids)
}

func (s *CountingReads) NodesByKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error) {
	s.n[NodesByKind].Add(1)
	return s.Store.NodesByKind(ctx, kind)
}

func (s *CountingReads) NodeByCode(ctx context.Context, kind domain.Kind, code string) (*domain.Node, error) {
	s.n[NodeByCode].Add(1)
	return s.Store.NodeByCode(ctx, kind, code)
}

func (s *CountingReads) Links(ctx context.Context, ids []domain.ID, q store.LinkQuery) (map[domain.ID][]domain.Link, error) {
	s.n[Links].Add(1)
	return s.Store.Links(ctx, ids, q)
}

func (s *CountingReads) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	s.n[Expand].Add(1)
	return s.Store.Expand(ctx, xs)
}

func (s *CountingReads) Dependencies(ctx context.Context, ids []domain.ID) ([]domain.Shared, map[domain.ID]*domain.Node, error) {
	s.n[Dependencies].Add(1)
	return s.Store.Dependencies(ctx, ids)
}

func (s *CountingReads) ImpactPaths(ctx context.Context, from []domain.ID, maxLen int) (map[domain.ID][]domain.Path, error) {
	s.n[ImpactPaths].Add(1)
	return s.Store.ImpactPaths(ctx, from, maxLen)
}

func (s *CountingReads) Search(ctx context.Context, terms []string, first int) ([]search.Hit, error) {
	s.n[Search].Add(1)
	return s.Store.Search(ctx, terms, first)
}
