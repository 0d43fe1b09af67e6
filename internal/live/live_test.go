package live_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/live"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

const wait = 5 * time.Second

func writable(t *testing.T) *memstore.Store {
	t.Helper()
	return seedtest.Open(t, storetest.Fixture(), t.TempDir())
}

var made int

func write(t *testing.T, st store.Writer) *domain.AuditEntry {
	t.Helper()
	made++
	return storetest.CreateTargetGroup(t, st, "planner", fmt.Sprintf("Feed %d", made))
}

func next(t *testing.T, s *live.Subscription) domain.AuditEntry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	e, err := s.Next(ctx)
	if err != nil {
		t.Fatalf("next: %v", err)
	}
	return e.AuditEntry
}

// subscribe subscribes to f after the seq after (nil: from now), closing
// the subscription when the test ends.
func subscribe(t *testing.T, f *live.Feed, after *int64) *live.Subscription {
	t.Helper()
	s, err := f.Subscribe(context.Background(), after)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestFeed(t *testing.T) {
	ctx := context.Background()

	t.Run("a subscription hears every write after it, in order, once each", func(t *testing.T) {
		st := writable(t)
		f := live.New(st, quiet(), live.Options{Poll: 20 * time.Millisecond})
		s := subscribe(t, f, nil)
		want := []*domain.AuditEntry{write(t, st), write(t, st), write(t, st)}
		for _, w := range want {
			if got := next(t, s); got.Seq != w.Seq || got.Target != w.Target {
				t.Fatalf("want %d %s, got %d %s", w.Seq, w.Target, got.Seq, got.Target)
			}
		}
	})

	t.Run("one that starts after a seq gets the writes missed, then the new ones, none twice", func(t *testing.T) {
		st := writable(t)
		f := live.New(st, quiet(), live.Options{Poll: 20 * time.Millisecond})
		// A first subscriber starts the feed, so the second joins behind it.
		first := subscribe(t, f, nil)
		seen := write(t, st)
		missed := []*domain.AuditEntry{write(t, st), write(t, st)}
		next(t, first)
		next(t, first)
		next(t, first) // the feed has handed all three out
		after := seen.Seq
		s := subscribe(t, f, &after)
		missed = append(missed, write(t, st))
		for _, w := range missed {
			if got := next(t, s); got.Seq != w.Seq {
				t.Fatalf("want seq %d, got %d", w.Seq, got.Seq)
			}
		}
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if e, err := s.Next(short); err == nil {
			t.Fatalf("an event more than written: %+v", e)
		}
	})

	t.Run("a subscriber that falls behind its buffer is dropped with SUBSCRIBER_TOO_SLOW", func(t *testing.T) {
		st := writable(t)
		f := live.New(st, quiet(), live.Options{Poll: 10 * time.Millisecond, Buffer: 2})
		slow := subscribe(t, f, nil)
		for range 5 {
			write(t, st)
		}
		deadline := time.Now().Add(wait)
		for f.Subscriptions() > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if f.Subscriptions() != 0 {
			t.Fatal("the slow subscriber was kept")
		}
		var err2 error
		for range 3 { // what it had buffered, then the reason
			if _, err2 = slow.Next(ctx); err2 != nil {
				break
			}
		}
		if apierr.Of(err2) != apierr.TooSlow {
			t.Fatalf("ended with %v, want %s", err2, apierr.TooSlow)
		}
	})

	t.Run("bounds: the instance's subscriptions and a connection's", func(t *testing.T) {
		st := writable(t)
		f := live.New(st, quiet(), live.Options{MaxSubscriptions: 2, MaxPerConnection: 1})
		conn := live.WithConnection(ctx)
		a, err := f.Subscribe(conn, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Subscribe(conn, nil); !errors.Is(err, live.ErrConnLimit) {
			t.Fatalf("a second on one connection: %v", err)
		}
		b, err := f.Subscribe(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Subscribe(ctx, nil); apierr.Of(err) != apierr.SubscriptionLimit {
			t.Fatalf("past the instance's bound: %v", err)
		}
		a.Close()
		if c, err := f.Subscribe(conn, nil); err != nil {
			t.Fatalf("after one closed, the connection's place is free again: %v", err)
		} else {
			c.Close()
		}
		b.Close()
		if f.Subscriptions() != 0 {
			t.Fatalf("%d subscriptions left", f.Subscriptions())
		}
	})

	t.Run("a store loaded afresh ends the subscriptions, whose seqs counted in the old trail", func(t *testing.T) {
		st := writable(t)
		f := live.New(st, quiet(), live.Options{Poll: 10 * time.Millisecond})
		s := subscribe(t, f, nil)
		if err := st.Load(ctx, storetest.Fixture()); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		if _, err := s.Next(short); !errors.Is(err, live.ErrReloaded) {
			t.Fatalf("ended with %v", err)
		}
	})
}

// heldFeed is a change feed whose reads wait until release closes, and
// which counts the reads that start after closed is set.
type heldFeed struct {
	store.ChangeFeed
	reading chan struct{} // one value as each read begins
	release chan struct{}
	closed  atomic.Bool
	late    atomic.Int32
}

func (h *heldFeed) Version(ctx context.Context) (store.Version, error) {
	if h.closed.Load() {
		h.late.Add(1)
	}
	select {
	case h.reading <- struct{}{}:
	default:
	}
	<-h.release
	return h.ChangeFeed.Version(ctx)
}

func TestCloseWaitsForTheRead(t *testing.T) {
	ctx := context.Background()
	h := &heldFeed{ChangeFeed: writable(t), reading: make(chan struct{}, 1), release: make(chan struct{})}
	f := live.New(h, quiet(), live.Options{Poll: time.Millisecond})
	go func() { h.release <- struct{}{} }() // the first subscriber's own Version
	s, err := f.Subscribe(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-h.reading // the first subscriber's
	<-h.reading // the poll loop's, now held

	closed := make(chan struct{})
	go func() { f.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while the poll loop was still reading the store")
	case <-time.After(100 * time.Millisecond):
	}
	close(h.release)
	select {
	case <-closed:
	case <-time.After(wait):
		t.Fatal("Close did not return once the read finished")
	}
	h.closed.Store(true)
	time.Sleep(20 * time.Millisecond) // twenty polls, had the loop gone on
	if n := h.late.Load(); n != 0 {
		t.Fatalf("%d reads of the store after Close", n)
	}
	if _, err := s.Next(ctx); !errors.Is(err, live.ErrShuttingDown) {
		t.Fatalf("a subscription after Close: want ErrShuttingDown, got %v", err)
	}
	if _, err := f.Subscribe(ctx, nil); !errors.Is(err, live.ErrShuttingDown) {
		t.Fatalf("subscribing after Close: want ErrShuttingDown, got %v", err)
	}
}
