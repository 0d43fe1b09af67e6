package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// Scenarios are kept beside the snapshot, in the journal with the
// baseline's writes (a line with its Scenario set), and so outlive a
// restart and a re-seed, which never touches them.

var _ store.ScenarioKeeper = (*Store)(nil)

// Scenarios implements store.ScenarioKeeper.
func (s *Store) Scenarios(ctx context.Context) ([]*domain.Scenario, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	out := make([]*domain.Scenario, 0, len(s.scenarios))
	for _, sc := range s.scenarios {
		out = append(out, sc)
	}
	s.mu.RUnlock()
	domain.SortScenarios(out)
	return out, nil
}

// Scenario implements store.ScenarioKeeper.
func (s *Store) Scenario(ctx context.Context, id string) (*domain.Scenario, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	sc := s.scenarios[id]
	s.mu.RUnlock()
	if sc == nil {
		return nil, fmt.Errorf("memstore: scenario %q: %w", id, domain.ErrNotFound)
	}
	return sc, nil
}

// ApplyScenario implements store.ScenarioKeeper: the scenario write, and a
// promotion's baseline writes before it, are journalled together and made
// visible together.
func (s *Store) ApplyScenario(ctx context.Context, w domain.ScenarioWrite) (*domain.Scenario, *domain.AuditEntry, error) {
	if err := s.lockWrite(ctx, w); err != nil {
		return nil, nil, err
	}
	defer s.writeMu.Unlock()
	if s.journal == nil {
		return nil, nil, errNoDataDir
	}
	if w.Op == domain.CreateScenario {
		w.ID = domain.NthScenarioID(s.lastScenario + 1)
	}
	at := time.Now().UTC()
	s.mu.RLock()
	stored := s.scenarios[w.ID]
	seq := int64(len(s.audit))
	s.mu.RUnlock()
	next, err := w.Next(stored, w.ID, at)
	if err != nil {
		return nil, nil, err
	}
	snap := s.current()
	var lines []journalLine
	var entries []domain.AuditEntry
	if w.Op == domain.PromoteScenario {
		d := newDraft(snap)
		for i, bw := range stored.Promotion(w.Actor) {
			seq++
			entry, err := s.plan(d, bw, at, seq)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w: the baseline moved underneath: change %d (%s %s) no longer applies: %v", w.Target(), domain.ErrConflict, i+1, bw.Op, bw.Target(), err)
			}
			lines = append(lines, journalLine{Entry: *entry, Write: bw})
			entries = append(entries, *entry)
		}
		if snap, err = d.index(); err != nil {
			return nil, nil, err
		}
	}
	seq++
	entry := scenarioEntry(w, stored, next, seq, at)
	lines = append(lines, journalLine{Entry: *entry, Write: domain.Write{Actor: w.Actor}, Scenario: &w})
	entries = append(entries, *entry)
	if err := s.journal.append(lines...); err != nil {
		return nil, nil, err
	}
	s.commitWith(snap, func() { s.putScenario(w.ID, next) }, entries...)
	return next, entry, nil
}

// replayScenario makes a journalled scenario write again, at its start.
// A promotion's baseline writes come before it in the journal, each on a
// line of its own, and are replayed as any other.
func (s *Store) replayScenario(jl journalLine) error {
	w := *jl.Scenario
	s.mu.RLock()
	stored := s.scenarios[w.ID]
	s.mu.RUnlock()
	next, err := w.Next(stored, w.ID, jl.Entry.At)
	if err != nil {
		return fmt.Errorf("memstore: journal: audit entry %d: %w", jl.Entry.Seq, err)
	}
	entry := scenarioEntry(w, stored, next, jl.Entry.Seq, jl.Entry.At)
	s.commitWith(s.current(), func() { s.putScenario(w.ID, next) }, *entry)
	return nil
}

// putScenario makes next the scenario id (none for nil). The caller holds
// mu for writing, and writeMu.
func (s *Store) putScenario(id string, next *domain.Scenario) {
	if n := domain.ScenarioNumber(id); n > s.lastScenario {
		s.lastScenario = n
	}
	if next == nil {
		delete(s.scenarios, id)
		return
	}
	if s.scenarios == nil {
		s.scenarios = map[string]*domain.Scenario{}
	}
	s.scenarios[id] = next
}

// scenarioEntry is a scenario write's audit entry, with the scenario
// before and after it.
func scenarioEntry(w domain.ScenarioWrite, before, after *domain.Scenario, seq int64, at time.Time) *domain.AuditEntry {
	entry := w.NewEntry(w.ID, seq, at)
	if before != nil {
		entry.Before = mustJSON(before)
	}
	if after != nil {
		entry.After, entry.Version = mustJSON(after), after.Version
	}
	return entry
}

// Overlay returns a read-only store holding g with changes made over it in
// order, by the rules of a write (versions, dangling references and all),
// and for each change that could not be made, why: nil where it was made.
// It is how a scenario's graph is worked out from the baseline, on either
// store.
func Overlay(g *domain.Graph, changes []domain.Write) (*Store, []error, error) {
	s, err := New(g)
	if err != nil {
		return nil, nil, err
	}
	failed := make([]error, len(changes))
	d := newDraft(s.current())
	for i, c := range changes {
		if _, err := s.plan(d, c, time.Time{}, 0); err != nil {
			failed[i] = err
		}
	}
	if s.snap, err = d.index(); err != nil {
		return nil, nil, err
	}
	return s, failed, nil
}

// Preview works out what w would do to the store, as Apply would, and
// returns its audit entry without making it: how a write into a scenario
// is checked against the scenario's graph (an Overlay) before the scenario
// keeps it.
func (s *Store) Preview(ctx context.Context, w domain.Write) (*domain.AuditEntry, error) {
	if err := s.lockWrite(ctx, w); err != nil {
		return nil, err
	}
	defer s.writeMu.Unlock()
	return s.plan(newDraft(s.current()), w, time.Now().UTC(), 0)
}
