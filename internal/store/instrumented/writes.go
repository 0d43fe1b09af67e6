package instrumented

import (
	"context"

	"go.opentelemetry.io/otel/attribute"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

func (s *Store) Apply(ctx context.Context, w domain.Write) (out *domain.AuditEntry, err error) {
	err = s.observe(ctx, "Apply", func(ctx context.Context) (err error) {
		out, err = s.next.Apply(ctx, w)
		return err
	}, attribute.String("orggraph.store.write", string(w.Op)))
	return out, err
}

func (s *Store) Audit(ctx context.Context, q store.AuditQuery) (out []domain.AuditEntry, err error) {
	err = s.observe(ctx, "Audit", func(ctx context.Context) (err error) {
		out, err = s.next.Audit(ctx, q)
		return err
	})
	return out, err
}

func (s *Store) Ping(ctx context.Context) error {
	return s.observe(ctx, "Ping", s.next.Ping)
}

func (s *Store) Close(ctx context.Context) error {
	return s.observe(ctx, "Close", s.next.Close)
}

func (s *Store) Version(ctx context.Context) (out store.Version, err error) {
	err = s.observe(ctx, "Version", func(ctx context.Context) (err error) {
		out, err = s.next.Version(ctx)
		return err
	})
	return out, err
}

func (s *Store) Scenarios(ctx context.Context) (out []*domain.Scenario, err error) {
	err = s.observe(ctx, "Scenarios", func(ctx context.Context) (err error) {
		out, err = s.next.Scenarios(ctx)
		return err
	})
	return out, err
}

func (s *Store) Changes(ctx context.Context, after int64, limit int) (out []domain.AuditEntry, err error) {
	err = s.observe(ctx, "Changes", func(ctx context.Context) (err error) {
		out, err = s.next.Changes(ctx, after, limit)
		return err
	})
	return out, err
}

func (s *Store) Scenario(ctx context.Context, id string) (out *domain.Scenario, err error) {
	err = s.observe(ctx, "Scenario", func(ctx context.Context) (err error) {
		out, err = s.next.Scenario(ctx, id)
		return err
	})
	return out, err
}

func (s *Store) ApplyScenario(ctx context.Context, w domain.ScenarioWrite) (out *domain.Scenario, entry *domain.AuditEntry, err error) {
	err = s.observe(ctx, "ApplyScenario", func(ctx context.Context) (err error) {
		out, entry, err = s.next.ApplyScenario(ctx, w)
		return err
	}, attribute.String("orggraph.store.write", string(w.Op)))
	return out, entry, err
}
