package httpserver

import (
	"context"
	"net/http"
	"runtime"

	"golang.org/x/sync/semaphore"

	"github.com/bif-kk/orggraph/internal/admission"
)

// DefaultMaxInFlight is how many GraphQL requests run at once unless told
// otherwise: four for each core Go may use, enough to keep the cores busy
// while requests wait on Neo4j (docs/BENCHMARKS.md compares 2, 3 and 4).
func DefaultMaxInFlight() int { return 4 * runtime.GOMAXPROCS(0) }

// limitInFlight lets at most n requests run at once; the rest wait their
// turn, first come first served, until their deadline (the request
// timeout's 503 TIMEOUT) or until the client goes away. On a few cores, a
// deep listing running beside fifteen other requests takes fifteen times
// its own time: queuing keeps each request's time near its own work, which
// bounds the tail latency, and a burst beyond capacity waits or times out
// rather than slowing every request at once. A request may give its place
// up while it waits for something else (admission.Aside): a query waiting
// in the heavy lane does not keep cheap ones queued behind it.
func limitInFlight(n int) func(http.Handler) http.Handler {
	sem := semaphore.NewWeighted(int64(n))
	take := func(ctx context.Context) error { return sem.Acquire(ctx, 1) }
	release := func() { sem.Release(1) }
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := take(r.Context()); err != nil {
				// The deadline passed or the client left while waiting: the
				// timeout's middleware answers the one, nobody hears the other.
				return
			}
			place := admission.New(release, take)
			defer place.Leave()
			next.ServeHTTP(w, r.WithContext(admission.With(r.Context(), place)))
		})
	}
}
