// Package live tells subscribers of each write to the graph, whichever
// instance made it: one Feed per process polls the store's change feed
// (store.ChangeFeed, the audit trail and its seq) and fans each new write
// out to its subscriptions, each of which may start after a seq it saw and
// then gets the writes it missed, in order, once each. A subscription's
// buffer is bounded: one that falls behind is dropped with a reason, so
// memory never grows with a slow reader.
package live

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// Defaults for Options left zero.
const (
	// DefaultPoll is how often the feed reads the store when no write of
	// its own instance woke it: well inside the 1 s a write on another
	// instance may take to reach a subscriber here.
	DefaultPoll = 250 * time.Millisecond
	// DefaultBuffer is how many writes a subscription may fall behind.
	DefaultBuffer = 256
	// DefaultMaxSubscriptions bounds the subscriptions of one instance.
	DefaultMaxSubscriptions = 20000
	// DefaultMaxPerConnection bounds one connection's subscriptions (a
	// graphql-ws connection carries many; an SSE request one).
	DefaultMaxPerConnection = 16
	// DefaultPing is how often a live connection is sent a keepalive: a
	// graphql-ws connection is pinged and closed when its pong does not come
	// within twice that; an event stream gets a comment.
	DefaultPing = 15 * time.Second
	// DefaultInitTimeout is how long a graphql-ws connection may stay idle
	// before it says connection_init; then it is closed.
	DefaultInitTimeout = 10 * time.Second
	// catchUpBatch is how many missed writes a subscription reads at once.
	catchUpBatch = 500
)

// Options tunes a Feed and the transports that carry its subscriptions
// (graph's); zero values take the defaults.
type Options struct {
	Poll             time.Duration
	Buffer           int
	MaxSubscriptions int
	MaxPerConnection int
	Ping             time.Duration
	InitTimeout      time.Duration
}

// WithDefaults is o with each zero value given its default.
func (o Options) WithDefaults() Options {
	pick := func(v, d time.Duration) time.Duration {
		if v <= 0 {
			return d
		}
		return v
	}
	count := func(v, d int) int {
		if v <= 0 {
			return d
		}
		return v
	}
	o.Poll, o.Ping, o.InitTimeout = pick(o.Poll, DefaultPoll), pick(o.Ping, DefaultPing), pick(o.InitTimeout, DefaultInitTimeout)
	o.Buffer = count(o.Buffer, DefaultBuffer)
	o.MaxSubscriptions = count(o.MaxSubscriptions, DefaultMaxSubscriptions)
	o.MaxPerConnection = count(o.MaxPerConnection, DefaultMaxPerConnection)
	return o
}

// Errors a subscription ends with, each with its code.
var (
	ErrTooSlow   = apierr.New(apierr.TooSlow, "the subscriber fell more than its buffer behind and was dropped; subscribe again after the last seq it saw")
	ErrReloaded  = apierr.New(apierr.FeedRestarted, "the graph was loaded afresh and its writes counted anew; subscribe again")
	ErrTooMany   = apierr.New(apierr.SubscriptionLimit, "this instance holds as many subscriptions as it may; try again later")
	ErrConnLimit = apierr.New(apierr.SubscriptionLimit, "this connection holds as many subscriptions as it may; close one first")
	// ErrShuttingDown is the cause a live connection's request ends with
	// when the server begins to shut down (httpserver.Options.Drain).
	ErrShuttingDown = apierr.New(apierr.Unavailable, "the server is shutting down; subscribe again, after the last seq seen")
)

// Feed polls a store's change feed for the subscriptions of one process.
// It reads the store only while someone subscribes.
type Feed struct {
	st   store.ChangeFeed
	log  *slog.Logger
	opts Options

	mu    sync.Mutex
	subs  map[*Subscription]struct{}
	last  int64         // the seq of the last write handed to subscriptions
	epoch string        // the trail's epoch last and the subscriptions' seqs count in
	stop  chan struct{} // closed to end the poll loop; nil while none runs
	wake  chan struct{}

	closed  bool           // Close was called: no subscription may join
	polling sync.WaitGroup // the poll loop, while one runs
}

// New returns a feed over st.
func New(st store.ChangeFeed, logger *slog.Logger, opts Options) *Feed {
	opts = opts.WithDefaults()
	return &Feed{st: st, log: logger, opts: opts, subs: map[*Subscription]struct{}{}, wake: make(chan struct{}, 1)}
}

