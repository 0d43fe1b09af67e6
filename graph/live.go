package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/live"
	"github.com/bif-kk/orggraph/internal/writes"
)

// Live updates (schema/subscription.graphqls): the transports that carry
// subscriptions, the extension that ends one with its reason, and the
// helpers the subscription resolvers share.

// Keepalives: a graphql-ws connection is pinged, and closed when its pong
// does not come within twice the interval; an event stream gets a comment.
const (
	livePing      = 15 * time.Second
	liveInitAfter = 10 * time.Second // a graphql-ws connection must say connection_init by then
)

// addLiveTransports puts the subscription transports before the others:
// gqlgen takes the first transport that supports a request, and an event
// stream's POST is a POST too.
func addLiveTransports(srv *handler.Server) {
	srv.AddTransport(eventStream{sse: transport.SSE{KeepAlivePingInterval: livePing}})
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: livePing,
		PingPongInterval:      livePing,
		InitTimeout:           liveInitAfter,
		InitFunc: func(ctx context.Context, _ transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			// The upgrade was a GET; the operations a WebSocket carries are
			// not, and a mutation may come over it.
			ctx = context.WithValue(ctx, methodKey, "WEBSOCKET")
			return live.WithConnection(ctx), nil, nil
		},
	})
}

// eventStream is GraphQL over Server-Sent Events: gqlgen's SSE transport
// for a POST, and for a GET (what a browser's EventSource sends) the same
// with the query from the URL. Each event carries the seq of the write it
// follows as its id, so an EventSource that reconnects sends it back as
// Last-Event-ID and gets what it missed.
type eventStream struct{ sse transport.SSE }

func (t eventStream) Supports(r *http.Request) bool {
	if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		return true
	}
	return t.sse.Supports(r)
}

func (t eventStream) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	seq := &atomic.Int64{}
	ctx := context.WithValue(r.Context(), eventSeqKey, seq)
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		body := map[string]any{"query": q.Get("query"), "operationName": q.Get("operationName")}
		for _, name := range []string{"variables", "extensions"} {
			if raw := q.Get(name); raw != "" {
				body[name] = json.RawMessage(raw) // wellFormed checked it is a JSON object
			}
		}
		b, _ := json.Marshal(body)
		post := r.Clone(ctx)
		post.Method = http.MethodPost
		post.Body = io.NopCloser(bytes.NewReader(b))
		post.ContentLength = int64(len(b))
		post.Header.Set("Content-Type", "application/json")
		r = post
	} else {
		r = r.WithContext(ctx)
	}
	t.sse.Do(&withEventIDs{ResponseWriter: w, seq: seq}, r, exec)
}

var eventSeqKey = &contextKey{"event seq"}

// handSeq passes seq on to the response of the event about to be sent;
// false when ctx ended first.
func handSeq(ctx context.Context, seq int64) bool {
	e, ok := ctx.Value(endingKey).(*ending)
	if !ok {
		return true
	}
	select {
	case e.seqs <- seq:
		return true
	case <-ctx.Done():
		return false
	}
}

// noteSeq records, for an event stream's next event id, the seq of the
// write the event follows.
func noteSeq(ctx context.Context, seq int64) {
	if s, ok := ctx.Value(eventSeqKey).(*atomic.Int64); ok {
		s.Store(seq)
	}
}

// withEventIDs writes an id line before each event gqlgen's SSE transport
// writes (one Write a frame).
type withEventIDs struct {
	http.ResponseWriter
	seq *atomic.Int64
}

func (w *withEventIDs) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("event: next")) {
		if n := w.seq.Load(); n > 0 {
			if _, err := io.WriteString(w.ResponseWriter, "id: "+strconv.FormatInt(n, 10)+"\n"); err != nil {
				return 0, err
			}
		}
	}
	return w.ResponseWriter.Write(p)
}

