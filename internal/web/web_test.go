package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/web"
)

func TestHandler(t *testing.T) {
	h := web.Handler()
	for _, tc := range []struct {
		path, contentType, cacheControl string
		status                          int
	}{
		{"/explorer", "text/html; charset=utf-8", "no-cache", http.StatusOK},
		{"/explorer/explorer.js", "text/javascript; charset=utf-8", "no-cache", http.StatusOK},
		{"/explorer/explorer.css", "text/css; charset=utf-8", "no-cache", http.StatusOK},
		{"/widgets/v1/orggraph-widgets.js", "text/javascript; charset=utf-8", "public, max-age=86400", http.StatusOK},
		{"/widgets/v1/other.js", "", "", http.StatusNotFound},
		{"/explorer/../seed", "", "", http.StatusNotFound},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if tc.status != http.StatusOK {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := rec.Header().Get("Cache-Control"); got != tc.cacheControl {
				t.Errorf("Cache-Control %q, want %q", got, tc.cacheControl)
			}
			etag := rec.Header().Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			again := httptest.NewRequest(http.MethodGet, tc.path, nil)
			again.Header.Set("If-None-Match", etag)
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, again)
			if rec.Code != http.StatusNotModified {
				t.Errorf("revalidation: status %d, want 304", rec.Code)
			}
		})
	}
}

// The explorer must load nothing from the internet.
func TestExplorerIsSelfContained(t *testing.T) {
	rec := httptest.NewRecorder()
	web.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/explorer", nil))
	if body := rec.Body.String(); strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Errorf("the page refers to another origin:\n%s", body)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}
