package httpserver

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// What the production middleware adds to a cached GET query, and to a
// revalidation that ends in 304.
//
//	go test -run '^$' -bench GETQuery ./internal/httpserver
func BenchmarkGETQuery(b *testing.B) {
	st := fixtureStore(b)
	servers := []struct {
		name string
		opts Options
	}{
		{"plain", Options{RequestTimeout: -1}},
		{"production", Options{
			CORSOrigins: []string{"https://intranet.kk.dk"},
			Budget:      1e9, BudgetBurst: 1e9,
			RequestTimeout: 10 * time.Second,
			Metrics:        observe.NewMetrics(),
		}},
	}
	target := getQuery(`{ centres { code } }`)
	for _, s := range servers {
		h := quietServer(st, s.opts)
		etag := send(h, http.MethodGet, target, "").Header().Get("ETag")
		for _, ifNoneMatch := range []string{"", etag} {
			name := s.name + "/200"
			if ifNoneMatch != "" {
				name = s.name + "/304"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					req := httptest.NewRequest(http.MethodGet, target, nil)
					req.Header.Set("Origin", "https://intranet.kk.dk")
					if ifNoneMatch != "" {
						req.Header.Set("If-None-Match", ifNoneMatch)
					}
					h.ServeHTTP(httptest.NewRecorder(), req)
				}
			})
		}
	}
}

// The intranet widget's centre card over the real seed, POSTed as the
// widget sends it, from many clients at once.
//
//	go test -run '^$' -bench WidgetPOST -cpuprofile cpu.out ./internal/httpserver
func BenchmarkWidgetPOST(b *testing.B) {
	h := serverWith(slog.New(slog.DiscardHandler), seedtest.Store(b), Options{}, graph.Options{LoaderWait: graph.MemoryLoaderWait})
	body := `{"query":"query Widget($code: String!) { centre(code: $code) { code name employees budget { display } fullTimePersons targetGroups { name } } }","variables":{"code":"CBE"}}`
	if rec := send(h, http.MethodPost, "/graphql", body, "Content-Type", "application/json"); rec.Code != http.StatusOK {
		b.Fatalf("%d %s", rec.Code, rec.Body)
	}
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}

// The widget's GET by hash once its answer is kept, beside a static file
// through the same server and middleware: the hit path should cost about
// what serving bytes costs. "uncached" is the same GET with no answers
// kept, the query running each time.
//
//	go test -run '^$' -bench WidgetGET -benchmem -cpuprofile cpu.out ./internal/httpserver
func BenchmarkWidgetGET(b *testing.B) {
	st := seedtest.Store(b)
	byHash, withText := centreCard("CBA")
	for _, tt := range []struct {
		name, target string
		cacheBytes   int64
	}{
		{"static", "/", 0},
		{"kept", byHash, 0},
		{"uncached", byHash, -1},
	} {
		h := serverWith(slog.New(slog.DiscardHandler), st, Options{Playground: true, AnswerCacheBytes: tt.cacheBytes, Metrics: observe.NewMetrics()},
			graph.Options{LoaderWait: graph.MemoryLoaderWait})
		if rec := send(h, http.MethodGet, withText, "", "Accept", "application/json"); rec.Code != http.StatusOK {
			b.Fatalf("registering: %d %s", rec.Code, rec.Body)
		}
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, tt.target, nil)
				req.Header.Set("Accept", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