// Nudge asks the feed to read the store now rather than at its next poll:
// a write of this instance reaches its subscribers at once.
func (f *Feed) Nudge() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Since is the seq a subscription that starts now starts after: the
// store's version, read afresh.
func (f *Feed) Since(ctx context.Context) (int64, error) {
	v, err := f.st.Version(ctx)
	return v.Seq, err
}

// Subscriptions is how many subscriptions the feed holds.
func (f *Feed) Subscriptions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// Subscription is one subscriber's view of the feed: Next hands it every
// write after the seq it started from, in order, once each.
type Subscription struct {
	f      *Feed
	conn   *connCount
	ch     chan *Event // shared by every subscription: see publish
	epoch  string
	joined int64 // the feed's last seq when it joined: missed writes up to it are read from the store
	cursor int64 // the seq of the last write handed out
	behind []domain.AuditEntry

	once    sync.Once
	dropped chan struct{}
	reason  error // set before dropped is closed
}

// Subscribe starts a subscription after seq after, or, with after nil,
// after the last write the feed has seen. Close it when done.
func (f *Feed) Subscribe(ctx context.Context, after *int64) (*Subscription, error) {
	conn := connFrom(ctx)
	if conn != nil && !conn.take(f.opts.MaxPerConnection) {
		return nil, ErrConnLimit
	}
	s, err := f.join(ctx, conn, after)
	if err != nil && conn != nil {
		conn.give()
	}
	return s, err
}

func (f *Feed) join(ctx context.Context, conn *connCount, after *int64) (*Subscription, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, ErrShuttingDown
	}
	if len(f.subs) >= f.opts.MaxSubscriptions {
		return nil, ErrTooMany
	}
	if f.stop == nil {
		// The first subscriber: start from the store's version now.
		v, err := f.st.Version(ctx)
		if err != nil {
			return nil, err
		}
		f.last, f.epoch = v.Seq, v.Epoch
		f.stop = make(chan struct{})
		// The loop outlives the request that started it, and is told to
		// stop rather than cancelled, so no read is cut off in the middle
		// (the Neo4j driver would report that as an outage).
		f.polling.Add(1)
		go f.poll(context.WithoutCancel(ctx), f.stop)
	}
	s := &Subscription{f: f, conn: conn, ch: make(chan *Event, f.opts.Buffer),
		epoch: f.epoch, joined: f.last, cursor: f.last, dropped: make(chan struct{})}
	if after != nil {
		// Behind the feed, the missed writes are read from the store; ahead
		// of it (seen through another instance), the feed skips up to it.
		s.cursor = max(*after, 0)
	}
	f.subs[s] = struct{}{}
	return s, nil
}

// Seq is the seq of the last write Next handed out, or the one the
// subscription started after.
func (s *Subscription) Seq() int64 { return s.cursor }

