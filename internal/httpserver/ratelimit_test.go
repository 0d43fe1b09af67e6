package httpserver

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
)

// A budget so small no point comes back during the test (0.06 a minute):
// each client has its burst of 3, then 429s. The schema costs a point a
// request, as any route does; a GraphQL operation costs its price besides
// (TestBudgetCountsCost).
func TestRateLimit(t *testing.T) {
	m := observe.NewMetrics()
	h := quietServer(fixtureStore(t), Options{Budget: 0.06, BudgetBurst: 3, Metrics: m})
	target := "/schema.graphql"
	for i, wantRemaining := range []string{"2", "1", "0"} {
		rec := fromClient(h, "192.0.2.1:1000", target)
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, rec.Code)
		}
		checkHeader(t, rec, "RateLimit-Limit", "3")
		checkHeader(t, rec, "RateLimit-Remaining", wantRemaining)
		checkHeader(t, rec, "RateLimit-Policy", "3;w=3000")
		if rec.Header().Get("Retry-After") != "" {
			t.Errorf("Retry-After on an allowed request")
		}
	}
	// RateLimit-Reset: the bucket refills in 3000 s from empty; the last
	// allowed request left it empty.
	refused := fromClient(h, "192.0.2.1:1001", target) // another port, the same client
	if refused.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429", refused.Code)
	}
	if code := onlyCode(t, refused.Body.Bytes()); code != apierr.RateLimited {
		t.Errorf("code %q", code)
	}
	checkHeader(t, refused, "RateLimit-Remaining", "0")
	checkHeader(t, refused, "Content-Type", "application/json")
	if s, _ := strconv.Atoi(refused.Header().Get("Retry-After")); s < 999 || s > 1000 {
		t.Errorf("Retry-After = %q, want about 1000 s (one point at 0.06 a minute)", refused.Header().Get("Retry-After"))
	}
	if s, _ := strconv.Atoi(refused.Header().Get("RateLimit-Reset")); s < 2999 || s > 3000 {
		t.Errorf("RateLimit-Reset = %q, want about 3000 s", refused.Header().Get("RateLimit-Reset"))
	}
	if got := observetest.Value(t, m, "orggraph_errors_total", map[string]string{"code": apierr.RateLimited}); got != 1 {
		t.Errorf("RATE_LIMITED counted %v times, want 1", got)
	}

	t.Run("other clients are not affected", func(t *testing.T) {
		if rec := fromClient(h, "192.0.2.2:1000", target); rec.Code != http.StatusOK {
			t.Errorf("status %d", rec.Code)
		}
	})
	t.Run("probes and scrapes are exempt", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			rec := fromClient(h, "192.0.2.1:1000", path)
			if rec.Code != http.StatusOK || rec.Header().Get("RateLimit-Limit") != "" {
				t.Errorf("%s: status %d, RateLimit-Limit %q", path, rec.Code, rec.Header().Get("RateLimit-Limit"))
			}
		}
	})
	t.Run("X-Forwarded-For is not believed by default", func(t *testing.T) {
		rec := fromClient(h, "192.0.2.1:1000", target, "X-Forwarded-For", "198.51.100.7")
		if rec.Code != http.StatusTooManyRequests {
			t.Errorf("status %d: a forged header bought a fresh bucket", rec.Code)
		}
	})
	t.Run("one IPv6 /64 is one client", func(t *testing.T) {
		for i := range 3 {
			fromClient(h, fmt.Sprintf("[2001:db8:1:2::%x]:1000", i+1), target)
		}
		rec := fromClient(h, "[2001:db8:1:2:ffff::1]:1000", target)
		if rec.Code != http.StatusTooManyRequests {
			t.Errorf("status %d: a new address in the same /64 got a fresh bucket", rec.Code)
		}
		if rec := fromClient(h, "[2001:db8:1:3::1]:1000", target); rec.Code != http.StatusOK {
			t.Errorf("another /64: status %d", rec.Code)
		}
	})
}

