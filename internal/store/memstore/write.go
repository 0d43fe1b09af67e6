package memstore

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// Writes reach the memstore only when it has a data folder: each is
// appended to data/journal.jsonl and synced before it takes effect, and the
// journal is replayed over the seed at the next start. With no folder, a
// write is refused: it would otherwise be lost at the next restart.

// journalLine is one write as kept on disk.
type journalLine struct {
	Entry domain.AuditEntry `json:"entry"`
	Write domain.Write      `json:"write"`
}

type journal struct {
	f *os.File
}

// Open returns a store holding g with the writes journalled in dataDir
// replayed over it. An empty dataDir gives a read-only store, as New does.
//
// With a data folder, the journal holds the seed's writes too: the first
// start seeds an empty store through Reseed, so the journal begins with the
// seed's creations, and every later start replays the journal and then
// re-seeds from g by the same rule as `orggraph seed` (domain.PlanReseed,
// pruning what g no longer holds): planners' recorded writes win, versions
// only rise. A journal begun before the seed was journalled replays over g,
// as it was written. Report holds what the start's re-seed did.
func Open(g *domain.Graph, dataDir string) (*Store, error) {
	return OpenWith(g, dataDir, domain.ReseedOptions{Prune: true})
}

// OpenWith is Open re-seeding with opts: Overwrite writes g's facts over
// planners' recorded edits.
func OpenWith(g *domain.Graph, dataDir string, opts domain.ReseedOptions) (*Store, error) {
	if dataDir == "" {
		return New(g)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("memstore: data folder: %w", err)
	}
	path := filepath.Join(dataDir, "journal.jsonl")
	lines, err := readJournal(path)
	if err != nil {
		return nil, err
	}
	base := &domain.Graph{}
	if len(lines) > 0 && lines[0].Write.Actor != domain.SeedActor {
		base = g
	}
	s, err := New(base)
	if err != nil {
		return nil, err
	}
	for i, jl := range lines {
		snap, entry, err := s.plan(s.current(), jl.Write, jl.Entry.At, jl.Entry.Seq)
		if err != nil {
			return nil, fmt.Errorf("memstore: journal %s:%d does not replay: %w", path, i+1, err)
		}
		s.commit(snap, entry)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("memstore: journal: %w", err)
	}
	s.journal = &journal{f: f}
	if s.report, err = s.Reseed(context.Background(), g, opts); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// Report returns what the re-seed at Open did; zero for a store with no
// data folder, which holds g as it is.
func (s *Store) Report() domain.SeedReport { return s.report }

func readJournal(path string) ([]journalLine, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("memstore: journal: %w", err)
	}
	defer f.Close()
	var out []journalLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for line := 1; sc.Scan(); line++ {
		var jl journalLine
		if err := json.Unmarshal(sc.Bytes(), &jl); err != nil {
			return nil, fmt.Errorf("memstore: journal %s:%d: %w", path, line, err)
		}
		out = append(out, jl)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("memstore: journal %s: %w", path, err)
	}
	return out, nil
}

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
	snap := s.current()
	steps, rep := domain.PlanReseed(snap.graph, doc, deleted, opts)
	if len(steps) == 0 {
		return rep, nil
	}
	at := time.Now().UTC()
	lines := make([]journalLine, 0, len(steps))
	entries := make([]domain.AuditEntry, 0, len(steps))
	for _, st := range steps {
		seq++
		next, entry, err := s.plan(snap, st.Write, at, seq)
		if err != nil {
			return domain.SeedReport{}, fmt.Errorf("memstore: reseed: %w", err)
		}
		snap = next
		lines = append(lines, journalLine{Entry: *entry, Write: st.Write})
		entries = append(entries, *entry)
	}
	if err := s.journal.append(lines...); err != nil {
		return domain.SeedReport{}, err
	}
	s.mu.Lock()
	s.snap = snap
	s.audit = append(s.audit, entries...)
	s.mu.Unlock()
	return rep, nil
}

// append writes lines to the journal and syncs it once: when it returns
// nil, they survive a crash.
func (j *journal) append(lines ...journalLine) error {
	var buf []byte
	for _, l := range lines {
		b, err := json.Marshal(l)
		if err != nil {
			return fmt.Errorf("memstore: journal: %w", err)
		}
		buf = append(append(buf, b...), '\n')
	}
	_, err := j.f.Write(buf)
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		return fmt.Errorf("memstore: journal: %w: %w", domain.ErrUnavailable, err)
	}
	return nil
}

// Apply implements store.Writer.
func (s *Store) Apply(ctx context.Context, w domain.Write) (*domain.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := w.Check(); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.journal == nil {
		return nil, fmt.Errorf("memstore: %w: the embedded store has no data folder; start it with one (--data-dir) to keep writes", domain.ErrWritesDisabled)
	}
	snap, entry, err := s.plan(s.current(), w, time.Now().UTC(), int64(len(s.audit))+1)
	if err != nil {
		return nil, err
	}
	if err := s.journal.append(journalLine{Entry: *entry, Write: w}); err != nil {
		return nil, err
	}
	s.commit(snap, entry)
	return entry, nil
}

