package admission_test

import (
	"context"
	"errors"
	"testing"

	"golang.org/x/sync/semaphore"

	"github.com/bif-kk/orggraph/internal/admission"
)

func place(t *testing.T) (*semaphore.Weighted, *admission.Place) {
	t.Helper()
	sem := semaphore.NewWeighted(1)
	if !sem.TryAcquire(1) {
		t.Fatal("the place is taken")
	}
	return sem, admission.New(func() { sem.Release(1) }, func(ctx context.Context) error { return sem.Acquire(ctx, 1) })
}

func TestAside(t *testing.T) {
	t.Run("the place is free while wait runs, held again after, freed by Leave", func(t *testing.T) {
		sem, p := place(t)
		ctx := admission.With(context.Background(), p)
		if err := admission.Aside(ctx, func() error {
			if !sem.TryAcquire(1) {
				t.Error("the place was held while waiting")
			} else {
				sem.Release(1)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if sem.TryAcquire(1) {
			t.Fatal("the place is free after Aside")
		}
		p.Leave()
		p.Leave() // twice: released once
		if !sem.TryAcquire(1) {
			t.Fatal("Leave kept the place")
		}
		if sem.TryAcquire(1) {
			t.Fatal("Leave released the place twice")
		}
	})

	t.Run("wait's error: returned, the place left free", func(t *testing.T) {
		sem, p := place(t)
		boom := errors.New("boom")
		if err := admission.Aside(admission.With(context.Background(), p), func() error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		p.Leave()
		if !sem.TryAcquire(1) || sem.TryAcquire(1) {
			t.Fatal("the place should be free, once")
		}
	})

	t.Run("the request ends before the place comes back: taking it fails, nothing held", func(t *testing.T) {
		sem, p := place(t)
		ctx, cancel := context.WithCancel(admission.With(context.Background(), p))
		err := admission.Aside(ctx, func() error {
			if !sem.TryAcquire(1) { // another request takes the place meanwhile
				t.Error("the place was held while waiting")
			}
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		p.Leave()
		sem.Release(1) // the other request ends
		if !sem.TryAcquire(1) || sem.TryAcquire(1) {
			t.Fatal("the place should be free, once")
		}
	})

	t.Run("without a place, wait just runs", func(t *testing.T) {
		ran := false
		if err := admission.Aside(context.Background(), func() error { ran = true; return nil }); err != nil || !ran {
			t.Fatalf("ran %v, err %v", ran, err)
		}
		var p *admission.Place
		p.Leave() // a nil place does nothing
	})
}
