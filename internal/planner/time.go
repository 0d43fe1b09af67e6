package planner

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// A fact dated validFrom/validTo holds from validFrom (inclusive) until
// validTo (exclusive); a link holds on a day when it and the node at its far
// end both do.

// LinkHoldsOn reports whether a link, and the node at its far end, hold on d.
func LinkHoldsOn(d domain.Date, r *domain.Relationship, other *domain.Node) bool {
	return domain.ValidOn(d, r.ValidFrom, r.ValidTo) && (other == nil || domain.ValidOn(d, other.ValidFrom, other.ValidTo))
}

// Change is something a centre gains or loses between two dates.
type Change struct {
	Date  domain.Date
	Added bool // false: removed
	// Rel is the link that starts or ends, and Node the node at its far end;
	// for a task of the centre's own, Rel is nil and Task says which.
	Rel  *domain.Relationship
	Node domain.ID
	Task string
	// Because lists what the document gives as the cause: the reform items
	// that phase out or affect the node, or the transfers that move it, dated
	// to the change's day.
	Because []domain.ID
}

// centreRels are the links that make up what a centre has, each seen from
// the centre.
var centreRels = []store.LinkQuery{
	{Kind: domain.RelServes, Dir: domain.Outgoing},
	{Kind: domain.RelDelivers, Dir: domain.Outgoing},
	{Kind: domain.RelPays, Dir: domain.Outgoing},
	{Kind: domain.RelHasUnit, Dir: domain.Outgoing},
	{Kind: domain.RelWorksWith, Dir: domain.Incoming},
	{Kind: domain.RelMovesTo, Dir: domain.Incoming},
}

// causeRels are the links through which a reform item or a transfer changes
// a node, seen from the node changed.
var causeRels = []store.LinkQuery{
	{Kind: domain.RelPhasesOut, Dir: domain.Incoming},
	{Kind: domain.RelAffects, Dir: domain.Incoming},
	{Kind: domain.RelMoves, Dir: domain.Incoming},
}

// ChangesOf lists what centre gained and lost after from, up to and
// including to, and why, in date order.
func ChangesOf(ctx context.Context, st Reader, centre domain.ID, from, to domain.Date) ([]Change, error) {
	all, err := ChangesOfMany(ctx, st, []domain.ID{centre}, from, to)
	if err != nil {
		return nil, err
	}
	return all[centre], nil
}

// ChangesOfMany is ChangesOf for many centres, with the same few store calls
// however many they are.
func ChangesOfMany(ctx context.Context, st Reader, centres []domain.ID, from, to domain.Date) (map[domain.ID][]Change, error) {
	if err := domain.CheckPeriod(&from, &to); err != nil {
		return nil, err
	}
	nodes, err := st.NodesByID(ctx, centres)
	if err != nil {
		return nil, fmt.Errorf("planner: changes: %w", err)
	}
	for _, id := range centres {
		if c := nodes[id]; c == nil || c.Kind != domain.KindCentre {
			return nil, fmt.Errorf("planner: changes of %s: %w", id, domain.ErrNotFound)
		}
	}
	links := map[domain.ID][]domain.Link{}
	var others []domain.ID
	for _, q := range centreRels {
		found, err := st.Links(ctx, centres, q)
		if err != nil {
			return nil, fmt.Errorf("planner: changes: %w", err)
		}
		for id, ls := range found {
			links[id] = append(links[id], ls...)
			for _, l := range ls {
				others = append(others, l.Other)
			}
		}
	}
	far, err := st.NodesByID(ctx, others)
	if err != nil {
		return nil, fmt.Errorf("planner: changes: %w", err)
	}
	out := make(map[domain.ID][]Change, len(centres))
	for _, id := range centres {
		var changes []Change
		for _, l := range links[id] {
			n := far[l.Other]
			before, after := LinkHoldsOn(from, l.Rel, n), LinkHoldsOn(to, l.Rel, n)
			if before == after {
				continue
			}
			ch := Change{Added: after, Rel: l.Rel, Node: l.Other}
			if after {
				ch.Date = latest(l.Rel.ValidFrom, n.ValidFrom)
			} else {
				ch.Date = earliest(l.Rel.ValidTo, n.ValidTo)
			}
			changes = append(changes, ch)
		}
		for _, t := range nodes[id].Tasks {
			before, after := domain.ValidOn(from, t.ValidFrom, t.ValidTo), domain.ValidOn(to, t.ValidFrom, t.ValidTo)
			if before == after {
				continue
			}
			ch := Change{Added: after, Task: t.Text}
			if after {
				ch.Date = *t.ValidFrom
			} else {
				ch.Date = *t.ValidTo
			}
			changes = append(changes, ch)
		}
		out[id] = changes
	}
	if err := explain(ctx, st, out); err != nil {
		return nil, err
	}
	for _, changes := range out {
		slices.SortStableFunc(changes, func(a, b Change) int {
			return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(addedRank(a), addedRank(b)))
		})
	}
	return out, nil
}

func addedRank(c Change) int {
	if c.Added {
		return 1
	}
	return 0
}