// Behind a proxy of one's own, the client is the address the proxy
// appended, the last in X-Forwarded-For; what the client wrote before it
// does not count.
func TestTrustProxy(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{Budget: 0.06, BudgetBurst: 1, TrustProxy: true})
	target := "/schema.graphql"
	const proxy = "10.0.0.1:5000"
	tests := []struct {
		name string
		xff  string
		want int
	}{
		{"first request of a client", "198.51.100.7", http.StatusOK},
		{"its second", "198.51.100.7", http.StatusTooManyRequests},
		{"a forged first entry changes nothing", "203.0.113.9, 198.51.100.7", http.StatusTooManyRequests},
		{"another client behind the proxy", "198.51.100.8", http.StatusOK},
		{"no header: the proxy itself", "", http.StatusOK},
		{"the proxy again", "", http.StatusTooManyRequests},
		{"a garbage last entry falls back to the proxy", "198.51.100.9, unknown", http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec *httptest.ResponseRecorder
			if tt.xff == "" {
				rec = fromClient(h, proxy, target)
			} else {
				rec = fromClient(h, proxy, target, "X-Forwarded-For", tt.xff)
			}
			if rec.Code != tt.want {
				t.Errorf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

func TestRateLimitOff(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{})
	for range 50 {
		rec := fromClient(h, "192.0.2.1:1000", "/graphql?query=%7B__typename%7D")
		if rec.Code != http.StatusOK || rec.Header().Get("RateLimit-Limit") != "" {
			t.Fatalf("status %d, RateLimit-Limit %q", rec.Code, rec.Header().Get("RateLimit-Limit"))
		}
	}
}

// clock is a time source the test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBucketsRefill(t *testing.T) {
	c := &clock{t: time.Unix(1_000_000, 0)}
	l := newRateLimiter(2, 4, 100, c.now) // 2 a second, 4 at once
	for range 4 {
		if v := l.take("a", 1); !v.allowed {
			t.Fatal("refused within the burst")
		}
	}
	v := l.take("a", 1)
	if v.allowed || v.retryAfter != 500*time.Millisecond || v.reset != 2*time.Second {
		t.Fatalf("empty bucket: %+v", v)
	}
	c.t = c.t.Add(time.Second) // two tokens back
	for i, want := range []bool{true, true, false} {
		if v := l.take("a", 1); v.allowed != want {
			t.Errorf("after 1 s, request %d: allowed %v", i+1, v.allowed)
		}
	}
}

// The client table cannot grow without bound: idle clients are forgotten,
// and past the cap the least recently seen goes.
func TestClientTableIsBounded(t *testing.T) {
	c := &clock{t: time.Unix(1_000_000, 0)}
	l := newRateLimiter(1, 2, 3, c.now) // refills in 2 s; 3 clients at most

	t.Run("capped", func(t *testing.T) {
		for i := range 10 {
			l.take(fmt.Sprint("client", i), 1)
		}
		if n := l.size(); n != 3 {
			t.Errorf("%d clients kept, want 3", n)
		}
	})
	t.Run("the least recently seen goes first", func(t *testing.T) {
		l.take("client7", 1) // seen again: now the most recent
		l.take("new", 1)     // pushes out client8, the least recent
		l.mu.Lock()
		_, kept7 := l.clients["client7"]
		_, kept8 := l.clients["client8"]
		l.mu.Unlock()
		if !kept7 || kept8 {
			t.Errorf("client7 kept %v, client8 kept %v", kept7, kept8)
		}
	})
	t.Run("idle clients are forgotten", func(t *testing.T) {
		c.t = c.t.Add(2 * time.Second)
		l.take("late", 1)
		if n := l.size(); n != 1 {
			t.Errorf("%d clients kept, want only the late one", n)
		}
	})
	t.Run("forgetting an idle client changes nothing for it", func(t *testing.T) {
		l.take("late", 1)
		l.take("late", 1) // empty now
		c.t = c.t.Add(2 * time.Second)
		l.take("other", 1) // forgets late, whose bucket has refilled
		if v := l.take("late", 1); !v.allowed || v.remaining != 1 {
			t.Errorf("late came back to %+v, want a full bucket less one", v)
		}
	})
}

func TestRateKey(t *testing.T) {
	tests := []struct{ client, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.client, func(t *testing.T) {
			if got := rateKey(tt.client); got != tt.want {
				t.Errorf("rateKey = %q, want %q", got, tt.want)
			}
		})
	}
}

func checkHeader(t *testing.T, rec *httptest.ResponseRecorder, name, want string) {
	t.Helper()
	if got := rec.Header().Get(name); got != want {
		t.Errorf("%s = %q, want %q", name, got, want)
	}
}

func BenchmarkRateLimiterTake(b *testing.B) {
	l := newRateLimiter(1e9, 1e9, DefaultMaxClients, time.Now)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprint("192.0.2.", i)
	}
	i := 0
	for b.Loop() {
		l.take(keys[i%len(keys)], 1)
		i++
	}
}

// A 429 is answered before the router runs, yet is counted under its route.
func TestRateLimitedRequestsAreCountedByRoute(t *testing.T) {
	m := observe.NewMetrics()
	h := quietServer(fixtureStore(t), Options{Budget: 0.06, BudgetBurst: 1, Metrics: m})
	for range 2 {
		fromClient(h, "192.0.2.1:1000", "/schema.graphql")
	}
	labels := map[string]string{"route": "/schema.graphql", "method": "GET", "status": "429"}
	if got := observetest.Value(t, m, "orggraph_http_requests_total", labels); got != 1 {
		t.Errorf("requests%v = %v, want 1", labels, got)
	}
}
