package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/writes"
)

// write checks the caller may write, applies w, and forgets every read the
// request made before it, so the answer shows the graph as written.
//
// Once Apply returns an entry the write is saved, and the answer says so:
// the node is the one the entry records, not read back, so no read that
// fails after the commit can turn a saved write into an error, and a retry
// under an idempotency key shows what the first attempt wrote.
//
// With a scenario, w is made in that scenario only (scenario.Views.Change):
// the entry is the scenario's, and the node the one the scenario now has.
func write(ctx context.Context, st store.Store, in *domain.ID, w domain.Write) (*model.WriteResult, error) {
	who, err := auth.Require(ctx, auth.Planner)
	if err != nil {
		return nil, err
	}
	w.Actor = who.Subject
	var entry, state *domain.AuditEntry
	if in != nil && w.Rel != nil {
		w.Rel.From, w.Rel.To = unscoped(in, w.Rel.From), unscoped(in, w.Rel.To)
	}
	if in != nil {
		sid, err := scenarioRef(*in)
		if err != nil {
			return nil, err
		}
		views, err := viewsFrom(ctx)
		if err != nil {
			return nil, err
		}
		if entry, state, err = views.Change(ctx, sid, w); err != nil {
			return nil, err
		}
	} else {
		if err := withIdempotencyKey(ctx, &w); err != nil {
			return nil, err
		}
		if entry, err = st.Apply(ctx, w); err != nil {
			return nil, err
		}
		state = entry
	}
	writes.Saved(ctx)
	forgetReads(ctx)
	res := &model.WriteResult{Audit: &model.AuditEntry{E: *entry}}
	if w.Node != nil && state.After != "" {
		// The store wrote After from a domain.Node; were it unreadable, the
		// answer would still say the write was saved, with no node.
		var n domain.Node
		if json.Unmarshal([]byte(state.After), &n) == nil {
			res.Node = model.Wrap(&n)
		}
	}
	return res, nil
}

// withIdempotencyKey gives w the request's idempotency key, made this
// field's own by its alias (so each write of a document has one), and a
// digest of what the field asks: who, which field, which arguments. The
// digest tells a retry from the key's reuse for another write; it is of
// the request, not of w, because an update's w starts from the node as it
// is, which the first attempt has changed.
func withIdempotencyKey(ctx context.Context, w *domain.Write) error {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	key := graphql.GetOperationContext(ctx).Headers.Get(writes.IdempotencyKeyHeader)
	if key == "" {
		return nil
	}
	if len(key) > maxIdempotencyKey || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return fmt.Errorf("%w: the %s header has 1 to %d printable ASCII characters", domain.ErrInvalidInput, writes.IdempotencyKeyHeader, maxIdempotencyKey)
	}
	fc := graphql.GetFieldContext(ctx)
	asked, err := json.Marshal(struct {
		Actor string
		Field string
		Args  map[string]any
	}{w.Actor, fc.Field.Name, fc.Args})
	if err != nil {
		return fmt.Errorf("idempotency: the arguments: %w", err)
	}
	sum := sha256.Sum256(asked)
	w.IdempotencyKey = key + "/" + fc.Field.Alias
	w.RequestHash = hex.EncodeToString(sum[:])
	return nil
}

// maxIdempotencyKey leaves room in domain.MaxIdempotencyKey for the alias.
const maxIdempotencyKey = 128

// current reads a node afresh from the store, or from the scenario's
// graph when in names one, for an update to start from.
func current(ctx context.Context, st store.Store, in *domain.ID, id domain.ID) (*domain.Node, error) {
	id = unscoped(in, id)
	if _, _, err := domain.ParseID(string(id)); err != nil {
		return nil, err
	}
	var from store.NodeReader = st
	if in != nil {
		sid, err := scenarioRef(*in)
		if err != nil {
			return nil, err
		}
		v, err := openView(ctx, sid)
		if err != nil {
			return nil, err
		}
		from = v.Store
	}
	ns, err := from.NodesByID(ctx, []domain.ID{id})
	if err != nil {
		return nil, err
	}
	if ns[id] == nil {
		return nil, fmt.Errorf("%w: no node has the id %s", domain.ErrNotFound, id)
	}
	return ns[id], nil
}

