package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// Writes reach the memstore only when it has a data folder: each is
// journalled there (persist.go) before it takes effect, and the journal is
// replayed over the seed at the next start. With no folder, a write is
// refused: it would otherwise be lost at the next restart.

// Open returns a store holding g with the writes journalled in dataDir
// replayed over it, in the order they were made. An empty dataDir gives a
// read-only store, as New does. While the store is open no other process
// can open dataDir.
//
// With a data folder, the journal holds the seed's writes too: the first
// start seeds an empty store through Reseed, so the journal begins with the
// seed's creations, and every later start replays the journal and then
// re-seeds from g by the same rule as `orggraph seed` (domain.PlanReseed,
// pruning what g no longer holds, WithReseed to change that): planners'
// recorded writes win, versions only rise. A journal begun before the seed
// was journalled replays over g, as it was written. Report holds what the
// start's re-seed did.
func Open(g *domain.Graph, dataDir string, opts ...Option) (*Store, error) {
	if dataDir == "" {
		return New(g)
	}
	o := options{log: slog.Default(), reseed: domain.ReseedOptions{Prune: true}}
	for _, opt := range opts {
		opt(&o)
	}
	var s *Store
	// The journal's graph writes are made in one draft, indexed once they
	// are all read; each line's audit entry is kept as it is read.
	var d *draft
	j, err := openJournal(dataDir, o.log, func(jl journalLine) error {
		if s == nil {
			base := &domain.Graph{}
			if jl.Write.Actor != domain.SeedActor {
				base = g
			}
			var err error
			if s, err = New(base); err != nil {
				return err
			}
		}
		if jl.Scenario != nil {
			return s.replayScenario(jl)
		}
		if d == nil {
			d = newDraft(s.current())
		}
		entry, err := s.plan(d, jl.Write, jl.Entry.At, jl.Entry.Seq)
		if err != nil {
			return err
		}
		s.commit(s.current(), *entry)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if d != nil {
		snap, err := d.index()
		if err != nil {
			j.close()
			return nil, err
		}
		s.commit(snap)
	}
	if s == nil {
		if s, err = New(&domain.Graph{}); err != nil {
			j.close()
			return nil, err
		}
	}
	s.journal = j
	if s.report, err = s.Reseed(context.Background(), g, o.reseed); err != nil {
		j.close()
		return nil, err
	}
	return s, nil
}

// Report returns what the re-seed at Open did; zero for a store with no
// data folder, which holds g as it is.
func (s *Store) Report() domain.SeedReport { return s.report }

// Reseed implements store.Reseeder under the write lock, so a planner's
// write lands wholly before or after it. Its writes are journalled, synced
// once, and made visible together.
func (s *Store) Reseed(ctx context.Context, doc *domain.Graph, opts domain.ReseedOptions) (domain.SeedReport, error) {
	if err := ctx.Err(); err != nil {
		return domain.SeedReport{}, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.journal == nil {
		return domain.SeedReport{}, fmt.Errorf("memstore: %w: the embedded store has no data folder to keep a re-seed in", domain.ErrWritesDisabled)
	}
	s.mu.RLock()
	deleted := domain.PlannerDeletions(s.audit)
	seq := int64(len(s.audit))
	s.mu.RUnlock()
	cur := s.current()
	steps, rep := domain.PlanReseed(cur.graph, doc, deleted, s.gone, opts)
	if len(steps) == 0 {
		return rep, nil
	}
	at := time.Now().UTC()
	lines := make([]journalLine, 0, len(steps))
	entries := make([]domain.AuditEntry, 0, len(steps))
	d := newDraft(cur)
	for _, st := range steps {
		seq++
		entry, err := s.plan(d, st.Write, at, seq)
		if err != nil {
			return domain.SeedReport{}, fmt.Errorf("memstore: reseed: %w", err)
		}
		lines = append(lines, journalLine{Entry: *entry, Write: st.Write})
		entries = append(entries, *entry)
	}
	snap, err := d.index()
	if err != nil {
		return domain.SeedReport{}, fmt.Errorf("memstore: reseed: %w", err)
	}
	if err := s.journal.append(lines...); err != nil {
		return domain.SeedReport{}, err
	}
	s.commit(snap, entries...)
	return rep, nil
}

// errNoDataDir refuses a write the store could not keep past a restart.
var errNoDataDir = fmt.Errorf("memstore: %w: the embedded store has no data folder; start it with one (--data-dir) to keep writes", domain.ErrWritesDisabled)

// lockWrite refuses a write whose context is done or that fails its own
// check, before it waits for the write lock; otherwise it takes the lock,
// which the caller releases.
func (s *Store) lockWrite(ctx context.Context, w interface{ Check() error }) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Check(); err != nil {
		return err
	}
	s.writeMu.Lock()
	return nil
}

// Apply implements store.Writer.
func (s *Store) Apply(ctx context.Context, w domain.Write) (*domain.AuditEntry, error) {
	if err := s.lockWrite(ctx, w); err != nil {
		return nil, err
	}
	defer s.writeMu.Unlock()
	if s.journal == nil {
		return nil, errNoDataDir
	}
	if prior := s.recorded(w.IdempotencyKey); prior != nil {
		return w.Replay(*prior)
	}
	d := newDraft(s.current())
	entry, err := s.plan(d, w, time.Now().UTC(), int64(len(s.audit))+1)
	if err != nil {
		return nil, err
	}
	snap, err := d.index()
	if err != nil {
		return nil, err
	}
	if err := s.journal.append(journalLine{Entry: *entry, Write: w}); err != nil {
		return nil, err
	}
	s.commit(snap, *entry)
	return entry, nil
}

// recorded finds the audit entry of the write made under an idempotency
// key, or nil, through keyed: the audit trail holds the seed's writes too,
// too many to scan for each keyed write. The caller holds writeMu, so no
// write under the key can land in between.
func (s *Store) recorded(key string) *domain.AuditEntry {
	if key == "" {
		return nil
	}
	i, ok := s.keyed[key]
	if !ok {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := s.audit[i]
	return &e
}

// commit makes planned writes visible, and notes the version each target
// they delete had and where each keyed write's entry is. The caller holds
// writeMu.
func (s *Store) commit(snap *snapshot, entries ...domain.AuditEntry) {
	s.commitWith(snap, nil, entries...)
}

// commitWith is commit that also runs also, if given, under the same lock,
// so what it changes becomes visible together with snap.
func (s *Store) commitWith(snap *snapshot, also func(), entries ...domain.AuditEntry) {
	for i, e := range entries {
		if e.IdempotencyKey != "" {
			if s.keyed == nil {
				s.keyed = map[string]int{}
			}
			s.keyed[e.IdempotencyKey] = len(s.audit) + i
		}
		if v, ok := e.DeletedVersion(); ok {
			if s.gone == nil {
				s.gone = map[string]int64{}
			}
			s.gone[e.Target] = v
		}
	}
	s.mu.Lock()
	s.snap = snap
	s.audit = append(s.audit, entries...)
	if also != nil {
		also()
	}
	s.mu.Unlock()
}

// plan checks w against the draft d as the writes before it left it and,
// when it can be made, makes it in d and returns its audit entry; when it
// cannot, it says why and leaves d as it was. The caller holds writeMu and
// indexes d (draft.index) to make the writes visible.
func (s *Store) plan(d *draft, w domain.Write, at time.Time, seq int64) (*domain.AuditEntry, error) {
	entry := w.NewEntry(seq, at)
	switch w.Op {
	case domain.CreateNode, domain.UpdateNode, domain.DeleteNode:
		i, old := d.node(w.Node.ID)
		version, err := nextVersion(w, s.gone, old)
		if err != nil {
			return nil, err
		}
		next := clone(w.Node)
		next.Version = version
		// The draft holds the next free number, so Place cannot fail.
		_ = w.Place(next, old, old != nil, func() (int, error) { return d.nextOrder, nil })
		if w.Op == domain.DeleteNode {
			if n := d.links(old.ID); n > 0 {
				return nil, fmt.Errorf("%s: %w: it still has %d relationships; delete them first", old.ID, domain.ErrInvalidInput, n)
			}
			next = nil
		}
		d.putNode(i, old, next)
		record(entry, old, next)
	default:
		i, old := d.rel(keyOf(w.Rel))
		version, err := nextVersion(w, s.gone, old)
		if err != nil {
			return nil, err
		}
		if w.Op != domain.DeleteLink {
			for _, end := range []domain.ID{w.Rel.From, w.Rel.To} {
				if !d.has(end) {
					return nil, fmt.Errorf("%s: %w: %s is no node (a dangling reference)", w.Rel.Key(), domain.ErrInvalidInput, end)
				}
			}
		}
		next := cloneRel(w.Rel)
		next.Version = version
		_ = w.Place(next, old, old != nil, func() (int, error) { return d.nextSeq, nil })
		if w.Op == domain.DeleteLink {
			next = nil
		}
		d.putRel(i, old, next)
		record(entry, old, next)
	}
	return entry, nil
}

// versioned is a stored node or relationship.
type versioned interface {
	*domain.Node | *domain.Relationship
}

// nextVersion is the version w makes of its target, stored as old (nil for
// none): domain.Write.NextVersion, from the version gone holds for the
// target when it is not stored.
func nextVersion[T versioned](w domain.Write, gone map[string]int64, old T) (int64, error) {
	if old == nil {
		return w.NextVersion(gone[w.Target()], false)
	}
	return w.NextVersion(versionOf(old), true)
}

// versionOf is v's stored version, 0 for none.
func versionOf[T versioned](v T) int64 {
	switch v := any(v).(type) {
	case *domain.Node:
		if v != nil {
			return v.Version
		}
	case *domain.Relationship:
		if v != nil {
			return v.Version
		}
	}
	return 0
}

// record puts the states before and after a write into its audit entry:
// none before a creation, none after a deletion.
func record[T versioned](entry *domain.AuditEntry, old, next T) {
	if old != nil {
		entry.Before = mustJSON(old)
	}
	if next != nil {
		entry.After, entry.Version = mustJSON(next), versionOf(next)
	}
}

func clone(n *domain.Node) *domain.Node { c := *n; return &c }

func cloneRel(r *domain.Relationship) *domain.Relationship { c := *r; return &c }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // domain values always encode
	}
	return string(b)
}

// Audit implements store.Writer.
func (s *Store) Audit(ctx context.Context, q store.AuditQuery) ([]domain.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []domain.AuditEntry
	for i := len(s.audit) - 1; i >= 0 && len(out) < limit; i-- {
		e := s.audit[i]
		if (q.Target == "" || e.Target == q.Target) && (q.Actor == "" || e.Actor == q.Actor) {
			out = append(out, e)
		}
	}
	return out, nil
}
