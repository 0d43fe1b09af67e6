package httpserver

import (
	"net/http"
	"runtime"

	"golang.org/x/sync/semaphore"
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
// rather than slowing every request at once.
func limitInFlight(n int) func(http.Handler) http.Handler {
	sem := semaphore.NewWeighted(int64(n))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := sem.Acquire(r.Context(), 1); err != nil {
				// The deadline passed or the client left while waiting: the
				// timeout's middleware answers the one, nobody hears the other.
				return
			}
			defer sem.Release(1)
			next.ServeHTTP(w, r)
		})
	}
}
