package httpserver

import (
	"container/list"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// DefaultMaxClients bounds how many clients the rate limiter remembers.
const DefaultMaxClients = 10000

// rateLimiter keeps a token bucket per client: rate tokens a second, up to
// burst. The client table is bounded twice over: a client idle long enough
// for its bucket to refill is forgotten (it would start full anyway, so
// forgetting it changes nothing), and past maxClients the least recently
// seen is forgotten (it starts afresh, full, when it returns).
type rateLimiter struct {
	rate       rate.Limit
	burst      int
	maxClients int
	refill     time.Duration // from empty to full: how long a client must idle to be forgotten
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

// verdict is one request's standing with its bucket.
type verdict struct {
	allowed    bool
	remaining  int           // whole tokens left after this request
	reset      time.Duration // until the bucket is full again
	retryAfter time.Duration // until one token is there, when refused
}

// take spends one of key's tokens, if it has one.
func (l *rateLimiter) take(key string) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.bucketFor(key, now)
	allowed := b.limiter.AllowN(now, 1)
	tokens := b.limiter.TokensAt(now)
	v := verdict{
		allowed:   allowed,
		remaining: max(0, int(math.Floor(tokens))),
		reset:     l.timeFor(float64(l.burst) - tokens),
	}
	if !allowed {
		v.retryAfter = l.timeFor(1 - tokens)
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

// forget drops the clients idle past a full refill, then, if the table is
// still full, the least recently seen: each step O(1) per client dropped.
func (l *rateLimiter) forget(now time.Time) {
	for el := l.recent.Back(); el != nil; el = l.recent.Back() {
		b := el.Value.(*bucket)
		if len(l.clients) < l.maxClients && now.Sub(b.seen) < l.refill {
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

// limitRate answers 429 once a client has spent its bucket, and tells every
// client where it stands in the RateLimit-* headers of the IETF draft
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
			v := l.take(rateKey(clientFrom(r.Context())))
			h := w.Header()
			h.Set("RateLimit-Limit", limit)
			h.Set("RateLimit-Remaining", strconv.Itoa(v.remaining))
			h.Set("RateLimit-Reset", strconv.Itoa(ceilSeconds(v.reset)))
			h.Set("RateLimit-Policy", policy)
			if !v.allowed {
				retry := max(1, ceilSeconds(v.retryAfter))
				h.Set("Retry-After", strconv.Itoa(retry))
				writeError(w, m, apierr.RateLimited,
					"too many requests; try again in "+strconv.Itoa(retry)+" s")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func ceilSeconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}
