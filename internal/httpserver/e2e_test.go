package httpserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// Over a real connection on 127.0.0.1, as a browser page on the intranet
// would see it: CORS, ETag and 304, the budget by the peer's address,
// and 415 for a form post.
func TestOverTheWire(t *testing.T) {
	const origin = "https://intranet.kk.dk"
	srv := httptest.NewServer(quietServer(fixtureStore(t), Options{
		Playground:  true,
		CORSOrigins: []string{origin},
		Budget:      0.06,
		BudgetBurst: 22, // three queries of 7 points and a form post of 1
		Metrics:     observe.NewMetrics(),
	}))
	t.Cleanup(srv.Close)
	target := srv.URL + getQuery(`{ centres { code } }`)

	get := func(t *testing.T, headers ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}

	first, body := get(t, "Origin", origin)
	etag := first.Header.Get("ETag")
	switch {
	case first.StatusCode != http.StatusOK || !strings.Contains(body, `"CBA"`):
		t.Fatalf("status %d: %s", first.StatusCode, body)
	case first.Header.Get("Access-Control-Allow-Origin") != origin:
		t.Errorf("Access-Control-Allow-Origin = %q", first.Header.Get("Access-Control-Allow-Origin"))
	case etag == "":
		t.Error("no ETag")
	case first.Header.Get("RateLimit-Remaining") != "15": // 22 less a point and the query's price, 6
		t.Errorf("RateLimit-Remaining = %q", first.Header.Get("RateLimit-Remaining"))
	}

	revalidated, body := get(t, "Origin", origin, "If-None-Match", etag)
	if revalidated.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("revalidation: %d %q", revalidated.StatusCode, body)
	}

	form, err := srv.Client().Post(srv.URL+"/graphql", "application/x-www-form-urlencoded", strings.NewReader("query=%7Bcentres%7Bcode%7D%7D"))
	if err != nil {
		t.Fatal(err)
	}
	form.Body.Close()
	if form.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form POST: %d", form.StatusCode)
	}

	// 22 points: 7 for the first query, a point for the revalidation (a
	// matching ETag is answered 304 before the query runs, so it costs no
	// price) and a point for the refused form: 13 left, 6 after one more
	// query, too few for the next, which gets 429.
	if resp, _ := get(t); resp.StatusCode != http.StatusOK || resp.Header.Get("RateLimit-Remaining") != "6" {
		t.Errorf("last points: %d, RateLimit-Remaining %q", resp.StatusCode, resp.Header.Get("RateLimit-Remaining"))
	}
	limited, body := get(t, "Origin", origin)
	if limited.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, apierr.RateLimited) {
		t.Errorf("over the limit: %d %s", limited.StatusCode, body)
	}
	if limited.Header.Get("Access-Control-Allow-Origin") != origin || limited.Header.Get("Retry-After") == "" {
		t.Errorf("a 429 the page cannot read: %v", limited.Header)
	}
	if resp, _ := srv.Client().Get(srv.URL + "/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz while limited: %d", resp.StatusCode)
	}
}
