package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/handover"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/writes"
)

// DefaultRequestTimeout bounds a request's handling.
const DefaultRequestTimeout = 10 * time.Second

// timeoutRequests gives each request a deadline d away, in its context, so
// a slow store call gives up with it (both stores honour their context: the
// Neo4j driver aborts, the memstore checks before each call). The answer is
// held back until the handler is done; if the deadline has passed by then,
// it is dropped and the client gets 503 with code TIMEOUT instead: whatever
// the handler made of its cancelled calls, the request took too long. A
// handler that flushes (streams) has sent its answer on its way, and keeps
// it. So does a request that saved a write (writes.Watch): its answer
// tells the client the write was made, which a TIMEOUT would deny.
//
// Unlike http.TimeoutHandler, the handler runs in the request's goroutine:
// chi recycles its routing context once the request returns, so a handler
// left running past that could read another request's routing state. The
// price is that a handler which ignores its context holds the request until
// the http.Server's WriteTimeout fails it.
func timeoutRequests(d time.Duration, logger *slog.Logger, m *observe.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			ctx, wrote := writes.Watch(ctx)
			tw := &timeoutWriter{bufferedResponse: bufferedResponse{header: http.Header{}}, w: w}
			next.ServeHTTP(tw, r.WithContext(ctx))
			late := errors.Is(ctx.Err(), context.DeadlineExceeded) && !tw.flushed
			if late && wrote() {
				logger.WarnContext(r.Context(), "request outlived its deadline; it saved a write, so its answer is sent", "timeout", d.String())
				tw.send()
				return
			}
			if late {
				logger.WarnContext(r.Context(), "request timed out", "timeout", d.String())
				writeError(w, m, apierr.Timeout,
					fmt.Sprintf("the request took longer than %s; try again later", d))
				return
			}
			tw.send()
		})
	}
}

// timeoutWriter holds a handler's answer until it is done, or passes it
// through once the handler flushes. Its header is its own until then.
type timeoutWriter struct {
	bufferedResponse
	w       http.ResponseWriter
	flushed bool // the answer is passing through to w
}

func (tw *timeoutWriter) Write(p []byte) (int, error) {
	if tw.flushed {
		return tw.w.Write(p)
	}
	return tw.bufferedResponse.Write(p)
}

// graph's answers find the held answers' WriteOwned through handover.Write:
// without it they would be copied.
var (
	_ handover.Writer = (*timeoutWriter)(nil)
	_ handover.Writer = (*bufferedResponse)(nil)
)

// WriteOwned holds p without a copy (bufferedResponse.WriteOwned), or
// passes it through once the handler flushed.
func (tw *timeoutWriter) WriteOwned(p []byte, release func()) (int, error) {
	if tw.flushed {
		return handover.Copy(tw.w, p, release)
	}
	return tw.bufferedResponse.WriteOwned(p, release)
}

// Flush sends what is held and everything after it straight through.
func (tw *timeoutWriter) Flush() {
	if !tw.flushed {
		tw.send()
		tw.flushed = true
	}
	if f, ok := tw.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (tw *timeoutWriter) Unwrap() http.ResponseWriter { return tw.w }

// send writes the held status, headers and body to w, unless they have
// gone already. Headers merge with those already on w (CORS, rate limit,
// request id): values add, so a Vary set outside is kept beside one set
// inside.
func (tw *timeoutWriter) send() {
	if tw.flushed {
		return
	}
	dst := tw.w.Header()
	for k, vv := range tw.header {
		dst[k] = append(dst[k], vv...)
	}
	tw.writeTo(tw.w)
}
