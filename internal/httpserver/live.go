package httpserver

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// DefaultMaxLivePerClient bounds the live connections (event streams and
// graphql-ws WebSockets) one client may hold open at once.
const DefaultMaxLivePerClient = 32

// isLive says whether r opens a subscription's connection: a WebSocket
// upgrade, or an event stream. Such a request outlives every deadline a
// query has, and is bounded by limitLive and the live feed instead.
func isLive(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" || strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// unlessLive applies mw to every request but a live one.
func unlessLive(mw func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		wrapped := mw(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isLive(r) {
				next.ServeHTTP(w, r)
				return
			}
			wrapped.ServeHTTP(w, r)
		})
	}
}

// limitLive holds each client to max live connections at once (429
// SUBSCRIPTION_LIMIT_EXCEEDED past that), and lifts the server's read and
// write deadlines from the ones it lets through: a subscription lives
// until its client leaves, kept alive by pings (graph/live.go) and ended
// by a missing pong, the feed's bounds, or drain's end, whose cause its
// request then ends with.
func limitLive(max int, drain context.Context, m *observe.Metrics) func(http.Handler) http.Handler {
	var mu sync.Mutex
	open := map[string]int{}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !isLive(r) {
				next.ServeHTTP(w, r)
				return
			}
			client := clientFrom(r.Context())
			mu.Lock()
			if open[client] >= max {
				mu.Unlock()
				writeError(w, m, apierr.SubscriptionLimit, "this client holds as many live connections as it may; close one first")
				return
			}
			open[client]++
			mu.Unlock()
			defer func() {
				mu.Lock()
				if open[client]--; open[client] <= 0 {
					delete(open, client)
				}
				mu.Unlock()
			}()
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{}) // a writer that cannot lift them keeps the server's
			_ = rc.SetWriteDeadline(time.Time{})
			if drain != nil {
				ctx, cancel := context.WithCancelCause(r.Context())
				defer cancel(nil)
				defer context.AfterFunc(drain, func() { cancel(context.Cause(drain)) })()
				r = r.WithContext(ctx)
			}
			next.ServeHTTP(w, r)
		})
	}
}
