package model

import (
	"context"
	"errors"
	"math"

	"github.com/bif-kk/orggraph/internal/domain"
)

// Node is the GraphQL Node interface: anything in the knowledge graph.
type Node interface {
	Unwrap() *domain.Node
}

// Base serves the fields every node type shares; each object type embeds it.
type Base struct{ *domain.Node }

// Unwrap returns the domain node.
func (b Base) Unwrap() *domain.Node { return b.Node }

// SetNode points the wrapper at n, so that package graph can build any
// object type generically.
func (b *Base) SetNode(n *domain.Node) { b.Node = n }

// LinksReader reads the links field of a node, narrowed to a kind of
// relationship and a direction where given. Package graph, which holds
// the request's loaders, puts one in each request's context.
type LinksReader func(ctx context.Context, n *domain.Node, relationship *domain.RelKind, direction *domain.Direction) ([]*Link, error)

type linksReaderKey struct{}

// WithLinksReader returns ctx carrying r, for Links.
func WithLinksReader(ctx context.Context, r LinksReader) context.Context {
	return context.WithValue(ctx, linksReaderKey{}, r)
}

var errNoLinksReader = errors.New("model: no links reader in the request's context")

// Links is the links field of every node type, written once: it reads
// through the LinksReader in ctx.
func (b Base) Links(ctx context.Context, relationship *domain.RelKind, direction *domain.Direction) ([]*Link, error) {
	read, ok := ctx.Value(linksReaderKey{}).(LinksReader)
	if !ok {
		return nil, errNoLinksReader
	}
	return read(ctx, b.Node, relationship, direction)
}

// LinksPager reads the linksConnection field of a node: its links narrowed
// by relationship, direction and filter, sorted by orderBy and cut to one
// page. Package graph puts one in each request's context, beside the
// LinksReader.
type LinksPager func(ctx context.Context, n *domain.Node, relationship *domain.RelKind, direction *domain.Direction, first *int, after *string, last *int, before *string, orderBy []*LinkOrder, filter *LinkFilter) (*Connection[Link], error)

type linksPagerKey struct{}

// WithLinksPager returns ctx carrying p, for LinksConnection.
func WithLinksPager(ctx context.Context, p LinksPager) context.Context {
	return context.WithValue(ctx, linksPagerKey{}, p)
}

var errNoLinksPager = errors.New("model: no links pager in the request's context")

// LinksConnection is the linksConnection field of every node type, written
// once: it pages through the LinksPager in ctx.
func (b Base) LinksConnection(ctx context.Context, relationship *domain.RelKind, direction *domain.Direction, first *int, after *string, last *int, before *string, orderBy []*LinkOrder, filter *LinkFilter) (*Connection[Link], error) {
	page, ok := ctx.Value(linksPagerKey{}).(LinksPager)
	if !ok {
		return nil, errNoLinksPager
	}
	return page(ctx, b.Node, relationship, direction, first, after, last, before, orderBy, filter)
}

// Sources says where the node's facts come from.
func (b Base) Sources() []*Source { return NewSources(b.Node.Sources) }

// Description is null where the source says nothing beyond the name.
func (b Base) Description() *string { return optional(b.Node.Description) }

// FullName is null where neither the source nor an outside source spells it out.
func (b Base) FullName() *string { return optional(b.Node.FullName) }

// Tasks lists the node's task texts.
func (b Base) Tasks() []string { return b.tasksOn(nil) }

// DatedTasks lists the node's tasks with their dates.
func (b Base) DatedTasks() []*Task { return b.datedTasksOn(nil) }

// tasksOn lists the texts of the tasks that hold on day d; all when d is nil.
func (b Base) tasksOn(d *domain.Date) []string {
	out := []string{}
	for _, t := range b.Node.Tasks {
		if d == nil || domain.ValidOn(*d, t.ValidFrom, t.ValidTo) {
			out = append(out, t.Text)
		}
	}
	return out
}

// datedTasksOn lists the tasks that hold on day d, with their dates; all when d is nil.
func (b Base) datedTasksOn(d *domain.Date) []*Task {
	out := []*Task{}
	for _, t := range b.Node.Tasks {
		if d == nil || domain.ValidOn(*d, t.ValidFrom, t.ValidTo) {
			out = append(out, &Task{Text: t.Text, ValidFrom: t.ValidFrom, ValidTo: t.ValidTo})
		}
	}
	return out
}

// Figures lists every figure the document gives for the node.
func (b Base) Figures() []*Figure {
	out := make([]*Figure, len(b.Node.Figures))
	for i, f := range b.Node.Figures {
		out[i] = NewFigure(f)
	}
	return out
}

// figureInt reads a count off the node's figure of measure m.
func (b Base) figureInt(m domain.Measure) *int {
	f, ok := b.Node.Figure(m)
	if !ok {
		return nil
	}
	v := int(math.Round(f.Value))
	return &v
}

// FullTimePersons is the node's full-time persons figure, where it has one.
func (b Base) FullTimePersons() *int { return b.figureInt(domain.MeasureFullTimePersons) }

// Task is one item of a task list.
type Task struct {
	Text      string
	ValidFrom *domain.Date
	ValidTo   *domain.Date
}

// Wrap returns n as its GraphQL object type, or nil for a nil node.
func Wrap(n *domain.Node) Node {
	if n == nil {
		return nil
	}
	b := Base{n}
	switch n.Kind {
	case domain.KindAdministration:
		return &Administration{b}
	case domain.KindCommittee:
		return &Committee{b}
	case domain.KindCentre:
		return &Centre{Base: b}
	case domain.KindUnit:
		return &Unit{b}
	case domain.KindTargetGroup:
		return &TargetGroup{b}
	case domain.KindIntervention:
		return &Intervention{b}
	case domain.KindBenefit:
		return &Benefit{b}
	case domain.KindOrganisation:
		return &Organisation{b}
	case domain.KindReform:
		return &Reform{b}
	case domain.KindReformPhase:
		return &ReformPhase{b}
	case domain.KindReformChange:
		return &ReformChange{b}
	case domain.KindTransfer:
		return &Transfer{b}
	case domain.KindBudget:
		return &Budget{b}
	case domain.KindBudgetFrame:
		return &BudgetFrame{b}
	case domain.KindSavingsYear:
		return &SavingsYear{b}
	}
	// Unreachable while every domain.Kind has a type above; the store only
	// holds nodes of known kinds.
	return nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Version is how many times the node has been written.
func (b Base) Version() int64 { return b.Node.Version }