// Next returns the next write, waiting for one; the error is why the
// subscription ended (ctx's end, or a reason from this package). The
// Event is shared with every other subscription handed the same write by
// the feed: read it, do not change it.
func (s *Subscription) Next(ctx context.Context) (*Event, error) {
	for s.cursor < s.joined {
		if len(s.behind) == 0 {
			es, err := s.f.st.Changes(ctx, s.cursor, catchUpBatch)
			if err != nil {
				return nil, err
			}
			if len(es) == 0 {
				s.cursor = s.joined // the trail holds no more up to there
				break
			}
			s.behind = es
		}
		e := s.behind[0]
		s.behind = s.behind[1:]
		if e.Seq > s.joined {
			s.behind, s.cursor = nil, s.joined // the rest comes through ch
			break
		}
		s.cursor = e.Seq
		return &Event{AuditEntry: e}, nil // read for this subscription alone
	}
	for {
		select {
		case e := <-s.ch:
			if e.Seq <= s.cursor {
				continue // handed out while catching up
			}
			s.cursor = e.Seq
			return e, nil
		case <-s.dropped:
			return nil, s.reason
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Close ends the subscription and frees its place.
func (s *Subscription) Close() {
	s.f.remove(s, nil)
}

// drop ends s with reason; the caller holds f.mu.
func (s *Subscription) drop(reason error) {
	s.once.Do(func() {
		s.reason = reason
		close(s.dropped)
		if s.conn != nil {
			s.conn.give()
		}
	})
}

func (f *Feed) remove(s *Subscription, reason error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if reason == nil {
		reason = context.Canceled
	}
	s.drop(reason)
	delete(f.subs, s)
	if len(f.subs) == 0 && f.stop != nil {
		close(f.stop) // nobody listens: stop reading the store
		f.stop = nil
	}
}

// Close ends every subscription with ErrShuttingDown, refuses new ones,
// and returns once the poll loop has finished the read it was making: after
// Close the feed does not touch the store, which may then be closed.
func (f *Feed) Close() {
	f.mu.Lock()
	f.closed = true
	for s := range f.subs {
		s.drop(ErrShuttingDown)
		delete(f.subs, s)
	}
	if f.stop != nil {
		close(f.stop)
		f.stop = nil
	}
	f.mu.Unlock()
	f.polling.Wait()
}

// poll reads the store every opts.Poll, or when nudged, until stop closes.
func (f *Feed) poll(ctx context.Context, stop chan struct{}) {
	defer f.polling.Done()
	t := time.NewTicker(f.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		case <-f.wake:
		}
		if err := f.read(ctx); err != nil {
			f.log.WarnContext(ctx, "live: reading the change feed failed; trying again at the next poll", "error", err)
		}
	}
}

// read hands every write after the last one seen to the subscriptions.
func (f *Feed) read(ctx context.Context) error {
	v, err := f.st.Version(ctx)
	if err != nil {
		return err
	}
	f.mu.Lock()
	last, epoch := f.last, f.epoch
	f.mu.Unlock()
	if v.Epoch != epoch || v.Seq < last {
		f.restart(v)
		return nil
	}
	for last < v.Seq {
		es, err := f.st.Changes(ctx, last, catchUpBatch)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return nil
		}
		f.publish(es)
		last = es[len(es)-1].Seq
	}
	return nil
}

// publish hands es to every subscription; one whose buffer is full is
// dropped rather than waited for. Each write is handed out as one Event all
// subscriptions share: a buffer slot is a pointer, not a copy, so ten
// thousand subscriptions' buffers are a few MB the collector scans, not
// hundreds, and each write costs one allocation however many listen; and
// what the subscriptions make of it they may share too (Event.Rendered).
func (f *Feed) publish(es []domain.AuditEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range es {
		if es[i].Seq <= f.last {
			continue
		}
		e := &Event{AuditEntry: es[i]}
		for s := range f.subs {
			select {
			case s.ch <- e:
			default:
				s.drop(ErrTooSlow)
				delete(f.subs, s)
			}
		}
		f.last = e.Seq
	}
}

// Event is one write as the subscriptions see it. Those that make the
// same thing of it (one document with the same variables, asked with the
// same role) make it once: the first to finish keeps what it made under a
// key that says so (Keep), and the others take it (Rendered) instead of
// making their own. None waits for another, so a subscriber slow to take
// its events delays no one; a few that start together may each make it.
type Event struct {
	domain.AuditEntry

	mu       sync.Mutex
	rendered map[string]any
}

// Rendered is what was kept under key, or nil.
func (e *Event) Rendered(key string) any {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rendered[key]
}

// Keep keeps v under key unless something is kept there already.
func (e *Event) Keep(key string, v any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rendered == nil {
		e.rendered = map[string]any{}
	}
	if _, ok := e.rendered[key]; !ok {
		e.rendered[key] = v
	}
}

// restart follows a trail that began again (the store was loaded afresh):
// every subscription's seq counts in the old one, so each is ended.
func (f *Feed) restart(v store.Version) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		s.drop(ErrReloaded)
		delete(f.subs, s)
	}
	f.last, f.epoch = v.Seq, v.Epoch
}

// connCount counts one connection's subscriptions.
type connCount struct {
	mu sync.Mutex
	n  int
}

func (c *connCount) take(limit int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= limit {
		return false
	}
	c.n++
	return true
}

func (c *connCount) give() {
	c.mu.Lock()
	c.n--
	c.mu.Unlock()
}

type ctxKey struct{}

var connKey = &ctxKey{}

// WithConnection marks ctx as one connection's, whose subscriptions
// Subscribe counts against Options.MaxPerConnection.
func WithConnection(ctx context.Context) context.Context {
	return context.WithValue(ctx, connKey, &connCount{})
}

func connFrom(ctx context.Context) *connCount {
	c, _ := ctx.Value(connKey).(*connCount)
	return c
}
