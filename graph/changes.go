package graph

import (
	"context"
	"strings"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

// centreChanges lists what a centre gained and lost after from, up to and
// including to.
func centreChanges(ctx context.Context, centre domain.ID, from, to domain.Date) ([]*model.CentreChange, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	chs, err := l.changes.Load(ctx, changeKey{Centre: centre, From: from, To: to})
	if err != nil {
		return nil, err
	}
	out := make([]*model.CentreChange, len(chs))
	for i, c := range chs {
		out[i] = &model.CentreChange{CentreID: centre, Delta: c}
	}
	return out, nil
}

// changeStatement reads a change as a sentence: "From 2026-02-01 CBA no
// longer SERVES Ressourceforløb, because of Afskaffelse af ressourceforløb";
// for a task, "From 2026-01-01 Ungecenteret has the task “…”".
func changeStatement(ctx context.Context, c *model.CentreChange) (string, error) {
	ids := []domain.ID{c.CentreID}
	if r := c.Delta.Rel; r != nil {
		ids = append(ids, r.From, r.To)
	}
	ids = append(ids, c.Delta.Because...)
	ns, err := loadNodes(ctx, ids)
	if err != nil {
		return "", err
	}
	name := map[domain.ID]string{}
	for _, n := range ns {
		name[n.ID] = n.Name
	}
	var b strings.Builder
	b.WriteString("From " + string(c.Delta.Date) + " ")
	not := ""
	if !c.Delta.Added {
		not = "no longer "
	}
	if r := c.Delta.Rel; r != nil {
		b.WriteString(name[r.From] + " " + not + string(r.Kind) + " " + name[r.To])
	} else {
		b.WriteString(name[c.CentreID] + " " + not + "has the task “" + c.Delta.Task + "”")
	}
	for i, id := range c.Delta.Because {
		if i == 0 {
			b.WriteString(", because of ")
		} else {
			b.WriteString(" and ")
		}
		b.WriteString(name[id])
	}
	return b.String(), nil
}

// timeline lists the dated events between from and to.
func timeline(ctx context.Context, st planner.Reader, from, to *domain.Date) ([]*model.TimelineEntry, error) {
	entries, err := planner.Timeline(ctx, st, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]*model.TimelineEntry, len(entries))
	for i, e := range entries {
		out[i] = &model.TimelineEntry{Date: e.Date, Kind: e.Kind, NodeID: e.Node}
	}
	return out, nil
}
