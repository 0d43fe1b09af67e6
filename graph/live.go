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

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/gqlext"
	"github.com/bif-kk/orggraph/internal/live"
	"github.com/bif-kk/orggraph/internal/writes"
)

// Live updates (schema/subscription.graphqls): the transports that carry
// subscriptions, the extension that ends one with its reason, and the
// helpers the subscription resolvers share.

const (
	// closeForbidden is graphql-transport-ws's close code for a
	// connection_init the server refuses.
	closeForbidden = 4403
)

// addLiveTransports puts the subscription transports before the others:
// gqlgen takes the first transport that supports a request, and an event
// stream's POST is a POST too.
// Keepalives and the idle bound come from opts (live.Options: Ping,
// InitTimeout).
func addLiveTransports(srv *handler.Server, opts live.Options) {
	opts = opts.WithDefaults()
	srv.AddTransport(eventStream{sse: transport.SSE{KeepAlivePingInterval: opts.Ping}})
	srv.AddTransport(transport.Websocket{
		// The HTTP layer in front holds a browser's upgrade to the origins
		// its CORS allows (internal/httpserver, allowSocketOrigins), which
		// coder/websocket's own check, the API's host alone, would refuse.
		Implementation:        sockets{transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{InsecureSkipVerify: true}}},
		KeepAlivePingInterval: opts.Ping,
		PingPongInterval:      opts.Ping,
		InitTimeout:           opts.InitTimeout,
		InitFunc: func(ctx context.Context, params transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			// The token may come as connectionParams, a browser's WebSocket
			// having no headers to send; refused, the connection is closed
			// with graphql-transport-ws's 4403 and the code as its reason.
			ctx, err := auth.FromConnectionParams(ctx, params)
			if err != nil {
				code := apierr.Of(err)
				ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, closeForbidden), code)
				return ctx, nil, errors.New(apierr.Message(code, err.Error()))
			}
			// The upgrade was a GET; the operations a WebSocket carries are
			// not, and a mutation may come over it.
			ctx = context.WithValue(ctx, methodKey, "WEBSOCKET")
			return live.WithConnection(ctx), nil, nil
		},
	})
}

// sockets accepts WebSockets as coder/websocket does, and closes one whose
// request ended as the server shuts down (live.ErrShuttingDown) with 1001
// Going Away and the code UNAVAILABLE, where gqlgen would say 1000, a
// normal end: a graphql-ws client reconnects, to another instance.
type sockets struct {
	transport.CoderWebsocketImplementation
}

func (s sockets) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := s.CoderWebsocketImplementation.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	cc, ok := c.(coderConn)
	if !ok {
		return c, nil
	}
	return &socket{coderConn: cc, ctx: r.Context()}, nil
}

// coderConn is what gqlgen's coder/websocket connection does.
type coderConn interface {
	transport.WebsocketConn
	transport.WebsocketReadLimiter
	transport.WebsocketReadDeadliner
}

type socket struct {
	coderConn
	ctx context.Context
}

func (s *socket) WriteClose(code int, message string) error {
	if errors.Is(context.Cause(s.ctx), live.ErrShuttingDown) {
		code, message = int(websocket.StatusGoingAway), apierr.Unavailable
	}
	return s.coderConn.WriteClose(code, message)
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
	ew := &withEventIDs{ResponseWriter: w, seq: seq}
	defer ew.end()
	t.sse.Do(ew, r, exec)
}

var eventSeqKey = &contextKey{"event seq"}

// eventSeq is where an event stream takes its next event's id from: the
// seq of the write the event follows; nil for a WebSocket. Looked up once
// a subscription, not once an event: a miss walks the whole context.
func eventSeq(ctx context.Context) *atomic.Int64 {
	s, _ := ctx.Value(eventSeqKey).(*atomic.Int64)
	return s
}

// withEventIDs writes an id line before each event gqlgen's SSE transport
// writes (one Write a frame), and nothing once the stream's handler has
// returned: gqlgen's keepalive goroutine may tick just after, and a write
// to a finished response would crash the server.
type withEventIDs struct {
	http.ResponseWriter
	seq *atomic.Int64

	mu   sync.Mutex
	done bool
}

func (w *withEventIDs) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return 0, errStreamOver
	}
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
	w.mu.Lock()
	defer w.mu.Unlock()
	if f, ok := w.ResponseWriter.(http.Flusher); ok && !w.done {
		f.Flush()
	}
}

var errStreamOver = errors.New("graph: the event stream is over")

// end stops the writes, before the handler returns.
func (w *withEventIDs) end() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
}

