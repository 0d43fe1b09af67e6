package httpserver

import (
	"container/list"
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// DefaultMaxClients bounds how many clients the budgets remember.
const DefaultMaxClients = 10000

// rateLimiter keeps each client's budget, a token bucket of points: rate
// points a second, up to burst. The client table is bounded twice over: a
// client whose bucket has refilled is forgotten (it would start full
// anyway, so forgetting it changes nothing), and past maxClients the least
// recently seen is forgotten (it starts afresh, full, when it returns).
type rateLimiter struct {
	rate       rate.Limit
	burst      int
	maxClients int
	refill     time.Duration // from empty to full
	now        func() time.Time

	mu      sync.Mutex
	clients map[string]*list.Element // of *bucket
	recent  *list.List               // most recently seen first
}

type bucket struct {
	key     string
	limiter *rate.Limiter
	seen    time.Time
}

func newRateLimiter(perSecond float64, burst, maxClients int, now func() time.Time) *rateLimiter {
	return &rateLimiter{
		rate:       rate.Limit(perSecond),
		burst:      burst,
		maxClients: maxClients,
		refill:     time.Duration(float64(burst) / perSecond * float64(time.Second)),
		now:        now,
		clients:    map[string]*list.Element{},
		recent:     list.New(),
	}
}

// verdict is a client's standing with its bucket after a spending.
type verdict struct {
	allowed    bool
	remaining  int           // whole points left (refused: before it)
	reset      time.Duration // until the bucket is full again
	retryAfter time.Duration // when refused, until the points are there
}

// take spends n of key's points, if it has them; n past the burst asks
// for the whole bucket.
func (l *rateLimiter) take(key string, n int) verdict { return l.spend(key, n, false) }

// charge spends n of key's points whatever it has left, into debt.
func (l *rateLimiter) charge(key string, n int) verdict { return l.spend(key, n, true) }

// spend spends n of key's points, n at most the burst: if it has them or,
// intoDebt, whatever it has left.
func (l *rateLimiter) spend(key string, n int, intoDebt bool) verdict {
	n = min(max(n, 1), l.burst)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.bucketFor(key, now)
	allowed := true
	if intoDebt {
		b.limiter.ReserveN(now, n)
	} else {
		allowed = b.limiter.AllowN(now, n)
	}
	tokens := b.limiter.TokensAt(now)
	v := verdict{
		allowed:   allowed,
		remaining: max(0, int(math.Floor(tokens))),
		reset:     l.timeFor(float64(l.burst) - tokens),
	}
	if !allowed {
		v.retryAfter = l.timeFor(float64(n) - tokens)
	}
	return v
}

func (l *rateLimiter) timeFor(tokens float64) time.Duration {
	if tokens <= 0 {
		return 0
	}
	return time.Duration(tokens / float64(l.rate) * float64(time.Second))
}

func (l *rateLimiter) bucketFor(key string, now time.Time) *bucket {
	if el, ok := l.clients[key]; ok {
		l.recent.MoveToFront(el)
		b := el.Value.(*bucket)
		b.seen = now
		return b
	}
	l.forget(now)
	b := &bucket{key: key, limiter: rate.NewLimiter(l.rate, l.burst), seen: now}
	l.clients[key] = l.recent.PushFront(b)
	return b
}

// forget drops the least recently seen clients whose buckets have
// refilled, then, if the table is still full, the least recently seen
// whatever their standing: each step O(1) per client dropped.
func (l *rateLimiter) forget(now time.Time) {
	for el := l.recent.Back(); el != nil; el = l.recent.Back() {
		b := el.Value.(*bucket)
		if len(l.clients) < l.maxClients && (now.Sub(b.seen) < l.refill || b.limiter.TokensAt(now) < float64(l.burst)) {
			return
		}
		l.recent.Remove(el)
		delete(l.clients, b.key)
	}
}

func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// rateLimitExempt are the paths probes and scrapers use; they are never
// limited, so a busy client cannot make a healthy server look down.
var rateLimitExempt = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// limitRate holds every client to its budget of points. A request costs
// one point of its address's budget, answered 429 RATE_LIMITED when none
// is left; a GraphQL operation costs its price besides (internal/querylimit
// prices it and spends it, through the budget this puts in the request's
// context), from its token's budget where it shows a valid one and from
// its address's otherwise. Every answer tells where its client stands in
// the RateLimit-* headers of the IETF draft
// (draft-ietf-httpapi-ratelimit-headers): the limit is the burst, the reset
// is the seconds until the bucket is full again.
func limitRate(l *rateLimiter, m *observe.Metrics) func(http.Handler) http.Handler {
	policy := strconv.Itoa(l.burst) + ";w=" + strconv.Itoa(ceilSeconds(l.refill))
	limit := strconv.Itoa(l.burst)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if rateLimitExempt[r.URL.Path] {
				next.ServeHTTP(w, r)
				return
			}
			addr := rateKey(clientFrom(r.Context()))
			v := l.take(addr, 1)
			h := w.Header()
			h.Set("RateLimit-Limit", limit)
			h.Set("RateLimit-Policy", policy)
			if !v.allowed {
				setStanding(h, v)
				writeError(w, m, apierr.RateLimited,
					"this client has spent its budget of "+limit+" points; try again in "+h.Get("Retry-After")+" s")
				return
			}
			b := &requestBudget{l: l, addr: addr, last: v}
			bw := &budgetWriter{ResponseWriter: w, budget: b}
			next.ServeHTTP(bw, r.WithContext(querylimit.WithBudget(r.Context(), b)))
			bw.standing() // for an answer that wrote nothing
		})
	}
}

