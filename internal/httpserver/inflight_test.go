package httpserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/store"
)

// heldStore holds every listing until release is closed, counting those
// that reached it.
type heldStore struct {
	store.Store
	entered atomic.Int32
	release chan struct{}
}

func (s *heldStore) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	s.entered.Add(1)
	<-s.release
	return s.Store.Expand(ctx, xs)
}

// With one request in flight, the next waits its turn and, when its
// deadline passes first, gets the timeout's 503 without having reached the
// store; with room for two, both run at once.
func TestInFlightLimitQueues(t *testing.T) {
	for _, tt := range []struct {
		limit       int
		wantEntered int32
	}{{1, 1}, {2, 2}, {-1, 2}} {
		st := &heldStore{Store: fixtureStore(t), release: make(chan struct{})}
		h := testServer(slog.New(slog.NewTextHandler(io.Discard, nil)), st,
			Options{MaxInFlight: tt.limit, RequestTimeout: 300 * time.Millisecond})
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = send(h, http.MethodPost, "/graphql", `{"query":"{ centres { code } }"}`, "Content-Type", "application/json").Code
			}()
			// The first is in the store before the second is sent.
			for i == 0 && st.entered.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		time.Sleep(500 * time.Millisecond) // past both deadlines
		close(st.release)
		wg.Wait()
		if got := st.entered.Load(); got != tt.wantEntered {
			t.Errorf("limit %d: %d requests reached the store, want %d", tt.limit, got, tt.wantEntered)
		}
		if codes[1] != http.StatusServiceUnavailable {
			t.Errorf("limit %d: the second request answered %d, want 503", tt.limit, codes[1])
		}
	}
}