// commit makes a planned write visible.
func (s *Store) commit(snap *snapshot, entry *domain.AuditEntry) {
	s.mu.Lock()
	s.snap = snap
	s.audit = append(s.audit, *entry)
	s.mu.Unlock()
}

// plan works out the graph after w over cur, or why w cannot be made,
// without changing anything. The caller holds writeMu.
func (s *Store) plan(cur *snapshot, w domain.Write, at time.Time, seq int64) (*snapshot, *domain.AuditEntry, error) {
	g := &domain.Graph{Nodes: slices.Clone(cur.graph.Nodes), Relationships: slices.Clone(cur.graph.Relationships)}
	entry := &domain.AuditEntry{Seq: seq, At: at, Actor: w.Actor, Op: w.Op, Target: w.Target()}
	stale := w.CheckVersion
	switch w.Op {
	case domain.CreateNode, domain.UpdateNode, domain.DeleteNode:
		i := slices.IndexFunc(g.Nodes, func(n *domain.Node) bool { return n.ID == w.Node.ID })
		switch {
		case w.Op == domain.CreateNode && i >= 0:
			return nil, nil, fmt.Errorf("%s: %w: it exists already", w.Node.ID, domain.ErrConflict)
		case w.Op != domain.CreateNode && i < 0:
			return nil, nil, fmt.Errorf("%s: %w", w.Node.ID, domain.ErrNotFound)
		}
		next := clone(w.Node)
		switch w.Op {
		case domain.CreateNode:
			next.Version, next.Order, next.Provenance = 1, nextOrder(g.Nodes), w.Provenance(domain.Provenance{}, "")
			g.Nodes = append(g.Nodes, next)
		case domain.UpdateNode:
			old := g.Nodes[i]
			if err := stale(old.Version); err != nil {
				return nil, nil, err
			}
			next.Version, next.Order, next.Provenance = old.Version+1, old.Order, w.Provenance(old.Provenance, old.Facts())
			entry.Before = mustJSON(old)
			g.Nodes[i] = next
		case domain.DeleteNode:
			old := g.Nodes[i]
			if err := stale(old.Version); err != nil {
				return nil, nil, err
			}
			if n := len(cur.out[old.ID]) + len(cur.in[old.ID]); n > 0 {
				return nil, nil, fmt.Errorf("%s: %w: it still has %d relationships; delete them first", old.ID, domain.ErrInvalidInput, n)
			}
			entry.Before = mustJSON(old)
			g.Nodes = slices.Delete(g.Nodes, i, i+1)
			next = nil
		}
		if next != nil {
			entry.After, entry.Version = mustJSON(next), next.Version
		}
	default:
		key := w.Rel.Key()
		i := slices.IndexFunc(g.Relationships, func(r *domain.Relationship) bool { return r.Key() == key })
		switch {
		case w.Op == domain.CreateLink && i >= 0:
			return nil, nil, fmt.Errorf("%s: %w: it exists already", key, domain.ErrConflict)
		case w.Op != domain.CreateLink && i < 0:
			return nil, nil, fmt.Errorf("%s: %w", key, domain.ErrNotFound)
		}
		if w.Op != domain.DeleteLink {
			for _, end := range []domain.ID{w.Rel.From, w.Rel.To} {
				if cur.nodes[end] == nil {
					return nil, nil, fmt.Errorf("%s: %w: %s is no node (a dangling reference)", key, domain.ErrInvalidInput, end)
				}
			}
		}
		next := cloneRel(w.Rel)
		switch w.Op {
		case domain.CreateLink:
			next.Version, next.Seq, next.Provenance = 1, nextSeq(g.Relationships), w.Provenance(domain.Provenance{}, "")
			g.Relationships = append(g.Relationships, next)
		case domain.UpdateLink:
			old := g.Relationships[i]
			if err := stale(old.Version); err != nil {
				return nil, nil, err
			}
			next.Version, next.Seq, next.Provenance = old.Version+1, old.Seq, w.Provenance(old.Provenance, old.Facts())
			entry.Before = mustJSON(old)
			g.Relationships[i] = next
		case domain.DeleteLink:
			old := g.Relationships[i]
			if err := stale(old.Version); err != nil {
				return nil, nil, err
			}
			entry.Before = mustJSON(old)
			g.Relationships = slices.Delete(g.Relationships, i, i+1)
			next = nil
		}
		if next != nil {
			entry.After, entry.Version = mustJSON(next), next.Version
		}
	}
	snap, err := index(g, cur)
	if err != nil {
		return nil, nil, err
	}
	return snap, entry, nil
}

func clone(n *domain.Node) *domain.Node { c := *n; return &c }

func cloneRel(r *domain.Relationship) *domain.Relationship { c := *r; return &c }

func nextOrder(ns []*domain.Node) int {
	top := -1
	for _, n := range ns {
		top = max(top, n.Order)
	}
	return top + 1
}

func nextSeq(rs []*domain.Relationship) int {
	top := -1
	for _, r := range rs {
		top = max(top, r.Seq)
	}
	return top + 1
}

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
