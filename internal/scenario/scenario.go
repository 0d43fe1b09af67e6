// Package scenario works out the graph as a scenario would make it: the
// baseline with the scenario's changes made over it, read through the same
// store interfaces as the baseline, so every read (the GraphQL fields, the
// planner's questions, the exports) answers inside a scenario unchanged.
// The stores only keep scenarios (store.ScenarioKeeper); this package is
// the one place their changes are applied, checked and compared.
package scenario

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
)

// Views works out scenarios' graphs over a baseline store and keeps the
// last one of each scenario while the scenario and the baseline stay as
// they were.
type Views struct {
	base store.Store
	mu   sync.Mutex
	kept map[string]*View
}

// New returns the views of base's scenarios.
func New(base store.Store) *Views {
	return &Views{base: base, kept: map[string]*View{}}
}

// View is one scenario's graph at one version of it and of the baseline.
type View struct {
	Scenario *domain.Scenario
	// Store reads the scenario's graph; it refuses writes.
	Store store.Store
	// Baseline reads the baseline the view was worked out from, in memory
	// as Store is, so that a diff compares like with like.
	Baseline store.Store
	// Unapplied holds, for each change that no longer applies to the
	// baseline (a node it changes was removed), why; nil where it applied.
	Unapplied []error
	// version is the baseline's the view was worked out from.
	version store.Version
	overlay *memstore.Store
}

// Open returns scenario id's view: the one kept when neither it nor the
// baseline moved since, else a new one. domain.ErrNotFound for no such
// scenario. A promoted scenario's changes are in the baseline, so its view
// is the baseline's.
func (vs *Views) Open(ctx context.Context, id string) (*View, error) {
	sc, err := vs.base.Scenario(ctx, id)
	if err != nil {
		return nil, err
	}
	version, err := vs.base.Version(ctx)
	if err != nil {
		return nil, err
	}
	vs.mu.Lock()
	v := vs.kept[id]
	vs.mu.Unlock()
	if v != nil && v.Scenario.Version == sc.Version && v.version == version {
		return v, nil
	}
	if v, err = vs.build(ctx, sc, version); err != nil {
		return nil, err
	}
	vs.mu.Lock()
	vs.kept[id] = v
	vs.mu.Unlock()
	return v, nil
}

func (vs *Views) build(ctx context.Context, sc *domain.Scenario, version store.Version) (*View, error) {
	g, err := vs.base.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: the baseline: %w", sc.ID, err)
	}
	changes := sc.Changes
	if sc.PromotedAt != nil {
		changes = nil
	}
	overlay, unapplied, err := memstore.Overlay(g, changes)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.ID, err)
	}
	baseline, _, err := memstore.Overlay(g, nil)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.ID, err)
	}
	return &View{
		Scenario: sc, Unapplied: unapplied, version: version, overlay: overlay,
		Store:    reading{Store: overlay, keeper: vs.base},
		Baseline: reading{Store: baseline, keeper: vs.base},
	}, nil
}

// reading is a view's store: the overlay's reads, the baseline's
// scenarios, and no writes.
type reading struct {
	*memstore.Store
	keeper store.ScenarioKeeper
}

var errReadOnly = fmt.Errorf("%w: a scenario's graph is changed by a write that names the scenario", domain.ErrInvalidInput)

func (r reading) Apply(context.Context, domain.Write) (*domain.AuditEntry, error) {
	return nil, errReadOnly
}

func (r reading) Scenarios(ctx context.Context) ([]*domain.Scenario, error) {
	return r.keeper.Scenarios(ctx)
}

func (r reading) Scenario(ctx context.Context, id string) (*domain.Scenario, error) {
	return r.keeper.Scenario(ctx, id)
}

func (r reading) ApplyScenario(context.Context, domain.ScenarioWrite) (*domain.Scenario, *domain.AuditEntry, error) {
	return nil, nil, errReadOnly
}

// Change makes w in scenario id: it is checked against the scenario's
// graph by the rules of a write (its ExpectedVersion against the version
// the target has there), then kept by the store at the scenario's version
// it was checked at. It returns the scenario's audit entry and what w
// would record in the baseline (its node's state after, in the scenario).
func (vs *Views) Change(ctx context.Context, id string, w domain.Write) (*domain.AuditEntry, *domain.AuditEntry, error) {
	const tries = 3
	for try := 1; ; try++ {
		v, err := vs.Open(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if v.Scenario.PromotedAt != nil {
			return nil, nil, fmt.Errorf("%s: %w: it was promoted to the baseline and changes no more", v.Scenario.NodeID(), domain.ErrConflict)
		}
		preview, err := v.overlay.Preview(ctx, w)
		if err != nil {
			return nil, nil, err
		}
		_, entry, err := vs.base.ApplyScenario(ctx, domain.ScenarioWrite{
			Op: domain.ChangeScenario, Actor: w.Actor, ID: id, ExpectedVersion: v.Scenario.Version, Change: &w})
		if errors.Is(err, domain.ErrConflict) && try < tries {
			continue // another change came first: check w again over it
		}
		if err != nil {
			return nil, nil, err
		}
		return entry, preview, nil
	}
}