// setStanding writes a verdict's RateLimit-Remaining, RateLimit-Reset and,
// refused, Retry-After.
func setStanding(h http.Header, v verdict) {
	h.Set("RateLimit-Remaining", strconv.Itoa(v.remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(ceilSeconds(v.reset)))
	if !v.allowed {
		h.Set("Retry-After", strconv.Itoa(max(1, ceilSeconds(v.retryAfter))))
	} else {
		h.Del("Retry-After")
	}
}

// requestBudget is one request's querylimit.Budget: its client's bucket,
// which is its token's once auth has seen one.
type requestBudget struct {
	l    *rateLimiter
	addr string

	mu   sync.Mutex
	last verdict // the latest spending, for the answer's headers
}

var _ querylimit.Budget = (*requestBudget)(nil)

// key is the bucket the request's operations spend from.
func (b *requestBudget) key(ctx context.Context) string {
	if p, ok := auth.FromContext(ctx); ok {
		return "token:" + p.Subject
	}
	return b.addr
}

func (b *requestBudget) Spend(ctx context.Context, cost int) querylimit.Spending {
	v := b.l.take(b.key(ctx), cost)
	b.mu.Lock()
	b.last = v
	b.mu.Unlock()
	return querylimit.Spending{OK: v.allowed, Left: v.remaining, Limit: b.l.burst, RetryAfter: v.retryAfter}
}

func (b *requestBudget) Charge(ctx context.Context, cost int) {
	v := b.l.charge(b.key(ctx), cost)
	b.mu.Lock()
	b.last = v
	b.mu.Unlock()
}

// budgetWriter writes the request's latest standing into the answer's
// headers as the answer begins.
type budgetWriter struct {
	http.ResponseWriter
	budget *requestBudget
	done   bool
}

func (w *budgetWriter) standing() {
	if w.done {
		return
	}
	w.done = true
	w.budget.mu.Lock()
	v := w.budget.last
	w.budget.mu.Unlock()
	setStanding(w.Header(), v)
}

func (w *budgetWriter) WriteHeader(status int) {
	w.standing()
	w.ResponseWriter.WriteHeader(status)
}

func (w *budgetWriter) Write(p []byte) (int, error) {
	w.standing()
	return w.ResponseWriter.Write(p)
}

func (w *budgetWriter) Flush() {
	w.standing()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the writer below.
func (w *budgetWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func ceilSeconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}
