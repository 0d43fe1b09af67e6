package httpserver

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// slowStore answers NodesByKind (and Expand, which the direct path
// reads) only when its context ends, as a store that honours deadlines but
// is slower than them does.
type slowStore struct{ store.Store }

func (slowStore) NodesByKind(ctx context.Context, _ domain.Kind) ([]*domain.Node, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (slowStore) Expand(ctx context.Context, _ []store.Expansion) ([]store.Expanded, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A request that outlives its deadline gets 503 with code TIMEOUT, not the
// errors gqlgen made of its cancelled store calls.
func TestRequestTimeout(t *testing.T) {
	tests := []struct {
		method, target, body string
	}{
		{http.MethodPost, "/graphql", `{"query":"{ centres { code } }"}`},
		{http.MethodGet, getQuery(`{ centres { code } }`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			m := observe.NewMetrics()
			var logs bytes.Buffer
			h := testServer(slog.New(slog.NewJSONHandler(&logs, nil)), slowStore{Store: fixtureStore(t)},
				Options{RequestTimeout: 20 * time.Millisecond, Metrics: m})
			rec := send(h, tt.method, tt.target, tt.body, "Content-Type", "application/json")
			if rec.Code != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503: %s", rec.Code, rec.Body)
			}
			if code := onlyCode(t, rec.Body.Bytes()); code != apierr.Timeout {
				t.Errorf("code %q", code)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" || rec.Header().Get("ETag") != "" {
				t.Errorf("Cache-Control %q, ETag %q: a timeout may not be cached", cc, rec.Header().Get("ETag"))
			}
			if rec.Header().Get(RequestIDHeader) == "" {
				t.Error("the timeout's answer lost the request id")
			}
			if got := observetest.Value(t, m, "orggraph_errors_total", map[string]string{"code": apierr.Timeout}); got != 1 {
				t.Errorf("TIMEOUT counted %v times", got)
			}
			if got := observetest.Value(t, m, "orggraph_http_requests_total", map[string]string{"route": "/graphql", "status": "503"}); got != 1 {
				t.Errorf("503 counted %v times", got)
			}
			if !strings.Contains(logs.String(), `"request timed out"`) || !strings.Contains(logs.String(), `"status":503`) {
				t.Errorf("logs:\n%s", logs.String())
			}
		})
	}
}

func TestTimeoutWriter(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
		wantBody   string
		wantHeader [2]string
	}{
		{
			"answers in time pass as they are",
			func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-Inner", "yes")
				w.WriteHeader(http.StatusTeapot)
				w.Write([]byte("short"))
			},
			http.StatusTeapot, "short", [2]string{"X-Inner", "yes"},
		},
		{
			"what is written and what is handed over come out in order",
			func(w http.ResponseWriter, _ *http.Request) {
				w.Write([]byte(`{"data":`))
				w.(interface {
					WriteOwned([]byte, func()) (int, error)
				}).WriteOwned([]byte(`{"big":1}`), nil)
				w.Write([]byte(`,"x":`))
				w.Write([]byte(`2}`))
			},
			http.StatusOK, `{"data":{"big":1},"x":2}`, [2]string{"X-Request-Id", "outer"},
		},
		{
			"nothing written is a 200",
			func(http.ResponseWriter, *http.Request) {},
			http.StatusOK, "", [2]string{"X-Request-Id", "outer"},
		},
		{
			"a stream flushed before the deadline keeps its status",
			func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("part one;"))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
				w.Write([]byte("part two"))
			},
			http.StatusOK, "part one;part two", [2]string{"X-Request-Id", "outer"},
		},
		{
			"a late answer is dropped",
			func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
				w.Header().Set("X-Late", "yes")
				w.Write([]byte("late"))
			},
			http.StatusServiceUnavailable, `"TIMEOUT"`, [2]string{"X-Late", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			timeout := time.Hour
			if tt.wantStatus == http.StatusServiceUnavailable || strings.Contains(tt.name, "stream") {
				timeout = 10 * time.Millisecond
			}
			h := timeoutRequests(timeout, slog.New(slog.DiscardHandler), nil)(tt.handler)
			rec := httptest.NewRecorder()
			rec.Header().Set("X-Request-Id", "outer") // set by a middleware outside
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body %q lacks %q", rec.Body, tt.wantBody)
			}
			if got := rec.Header().Get(tt.wantHeader[0]); got != tt.wantHeader[1] {
				t.Errorf("%s = %q, want %q", tt.wantHeader[0], got, tt.wantHeader[1])
			}
		})
	}
}

