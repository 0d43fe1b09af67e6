package instrumented

import (
	"context"

	"go.opentelemetry.io/otel/attribute"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

func (s *Store) NodesByID(ctx context.Context, ids []domain.ID) (out map[domain.ID]*domain.Node, err error) {
	err = s.observe(ctx, "NodesByID", func(ctx context.Context) (err error) {
		out, err = s.next.NodesByID(ctx, ids)
		return err
	}, attribute.Int("orggraph.store.ids", len(ids)))
	return out, err
}

func (s *Store) NodesByKind(ctx context.Context, kind domain.Kind) (out []*domain.Node, err error) {
	err = s.observe(ctx, "NodesByKind", func(ctx context.Context) (err error) {
		out, err = s.next.NodesByKind(ctx, kind)
		return err
	}, attribute.String("orggraph.store.kind", string(kind)))
	return out, err
}

func (s *Store) NodeByCode(ctx context.Context, kind domain.Kind, code string) (out *domain.Node, err error) {
	err = s.observe(ctx, "NodeByCode", func(ctx context.Context) (err error) {
		out, err = s.next.NodeByCode(ctx, kind, code)
		return err
	}, attribute.String("orggraph.store.kind", string(kind)))
	return out, err
}

func (s *Store) Links(ctx context.Context, ids []domain.ID, q store.LinkQuery) (out map[domain.ID][]domain.Link, err error) {
	err = s.observe(ctx, "Links", func(ctx context.Context) (err error) {
		out, err = s.next.Links(ctx, ids, q)
		return err
	}, attribute.Int("orggraph.store.ids", len(ids)), attribute.String("orggraph.store.rel", string(q.Kind)))
	return out, err
}

func (s *Store) Expand(ctx context.Context, xs []store.Expansion) (out []store.Expanded, err error) {
	err = s.observe(ctx, "Expand", func(ctx context.Context) (err error) {
		out, err = s.next.Expand(ctx, xs)
		return err
	}, attribute.Int("orggraph.store.expansions", len(xs)))
	return out, err
}

func (s *Store) ImpactPaths(ctx context.Context, from []domain.ID, maxLen int) (out map[domain.ID][]domain.Path, err error) {
	err = s.observe(ctx, "ImpactPaths", func(ctx context.Context) (err error) {
		out, err = s.next.ImpactPaths(ctx, from, maxLen)
		return err
	}, attribute.Int("orggraph.store.ids", len(from)), attribute.Int("orggraph.store.max_len", maxLen))
	return out, err
}

func (s *Store) PathsBetween(ctx context.Context, from, to domain.ID, maxLen int) (out []domain.Path, err error) {
	err = s.observe(ctx, "PathsBetween", func(ctx context.Context) (err error) {
		out, err = s.next.PathsBetween(ctx, from, to, maxLen)
		return err
	}, attribute.Int("orggraph.store.max_len", maxLen))
	return out, err
}

func (s *Store) Dependencies(ctx context.Context, ids []domain.ID) (out []domain.Shared, nodes map[domain.ID]*domain.Node, err error) {
	err = s.observe(ctx, "Dependencies", func(ctx context.Context) (err error) {
		out, nodes, err = s.next.Dependencies(ctx, ids)
		return err
	}, attribute.Int("orggraph.store.ids", len(ids)))
	return out, nodes, err
}

func (s *Store) Search(ctx context.Context, terms []string, first int) (out []search.Hit, err error) {
	err = s.observe(ctx, "Search", func(ctx context.Context) (err error) {
		out, err = s.next.Search(ctx, terms, first)
		return err
	}, attribute.Int("orggraph.store.terms", len(terms)))
	return out, err
}

func (s *Store) Snapshot(ctx context.Context) (out *domain.Graph, err error) {
	err = s.observe(ctx, "Snapshot", func(ctx context.Context) (err error) {
		out, err = s.next.Snapshot(ctx)
		return err
	})
	return out, err
}