// explain fills in each change's causes: the reform items and transfers
// that reach the changed node, or the centre itself for its tasks, and take
// effect on the change's day. One store call per cause kind for all centres.
func explain(ctx context.Context, st Reader, changes map[domain.ID][]Change) error {
	var subjects []domain.ID
	for centre, chs := range changes {
		subjects = append(subjects, centre)
		for _, ch := range chs {
			if ch.Node != "" {
				subjects = append(subjects, ch.Node)
			}
		}
	}
	causes := map[domain.ID][]domain.Link{}
	for _, q := range append(slices.Clone(causeRels), store.LinkQuery{Kind: domain.RelMovesTo, Dir: domain.Incoming}) {
		found, err := st.Links(ctx, subjects, q)
		if err != nil {
			return fmt.Errorf("planner: changes: %w", err)
		}
		for id, ls := range found {
			causes[id] = append(causes[id], ls...)
		}
	}
	var ids []domain.ID
	for _, ls := range causes {
		for _, l := range ls {
			ids = append(ids, l.Other)
		}
	}
	nodes, err := st.NodesByID(ctx, ids)
	if err != nil {
		return fmt.Errorf("planner: changes: %w", err)
	}
	for centre, chs := range changes {
		for i := range chs {
			ch := &chs[i]
			subject := ch.Node
			if subject == "" {
				subject = centre // a task: moved by a transfer into the centre
			}
			for _, l := range causes[subject] {
				src := nodes[l.Other]
				if src == nil || slices.Contains(ch.Because, src.ID) {
					continue
				}
				if when := effective(src, l.Rel); when != nil && *when == ch.Date {
					ch.Because = append(ch.Because, src.ID)
				}
			}
		}
	}
	return nil
}

// effective is the day a cause takes effect: a reform item's date, or the
// day a transfer's link starts.
func effective(src *domain.Node, via *domain.Relationship) *domain.Date {
	if src.EffectiveDate != nil {
		return src.EffectiveDate
	}
	if via.ValidFrom != nil {
		return via.ValidFrom
	}
	return src.ValidFrom
}

func latest(ds ...*domain.Date) domain.Date {
	var out domain.Date
	for _, d := range ds {
		if d != nil && *d > out {
			out = *d
		}
	}
	return out
}

func earliest(ds ...*domain.Date) domain.Date {
	var out domain.Date
	for _, d := range ds {
		if d != nil && (out == "" || *d < out) {
			out = *d
		}
	}
	return out
}

// TimelineKind says what a timeline entry is.
type TimelineKind string

const (
	TimelineReformPhase  TimelineKind = "REFORM_PHASE"
	TimelineReformChange TimelineKind = "REFORM_CHANGE"
	TimelineTransfer     TimelineKind = "TRANSFER"
	TimelineSavingsYear  TimelineKind = "SAVINGS_YEAR"
	TimelineStarts       TimelineKind = "STARTS" // a dated intervention or other fact begins
	TimelineEnds         TimelineKind = "ENDS"   // a target group or other fact ends
)

var timelineOrder = []TimelineKind{TimelineReformPhase, TimelineReformChange, TimelineTransfer, TimelineStarts, TimelineEnds, TimelineSavingsYear}

// TimelineEntry is one dated event.
type TimelineEntry struct {
	Date domain.Date
	Kind TimelineKind
	Node domain.ID
}

// Timeline lists the dated events between from and to, both inclusive and
// either open: reform phases and items, ressort transfers, savings years
// (on 1 January), and dated interventions and target groups starting or
// ending; in date order.
func Timeline(ctx context.Context, st Reader, from, to *domain.Date) ([]TimelineEntry, error) {
	if err := domain.CheckPeriod(from, to); err != nil {
		return nil, err
	}
	var out []TimelineEntry
	var order = map[domain.ID]int{}
	add := func(d *domain.Date, kind TimelineKind, n *domain.Node) {
		if d != nil && d.InRange(from, to) {
			out = append(out, TimelineEntry{Date: *d, Kind: kind, Node: n.ID})
			order[n.ID] = n.Order
		}
	}
	for _, k := range []domain.Kind{domain.KindReformPhase, domain.KindReformChange, domain.KindTransfer, domain.KindSavingsYear, domain.KindIntervention, domain.KindTargetGroup, domain.KindUnit, domain.KindOrganisation} {
		ns, err := st.NodesByKind(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("planner: timeline: %w", err)
		}
		for _, n := range ns {
			switch k {
			case domain.KindReformPhase:
				add(n.EffectiveDate, TimelineReformPhase, n)
			case domain.KindReformChange:
				add(n.EffectiveDate, TimelineReformChange, n)
			case domain.KindTransfer:
				add(n.ValidFrom, TimelineTransfer, n)
			case domain.KindSavingsYear:
				if n.Year != nil {
					d := domain.Date(fmt.Sprintf("%04d-01-01", *n.Year))
					add(&d, TimelineSavingsYear, n)
				}
			default:
				add(n.ValidFrom, TimelineStarts, n)
				add(n.ValidTo, TimelineEnds, n)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b TimelineEntry) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date),
			cmp.Compare(slices.Index(timelineOrder, a.Kind), slices.Index(timelineOrder, b.Kind)),
			cmp.Compare(order[a.Node], order[b.Node]))
	})
	return out, nil
}