func sourcesFrom(in []*model.SourceInput) []domain.Source {
	out := make([]domain.Source, 0, len(in))
	for _, s := range in {
		src := domain.Source{Document: s.Document, Section: s.Section, Slide: s.Slide}
		if s.Note != nil {
			src.Note = *s.Note
		}
		out = append(out, src)
	}
	return out
}

func tasksFrom(in []*model.TaskInput) []domain.Task {
	out := make([]domain.Task, 0, len(in))
	for _, t := range in {
		out = append(out, domain.Task{Text: t.Text, ValidFrom: t.ValidFrom, ValidTo: t.ValidTo})
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// newNode builds a node from a creation's input; its kind is its id's prefix.
func newNode(in model.NodeInput) (*domain.Node, error) {
	kind, _, err := domain.ParseID(string(in.ID))
	if err != nil {
		return nil, err
	}
	n := &domain.Node{
		ID: in.ID, Kind: kind, Name: in.Name, Sources: sourcesFrom(in.Sources),
		Description: str(in.Description), Code: str(in.Code), FullName: str(in.FullName),
		Aliases: in.Aliases, Notes: in.Notes, Legislation: str(in.Legislation), LegalStatus: str(in.LegalStatus),
		ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, EffectiveDate: in.EffectiveDate,
	}
	if in.Tasks != nil {
		n.Tasks = tasksFrom(in.Tasks)
	}
	if in.Audience != nil {
		n.Audience = *in.Audience
	}
	return n, nil
}

// changed applies an update's given fields to a copy of n.
func changed(n *domain.Node, in model.NodeChanges) *domain.Node {
	c := *n
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Name, in.Name)
	set(&c.Description, in.Description)
	set(&c.Code, in.Code)
	set(&c.FullName, in.FullName)
	set(&c.Legislation, in.Legislation)
	set(&c.LegalStatus, in.LegalStatus)
	if in.Sources != nil {
		c.Sources = sourcesFrom(in.Sources)
	}
	if in.Aliases != nil {
		c.Aliases = in.Aliases
	}
	if in.Notes != nil {
		c.Notes = in.Notes
	}
	if in.Tasks != nil {
		c.Tasks = tasksFrom(in.Tasks)
	}
	if in.Audience != nil {
		c.Audience = *in.Audience
	}
	if in.ValidFrom != nil {
		c.ValidFrom = in.ValidFrom
	}
	if in.ValidTo != nil {
		c.ValidTo = in.ValidTo
	}
	if in.EffectiveDate != nil {
		c.EffectiveDate = in.EffectiveDate
	}
	return &c
}

func relationship(in model.LinkInput) *domain.Relationship {
	return &domain.Relationship{
		Kind: in.Relationship, From: in.From, To: in.To, Basis: in.Basis,
		Rationale: str(in.Rationale), Note: str(in.Note), Sources: sourcesFrom(in.Sources),
		ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
	}
}

// auditTrail lists recorded writes, newest first, for planners and admins.
func auditTrail(ctx context.Context, st store.Store, target, actor *string, first *int) ([]*model.AuditEntry, error) {
	if _, err := auth.Require(ctx, auth.Planner); err != nil {
		return nil, err
	}
	n := 50
	if first != nil {
		n = *first
	}
	if n < 1 || n > 500 {
		return nil, fmt.Errorf("%w: first must be between 1 and 500", domain.ErrInvalidInput)
	}
	es, err := st.Audit(ctx, store.AuditQuery{Target: str(target), Actor: str(actor), Limit: n})
	if err != nil {
		return nil, err
	}
	return mapped(es, func(e domain.AuditEntry) *model.AuditEntry { return &model.AuditEntry{E: e} }), nil
}