func (w *withEventIDs) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *withEventIDs) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// liveOps is the extension for live updates: a mutation that saved a write
// nudges the feed, so this instance's subscribers hear of it at once; a
// subscription that ends for a reason sends it as its last event, with
// its code.
type liveOps struct {
	feed   *live.Feed
	logger *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = liveOps{}

func (liveOps) ExtensionName() string                   { return "OrggraphLive" }
func (liveOps) Validate(graphql.ExecutableSchema) error { return nil }

func (l liveOps) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil {
		return next(ctx)
	}
	switch op.Operation {
	case ast.Mutation:
		responses := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := responses(ctx)
			if writes.Made(ctx) {
				l.feed.Nudge()
			}
			return resp
		}
	case ast.Subscription:
		end := &ending{seqs: make(chan int64, 1)}
		responses := next(context.WithValue(ctx, endingKey, end))
		return func(ctx context.Context) *graphql.Response {
			if resp := responses(ctx); resp != nil {
				select {
				case seq := <-end.seqs:
					noteSeq(ctx, seq) // before the transport writes resp
				default:
				}
				return resp
			}
			if err := end.take(); err != nil {
				return &graphql.Response{Errors: gqlerror.List{l.present(ctx, err)}}
			}
			return nil
		}
	}
	return next(ctx)
}

// present words why a subscription ended, as the error presenter does.
func (l liveOps) present(ctx context.Context, err error) *gqlerror.Error {
	code := apierr.Of(err)
	if code == apierr.Internal {
		l.logger.ErrorContext(ctx, "subscription ended", "error", err)
	}
	return &gqlerror.Error{Message: apierr.Message(code, err.Error()), Extensions: apierr.Extensions(code)}
}

var endingKey = &contextKey{"subscription ending"}

// ending holds why a subscription's stream closed, for its last event,
// and hands the seq of each event to the response it becomes: the resolver
// puts it in seqs before it sends the event, and waits for the slot, so
// the next seq cannot overtake the event before.
type ending struct {
	mu   sync.Mutex
	err  error
	sent bool
	seqs chan int64
}

func (e *ending) set(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err == nil {
		e.err = err
	}
}

func (e *ending) take() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sent {
		return nil
	}
	e.sent = true
	return e.err
}

// endWith records why a subscription ends; the client's own leaving is no
// reason to tell it.
func endWith(ctx context.Context, err error) {
	if err == nil || errors.Is(err, context.Canceled) || ctx.Err() != nil {
		return
	}
	if e, ok := ctx.Value(endingKey).(*ending); ok {
		e.set(err)
	}
}

// liveAfter is where a subscription starts: after, or else an event
// stream's Last-Event-ID; nil for from now on.
func liveAfter(ctx context.Context, after *int) (*int64, error) {
	if after != nil {
		if *after < 0 {
			return nil, fmt.Errorf("%w: after must be a seq, 0 or more", domain.ErrInvalidInput)
		}
		a := int64(*after)
		return &a, nil
	}
	if !graphql.HasOperationContext(ctx) {
		return nil, nil
	}
	last := graphql.GetOperationContext(ctx).Headers.Get("Last-Event-ID")
	if last == "" {
		return nil, nil
	}
	a, err := strconv.ParseInt(strings.TrimSpace(last), 10, 64)
	if err != nil || a < 0 {
		return nil, fmt.Errorf("%w: Last-Event-ID must be a seq this API sent", domain.ErrInvalidInput)
	}
	return &a, nil
}

// follow runs a subscription: every write after from goes to each, which
// sends what it makes of it on out, until the client leaves or the feed
// ends the subscription; out is closed then.
func follow[T any](ctx context.Context, feed *live.Feed, from *int64, out chan<- T, each func(domain.AuditEntry) (T, bool, error)) error {
	sub, err := feed.Subscribe(ctx, from)
	if err != nil {
		return err
	}
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			e, err := sub.Next(ctx)
			if err != nil {
				endWith(ctx, err)
				return
			}
			v, send, err := each(e)
			if err != nil {
				endWith(ctx, err)
				return
			}
			if !send {
				continue
			}
			if !handSeq(ctx, e.Seq) {
				return
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return nil
}

// touches says whether a write changed id itself or one of its links (a
// relationship's target is from|KIND|to).
func touches(e domain.AuditEntry, id domain.ID) bool {
	if e.Target == string(id) {
		return true
	}
	parts := strings.Split(e.Target, "|")
	return len(parts) == 3 && (parts[0] == string(id) || parts[2] == string(id))
}

// impactNow works out of's impact afresh, and what it reaches as one
// string to tell a change by: its items, centres and the paths to them, the
// groups, interventions and benefits on the way, and the figures.
func impactNow(ctx context.Context, of domain.ID) (*model.Impact, string, error) {
	forgetReads(ctx)
	imp, err := loadImpact(ctx, of)
	if err != nil {
		return nil, "", err
	}
	reach := *imp
	reach.Nodes = nil
	b, err := json.Marshal(reach)
	if err != nil {
		return nil, "", err
	}
	return newImpact(imp), string(b), nil
}
