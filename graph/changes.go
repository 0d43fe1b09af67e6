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
	return mapped(chs, func(c planner.Change) *model.CentreChange {
		return &model.CentreChange{CentreID: centre, Delta: c}
	}), nil
}

// changeStatement reads a change as a sentence: "From 2026-02-01 CBA no
// longer SERVES Ressourceforløb, because of Afskaffelse af ressourceforløb";
// for a task, "From 2026-01-01 Ungecenteret has the task “…”".
func changeStatement(ctx context.Context, c *model.CentreChange) (string, error) {
	return changeText(ctx, c, nil)
}

// changeSentence reads a change in l, its relationship by its verb: "Fra
// 2026-02-01 gælder ikke længere: CBA betjener Ressourceforløb, på grund af
// Afskaffelse af ressourceforløb"; in English "From 2026-02-01 CBA no
// longer serves Ressourceforløb, because of …". (The Danish leads with what
// holds, so that "ikke længere" needs no place inside a verb of several words.)
func changeSentence(ctx context.Context, c *model.CentreChange, l domain.Lang) (string, error) {
	return changeText(ctx, c, &l)
}

// changeText is changeStatement with l nil (the kind's code, in English),
// else changeSentence in *l.
func changeText(ctx context.Context, c *model.CentreChange, l *domain.Lang) (string, error) {
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
	danish := l != nil && *l == domain.Danish
	var fact string // what starts or ends, subject first
	switch r := c.Delta.Rel; {
	case r != nil && l != nil:
		fact = r.Sentence(*l, name[r.From], name[r.To])
	case r != nil:
		fact = name[r.From] + " " + string(r.Kind) + " " + name[r.To]
	case danish:
		fact = name[c.CentreID] + " har opgaven „" + c.Delta.Task + "“"
	default:
		fact = name[c.CentreID] + " has the task “" + c.Delta.Task + "”"
	}
	var b strings.Builder
	because, and := ", because of ", " and "
	switch {
	case danish:
		because, and = ", på grund af ", " og "
		b.WriteString("Fra " + string(c.Delta.Date) + " gælder")
		if !c.Delta.Added {
			b.WriteString(" ikke længere")
		}
		b.WriteString(": " + fact)
	default:
		b.WriteString("From " + string(c.Delta.Date) + " ")
		subject := name[c.CentreID]
		if r := c.Delta.Rel; r != nil {
			subject = name[r.From]
		}
		if !c.Delta.Added {
			// "CBA no longer serves …": the negation after the subject.
			fact = subject + " no longer " + strings.TrimPrefix(fact, subject+" ")
		}
		b.WriteString(fact)
	}
	for i, id := range c.Delta.Because {
		if i == 0 {
			b.WriteString(because)
		} else {
			b.WriteString(and)
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
	return mapped(entries, func(e planner.TimelineEntry) *model.TimelineEntry {
		return &model.TimelineEntry{Date: e.Date, Kind: e.Kind, NodeID: e.Node}
	}), nil
}
