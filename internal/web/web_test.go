package web_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
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
		{"/", "text/html; charset=utf-8", "no-cache", http.StatusOK},
		{"/playground/playground.js", "text/javascript; charset=utf-8", "no-cache", http.StatusOK},
		{"/playground/playground.css", "text/css; charset=utf-8", "no-cache", http.StatusOK},
		{"/playground/other.js", "", "", http.StatusNotFound},
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

// The pages must load nothing from the internet: every src and href is a
// path on this server (or data:), and the stylesheets' url()s are data:
// only. TestPlaygroundOffline shows the same in a browser.
func TestPagesAreSelfContained(t *testing.T) {
	attr := regexp.MustCompile(`(?i)\b(?:src|href|action)\s*=\s*["']?([^"' >]*)`)
	cssURL := regexp.MustCompile(`url\(\s*["']?([^"')]*)`)
	get := func(t *testing.T, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		web.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		return rec
	}
	local := func(ref string) bool {
		return strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "/") && !strings.HasPrefix(ref, "//")
	}
	for _, tc := range []struct{ path, lang, stylesheet string }{
		{"/", "en", "/playground/playground.css"},
		{"/explorer", "da", "/explorer/explorer.css"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := get(t, tc.path)
			body := rec.Body.String()
			if !strings.Contains(body, `<html lang="`+tc.lang+`">`) {
				t.Errorf("no <html lang=%q>:\n%.300s", tc.lang, body)
			}
			refs := attr.FindAllStringSubmatch(body, -1)
			if len(refs) < 2 {
				t.Fatalf("found %d src/href attributes; the pattern is wrong", len(refs))
			}
			for _, m := range refs {
				if !local(m[1]) {
					t.Errorf("the page refers to %q, not a path on this server", m[1])
				}
			}
			if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
				t.Errorf("the page names another origin:\n%s", body)
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			css := get(t, tc.stylesheet).Body.String()
			for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
				if !strings.HasPrefix(m[1], "data:") && !strings.HasPrefix(m[1], "#") {
					t.Errorf("%s loads %.80q", tc.stylesheet, m[1])
				}
			}
			if strings.Contains(css, "@import") {
				t.Errorf("%s imports another stylesheet", tc.stylesheet)
			}
		})
	}
}

// The server trusts exactly the widgets' four queries, as their script sends them.
func TestWidgetOperations(t *testing.T) {
	ops := web.WidgetOperations()
	var names []string
	for _, op := range ops {
		names = append(names, strings.Fields(op)[1])
	}
	got := strings.Join(names, " ")
	if got != "OrggraphCentreCard($code: OrggraphReformTimeline OrggraphImpact($of: OrggraphBudget" {
		t.Errorf("widget operations %q", got)
	}
	rec := httptest.NewRecorder()
	web.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/widgets/v1/orggraph-widgets.js", nil))
	for _, op := range ops {
		if !strings.Contains(rec.Body.String(), "`"+op+"`") {
			t.Errorf("the served script does not send %.60q as it is", op)
		}
	}
}
