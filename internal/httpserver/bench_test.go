package httpserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/observe"
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
			RateLimit:   1e9, RateBurst: 1e9,
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
