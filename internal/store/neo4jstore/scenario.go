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

// A scenario is a Scenario node, outside the Node label as audit entries
// are, so no read of the organisation, no seeding and no re-seed sees it.
// It holds the whole domain.Scenario as JSON in its record property: the
// store keeps scenarios, it does not read inside them. A scenario write
// takes the audit counter's lock as a baseline write does, so it and a
// promotion's baseline writes are ordered with every other write.

var _ store.ScenarioKeeper = (*Store)(nil)

// Scenarios implements store.ScenarioKeeper.
func (s *Store) Scenarios(ctx context.Context) ([]*domain.Scenario, error) {
	const op = "scenarios"
	recs, err := s.read(ctx, op, "MATCH (s:Scenario) RETURN s.record AS record", nil)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Scenario, 0, len(recs))
	for _, rec := range recs {
		sc, err := decodeScenario(rec)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, sc)
	}
	domain.SortScenarios(out)
	return out, nil
}

// Scenario implements store.ScenarioKeeper.
func (s *Store) Scenario(ctx context.Context, id string) (*domain.Scenario, error) {
	const op = "scenario"
	recs, err := s.read(ctx, op, "MATCH (s:Scenario {id: $id}) RETURN s.record AS record", map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("neo4jstore: scenario %q: %w", id, domain.ErrNotFound)
	}
	sc, err := decodeScenario(recs[0])
	return sc, wrap(op, err)
}

// ApplyScenario implements store.ScenarioKeeper in one managed
// transaction; a promotion makes its baseline writes in it by apply, as
// Apply would one by one.
func (s *Store) ApplyScenario(ctx context.Context, w domain.ScenarioWrite) (*domain.Scenario, *domain.AuditEntry, error) {
	if err := w.Check(); err != nil {
		return nil, nil, err
	}
	at := time.Now().UTC()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	type result struct {
		sc    *domain.Scenario
		entry *domain.AuditEntry
	}
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		sc, entry, err := applyScenario(ctx, tx, w, at)
		return result{sc, entry}, err
	})
	if err != nil {
		return nil, nil, wrap("scenario write", err)
	}
	r := res.(result)
	return r.sc, r.entry, nil
}

func applyScenario(ctx context.Context, tx neo4j.ManagedTransaction, w domain.ScenarioWrite, at time.Time) (*domain.Scenario, *domain.AuditEntry, error) {
	recs, err := run(ctx, tx, `MERGE (c:AuditCounter {id: 'audit'}) ON CREATE SET c.seq = 0
SET c.seq = c.seq + 1 RETURN c.seq AS seq`, nil)
	if err != nil {
		return nil, nil, err
	}
	seq, _ := recs[0].AsMap()["seq"].(int64)
	if w.Op == domain.CreateScenario {
		recs, err := run(ctx, tx, `MERGE (c:ScenarioCounter {id: 'scenario'}) ON CREATE SET c.last = 0
SET c.last = c.last + 1 RETURN c.last AS last`, nil)
		if err != nil {
			return nil, nil, err
		}
		last, _ := recs[0].AsMap()["last"].(int64)
		w.ID = domain.NthScenarioID(int(last))
	}
	recs, err = run(ctx, tx, "MATCH (s:Scenario {id: $id}) RETURN s.record AS record", map[string]any{"id": w.ID})
	if err != nil {
		return nil, nil, err
	}
	var stored *domain.Scenario
	if len(recs) > 0 {
		if stored, err = decodeScenario(recs[0]); err != nil {
			return nil, nil, err
		}
	}
	next, err := w.Next(stored, w.ID, at)
	if err != nil {
		return nil, nil, err
	}
	if w.Op == domain.PromoteScenario {
		for i, bw := range stored.Promotion(w.Actor) {
			if _, err := apply(ctx, tx, bw, at); err != nil {
				if !errors.Is(err, domain.ErrNotFound) && !errors.Is(err, domain.ErrInvalidInput) && !errors.Is(err, domain.ErrConflict) {
					return nil, nil, err // the database's, not the baseline's
				}
				return nil, nil, fmt.Errorf("%s: %w: the baseline moved underneath: change %d (%s %s) no longer applies: %v", w.Target(), domain.ErrConflict, i+1, bw.Op, bw.Target(), err)
			}
		}
	}
	entry := w.NewEntry(w.ID, seq, at)
	if stored != nil {
		entry.Before = toJSON(stored)
	}
	if next == nil {
		_, err = run(ctx, tx, "MATCH (s:Scenario {id: $id}) DELETE s", map[string]any{"id": w.ID})
	} else {
		entry.After, entry.Version = toJSON(next), next.Version
		_, err = run(ctx, tx, "MERGE (s:Scenario {id: $id}) SET s.record = $record", map[string]any{"id": w.ID, "record": entry.After})
	}
	if err != nil {
		return nil, nil, err
	}
	_, err = run(ctx, tx, "CREATE (a:AuditEntry) SET a = $props", map[string]any{"props": auditProps(entry)})
	return next, entry, err
}

func decodeScenario(rec *neo4j.Record) (*domain.Scenario, error) {
	raw, _ := rec.AsMap()["record"].(string)
	var sc domain.Scenario
	if err := json.Unmarshal([]byte(raw), &sc); err != nil {
		return nil, fmt.Errorf("a scenario's record: %v", err)
	}
	return &sc, nil
}
