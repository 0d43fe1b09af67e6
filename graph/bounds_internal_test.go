package graph

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
)

// flakySnapshots fails its first fails snapshots, then returns g; its
// graph's version is seq, and it counts the snapshots taken.
type flakySnapshots struct {
	g     *domain.Graph
	fails int
	seq   int64
	taken int
}

func (f *flakySnapshots) Snapshot(context.Context) (*domain.Graph, error) {
	f.taken++
	if f.fails > 0 {
		f.fails--
		return nil, errors.New("store unavailable")
	}
	return f.g, nil
}

func (f *flakySnapshots) Version(context.Context) (store.Version, error) {
	return store.Version{Epoch: "e", Seq: f.seq}, nil
}

// The store's counts are announced at INFO when they are first read, and
// again when a read succeeds after a failed one, and not on every read
// after that: scripts/benchmarks waits for the line before it prices the
// mix on Neo4j, whose first count may fail at 1000× the seed.
func TestStoreCountsSayWhenCounted(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	st := &flakySnapshots{g: seedtest.Graph(t), fails: 1}
	counted := func() int { return strings.Count(logs.String(), `"msg":"`+countedMessage+`"`) }

	s := newStoreCounts(logger, st) // fails
	if s.get() != nil || counted() != 0 || !strings.Contains(logs.String(), "cannot count the store") {
		t.Fatalf("after a failed first read: counts %v, logs %s", s.counts, logs.String())
	}
	s.read(countsTimeout)
	if s.counts == nil || counted() != 1 || !strings.Contains(logs.String(), `"nodes":`+strconv.Itoa(s.counts.nodes)) {
		t.Fatalf("after the first good read: %d lines saying so:\n%s", counted(), logs.String())
	}
	st.seq++
	s.read(countsTimeout)
	if counted() != 1 {
		t.Fatalf("a second good read said so again:\n%s", logs.String())
	}
	st.fails, st.seq = 1, st.seq+1
	s.read(countsTimeout)
	s.read(countsTimeout)
	if counted() != 2 {
		t.Fatalf("a good read after a failed one: %d lines saying so, want 2:\n%s", counted(), logs.String())
	}
}

// A graph that has not changed since it was counted is not read again: a
// count at a thousand times the seed reads the whole of Neo4j. Once its
// version moves, it is.
func TestStoreCountsReadOnlyAChangedGraph(t *testing.T) {
	st := &flakySnapshots{g: seedtest.Graph(t)}
	s := newStoreCounts(slog.New(slog.DiscardHandler), st)
	first := s.counts
	if first == nil || st.taken != 1 {
		t.Fatalf("first read: counts %v after %d snapshots", first, st.taken)
	}
	s.read(countsLaterTimeout)
	s.read(countsLaterTimeout)
	if st.taken != 1 || s.counts != first {
		t.Fatalf("the same version was read again: %d snapshots", st.taken)
	}
	st.seq++
	s.read(countsLaterTimeout)
	if st.taken != 2 || s.counts == first || s.counts.nodes != first.nodes {
		t.Fatalf("after a write: %d snapshots, counts %v (before %v)", st.taken, s.counts, first)
	}
	s.read(countsLaterTimeout)
	if st.taken != 2 {
		t.Fatalf("the new version was read again: %d snapshots", st.taken)
	}
}