// A slice handed over is held as it is, not copied, between copies of
// what was written before and after it; it is given back (its release)
// only once writeTo has sent it, and not when the answer is kept by body.
func TestBufferedResponseHoldsWhatIsHandedOver(t *testing.T) {
	var b bufferedResponse
	big := []byte("a large answer")
	released := 0
	b.Write([]byte("{"))
	b.WriteOwned(big, func() { released++ })
	b.Write([]byte("}"))
	b.Write([]byte("\n"))
	if len(b.parts) != 3 || &b.parts[1][0] != &big[0] {
		t.Fatalf("parts %q: want the handed-over slice itself between two copies", b.parts)
	}
	if got := string(b.body()); got != "{a large answer}\n" || released != 0 {
		t.Fatalf("body %q, released %d times", got, released)
	}
	rec := httptest.NewRecorder()
	b.WriteOwned([]byte("!"), func() {
		released++
		if rec.Body.String() != "{a large answer}\n!" {
			t.Errorf("released before it was sent: sent %q", rec.Body)
		}
	})
	b.writeTo(rec)
	if released != 2 {
		t.Fatalf("released %d times after writeTo, want 2", released)
	}
	if b.writeTo(httptest.NewRecorder()); released != 2 {
		t.Fatalf("released %d times after a second writeTo", released)
	}
}

// The timeout holds a handed-over answer until the handler is done and
// gives it back once sent; after a timeout, never: the answer is dropped.
func TestTimeoutReleasesAHandedOverAnswerOnceSent(t *testing.T) {
	for _, late := range []bool{false, true} {
		rec := httptest.NewRecorder()
		released := 0
		h := timeoutRequests(time.Hour, slog.New(slog.DiscardHandler), nil)
		if late {
			h = timeoutRequests(time.Nanosecond, slog.New(slog.DiscardHandler), nil)
		}
		h(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if late {
				<-r.Context().Done()
			}
			w.(interface {
				WriteOwned([]byte, func()) (int, error)
			}).WriteOwned([]byte(`{"data":1}`), func() {
				released++
				if rec.Body.String() != `{"data":1}` {
					t.Errorf("released before it was sent: sent %q", rec.Body)
				}
			})
			if released != 0 {
				t.Error("released while the handler runs")
			}
		})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if want := map[bool]int{false: 1, true: 0}[late]; released != want {
			t.Errorf("late %v: released %d times, want %d", late, released, want)
		}
	}
}

// A panic in the handler still reaches recoverPanics, which answers 500.
func TestPanicsCrossTheTimeout(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	h := recoverPanics(logger)(timeoutRequests(time.Hour, logger, nil)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("deep trouble")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "deep trouble") {
		t.Errorf("status %d, logs %s", rec.Code, logs.String())
	}
}

// slowCommit is a memstore whose writes are saved before the deadline but
// reported after it, as a sync to a slow disk would.
type slowCommit struct{ store.Store }

func (s slowCommit) Apply(ctx context.Context, w domain.Write) (*domain.AuditEntry, error) {
	e, err := s.Store.Apply(ctx, w)
	<-ctx.Done()
	return e, err
}

// A write saved on the embedded store but finished after the request's
// deadline is answered as saved, never TIMEOUT: the client would retry a
// write that was made.
func TestASavedWriteOutlivesTheTimeout(t *testing.T) {
	tok, tokens := oneToken(t, "planner", "anna")
	st := seedtest.Open(t, storetest.Fixture(), t.TempDir())
	h := quietServer(slowCommit{Store: st}, Options{RequestTimeout: 20 * time.Millisecond, Tokens: tokens})
	rec := send(h, http.MethodPost, "/graphql",
		`{"query":"mutation { createNode(input: {id: \"targetgroup:nye-unge\", name: \"Nye unge\", sources: [{document: \"d\", section: \"s\"}]}) { audit { seq version } node { name } } }"}`,
		"Content-Type", "application/json", "Authorization", "Bearer "+tok)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"version":1},"node":{"name":"Nye unge"}}`) || strings.Contains(rec.Body.String(), `"errors"`) {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if es, _ := st.Audit(context.Background(), store.AuditQuery{Actor: "anna"}); len(es) != 1 {
		t.Fatalf("%d audit entries", len(es))
	}

	// A request that made no write still times out.
	rec = send(h, http.MethodPost, "/graphql", `{"query":"mutation { deleteNode(id: \"targetgroup:nowhere\", expectedVersion: 1) { audit { seq } } }"}`,
		"Content-Type", "application/json", "Authorization", "Bearer "+tok)
	if rec.Code != http.StatusServiceUnavailable || onlyCode(t, rec.Body.Bytes()) != apierr.Timeout {
		t.Fatalf("a failed write past the deadline: status %d: %s", rec.Code, rec.Body)
	}
}