func (w *withEventIDs) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// liveOps is the extension for live updates: a mutation that saved a write
// nudges the feed, so this instance's subscribers hear of it at once; a
// subscription that ends for a reason sends it as its last event, with
// its code.
type liveOps struct {
	gqlext.Name
	feed   *live.Feed
	logger *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = liveOps{}

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
		end := &ending{key: renderKey(ctx), eventSeq: eventSeq(ctx)}
		responses := next(context.WithValue(ctx, endingKey, end))
		return func(ctx context.Context) *graphql.Response {
			if end.next != nil {
				if resp := end.respond(ctx, responses); resp != nil {
					return resp
				}
			} else if resp := responses(ctx); resp != nil {
				return resp // the resolver refused, before any event
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

// ending is one subscription's side of its stream. Its events are pulled
// on the transport's own goroutine, one each time the transport asks for
// a response (respond), so a subscriber costs no goroutine of its own and
// an event one hand-over, from the feed to the transport. key says which
// subscribers make the same response of an event (renderKey): the first
// to render one keeps it on the event, and the others send that instead
// of running the selection and marshalling it again. err is why the
// stream closed, for its last event.
type ending struct {
	key      string
	eventSeq *atomic.Int64 // eventSeq's
	// next, set by the resolver (follow), readies the next event: a
	// liveItem, and unless another subscriber's response is to be sent,
	// the value on the resolver's channel; false once the stream is over
	// (the channel is closed then).
	next func() (liveItem, bool)

	mu   sync.Mutex
	err  error
	sent bool
}

// liveItem is one event on its way to a subscriber: the seq of the write
// it follows, the write as the feed shares it (nil for one of this
// subscription's own, such as impactChanged's first answer), and the
// response another subscriber of the same kind rendered, if one did.
type liveItem struct {
	seq      int64
	ev       *live.Event
	rendered *graphql.Response
}

// respond returns the next event's response, or nil once the stream ended.
func (e *ending) respond(ctx context.Context, responses graphql.ResponseHandler) *graphql.Response {
	it, ok := e.next()
	if !ok {
		return responses(ctx) // nil: the resolver's channel is closed
	}
	if e.eventSeq != nil {
		e.eventSeq.Store(it.seq) // before the transport writes the response
	}
	if it.rendered != nil {
		shared := *it.rendered // the transports only read it; the copy keeps it so
		return &shared
	}
	resp := responses(ctx)
	if resp != nil && it.ev != nil {
		it.ev.Keep(e.key, resp)
	}
	return resp
}

// renderKey says what one subscription's events look like: the same for
// two subscriptions with the same document, operation, variables, role and
// language, whose selections make the same response of one write.
func renderKey(ctx context.Context) string {
	oc := graphql.GetOperationContext(ctx)
	vars, _ := json.Marshal(oc.Variables) // map keys sorted: the same variables, the same text
	role := "anonymous"
	if p, ok := auth.FromContext(ctx); ok {
		role = p.Role.String()
	}
	return strings.Join([]string{role, oc.Headers.Get("Accept-Language"), oc.OperationName, oc.RawQuery, string(vars)}, "\x00")
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
// reason to tell it, the server's shutting down is.
func endWith(ctx context.Context, err error) {
	if cause := context.Cause(ctx); errors.Is(cause, live.ErrShuttingDown) {
		err = cause // the server's leaving is
	} else if err == nil || errors.Is(err, context.Canceled) || ctx.Err() != nil {
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
// says what it makes of it and whether to send it, until the client leaves
// or the feed ends the subscription. first, if given, is sent before them,
// as the event of the write at from. out must hold one value: an event is
// put there for the transport, which takes it at once (ending.respond);
// an event another subscriber of the same kind rendered already is sent
// as that instead. out is closed at the end.
func follow[T any](ctx context.Context, feed *live.Feed, from *int64, out chan T, each func(domain.AuditEntry) (T, bool, error), first ...T) error {
	end, ok := ctx.Value(endingKey).(*ending)
	if !ok || cap(out) != 1 {
		return errors.New("graph: a subscription outside the live extension, or without room for its event")
	}
	sub, err := feed.Subscribe(ctx, from)
	if err != nil {
		return err
	}
	// Whether or not the transport asks again, the place is freed when the
	// operation ends.
	stop := context.AfterFunc(ctx, sub.Close)
	over := false
	end.next = func() (liveItem, bool) {
		if len(first) > 0 {
			out <- first[0]
			first = nil
			return liveItem{seq: *from}, true
		}
		for !over {
			ev, err := sub.Next(ctx)
			if err == nil {
				var v T
				var send bool
				if v, send, err = each(ev.AuditEntry); err == nil && !send {
					continue
				}
				if err == nil {
					it := liveItem{seq: ev.Seq, ev: ev}
					if it.rendered, _ = ev.Rendered(end.key).(*graphql.Response); it.rendered == nil {
						select {
						case <-out: // one the transport left, as its context ended: never waited on
						default:
						}
						out <- v
					}
					return it, true
				}
			}
			endWith(ctx, err)
			over = true
			stop()
			sub.Close()
			close(out)
		}
		return liveItem{}, false
	}
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
