package httpserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"go.opentelemetry.io/otel/trace"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// recordRequests writes one line per request once it is answered: method,
// path, status, bytes, duration, client, and, when known, the GraphQL
// operation's name (given by observe's gqlgen extension) and the trace id.
// With metrics on (m not nil) it also counts the request's route, method,
// status and time in m; it must run inside the chi router, which names the
// route (routeOf).
func recordRequests(logger *slog.Logger, m *observe.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			ctx := observe.WithOperationSlot(r.Context())
			next.ServeHTTP(ww, r.WithContext(ctx))
			took := time.Since(start)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK // nothing written: net/http answers 200
			}
			if m != nil {
				m.HTTPRequest(routeOf(r), r.Method, status, took)
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Duration("duration", took),
				slog.String("client", clientFrom(ctx)),
			}
			if op := observe.OperationName(ctx); op != "" {
				attrs = append(attrs, slog.String("operation", op))
			}
			if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
				attrs = append(attrs, slog.String("trace_id", sc.TraceID().String()))
			}
			logger.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
		})
	}
}

// recoverPanics answers 500 for a handler's panic and logs it with its
// stack; the client sees nothing of it. http.ErrAbortHandler is re-raised,
// as net/http expects.
func recoverPanics(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				apierr.Write(w, apierr.Internal, "")
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// limitBody bounds a request's body: a declared length over max is refused
// at once with 413. A body of undeclared length (chunked) is read here in
// full, up to max, so one past max gets the same 413 and not a read error
// deep inside gqlgen's transport, which answers that 200 BAD_REQUEST; the
// transport would read it all into memory anyway.
func limitBody(max int64, m *observe.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r) // a GET: nothing to bound
				return
			}
			if r.ContentLength > max {
				writeError(w, m, apierr.RequestTooLarge, "")
				return
			}
			body := http.MaxBytesReader(w, r.Body, max)
			if r.ContentLength >= 0 {
				r.Body = body
				next.ServeHTTP(w, r)
				return
			}
			read, err := io.ReadAll(body)
			if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
				writeError(w, m, apierr.RequestTooLarge, "")
				return
			}
			if err != nil {
				writeError(w, m, apierr.BadRequest, "the request body could not be read")
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(read)), int64(len(read))
			next.ServeHTTP(w, r)
		})
	}
}
