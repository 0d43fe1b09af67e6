package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/scenario"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/writes"
)

// scenarioRef reads a scenario's id argument ("scenario:s1").
func scenarioRef(id domain.ID) (string, error) {
	sid := model.ScenarioRef(id)
	if sid == "" {
		return "", fmt.Errorf("%w: %q is no scenario id (scenario:s1)", domain.ErrInvalidInput, id)
	}
	return sid, nil
}

// openView returns a scenario's view, for its changes and diff.
func openView(ctx context.Context, sid string) (*scenario.View, error) {
	views, err := viewsFrom(ctx)
	if err != nil {
		return nil, err
	}
	return views.Open(ctx, sid)
}

// scenarioByRef is the scenario an id names; nil when there is none.
func scenarioByRef(ctx context.Context, st store.ScenarioKeeper, id domain.ID) (*model.Scenario, error) {
	sid, err := scenarioRef(id)
	if err != nil {
		return nil, err
	}
	sc, err := st.Scenario(ctx, sid)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &model.Scenario{S: sc}, nil
}

// writeScenario checks the caller may make w (planners, and for a
// promotion admins), makes it, and forgets the request's reads, as write
// does.
func writeScenario(ctx context.Context, st store.ScenarioKeeper, w domain.ScenarioWrite) (*domain.Scenario, error) {
	role := auth.Planner
	if w.Op == domain.PromoteScenario {
		role = auth.Admin
	}
	who, err := auth.Require(ctx, role)
	if err != nil {
		return nil, err
	}
	w.Actor = who.Subject
	sc, _, err := st.ApplyScenario(ctx, w)
	if err != nil {
		return nil, err
	}
	writes.Saved(ctx)
	forgetReads(ctx)
	return sc, nil
}

// scenarioChanges lists a view's changes, or those of them that no longer
// apply.
func scenarioChanges(v *scenario.View, onlyUnapplied bool) []*model.ScenarioChange {
	out := []*model.ScenarioChange{}
	for i, w := range v.Scenario.Changes {
		var reason error
		if i < len(v.Unapplied) {
			reason = v.Unapplied[i]
		}
		if !onlyUnapplied || reason != nil {
			out = append(out, &model.ScenarioChange{Index: i, W: w, Reason: reason})
		}
	}
	return out
}

// reasonOf is why a change no longer applies, as a client may read it.
func reasonOf(err error) string { return apierr.Message(apierr.Of(err), err.Error()) }

// centresIn loads centres by id, in the graph the field is answered in,
// leaving out any the graph does not hold.
func centresIn(ctx context.Context, ids []domain.ID) ([]*model.Centre, error) {
	ns, err := loadNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	return wrapAll[model.Centre](ns), nil
}

// centreIn loads one centre, for a non-null field.
func centreIn(ctx context.Context, id domain.ID) (*model.Centre, error) {
	n, err := loadNode(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, fmt.Errorf("graph: the diff names %s, which its graph does not hold", id)
	}
	return wrapOne[model.Centre](n), nil
}

// wrapNodes wraps nodes of any kinds as GraphQL Nodes, in their order.
func wrapNodes(ns []*domain.Node) []model.Node {
	out := make([]model.Node, len(ns))
	for i, n := range ns {
		out[i] = model.Wrap(n)
	}
	return out
}

func outgoingLinks(rs []*domain.Relationship) []*model.Link {
	out := make([]*model.Link, len(rs))
	for i, r := range rs {
		out[i] = model.OutgoingLink(r)
	}
	return out
}

// unscoped is id as the write into scenario in names it: an id seen inside
// that scenario ("scenario:s1/centre:cba") stands for its node's.
func unscoped(in *domain.ID, id domain.ID) domain.ID {
	if in == nil {
		return id
	}
	if sid, plain, ok := model.SplitScenarioID(string(id)); ok && sid == model.ScenarioRef(*in) {
		return plain
	}
	return id
}

// changesOf wraps each change of a scenario's diff in its GraphQL type, T,
// which holds the change as its one field, C.
func changesOf[T ~struct{ C X }, X any](changes []X) []*T {
	out := make([]*T, len(changes))
	for i, c := range changes {
		out[i] = &T{C: c}
	}
	return out
}
