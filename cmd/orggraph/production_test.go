package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/servertest"
)

// serve with the production settings, end to end on 127.0.0.1: the
// playground off, CORS for one origin, a tight budget, and the
// metrics, the store's included, at /metrics.
func TestServeInProduction(t *testing.T) {
	env := map[string]string{"ORGGRAPH_CORS_ORIGINS": "https://intranet.kk.dk", "ORGGRAPH_PLAYGROUND": "false"}
	// Its health checks are exempt: they spend no point. The query costs
	// 1 point and its price, 13 on the seed; its revalidation, answered 304
	// before the query runs, and the 404 a point each: of 29 points they
	// leave 13, too few for the fourth request.
	base, stderr, stop := startServe(t, env, "--seed-dir", "../../seed", "--rate-limit", "0.06", "--rate-burst", "29")

	query := base + "/graphql?query=" + url.QueryEscape(`{ centres { code } }`)
	fetch := func(t *testing.T, u string, headers ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}

	first := fetch(t, query, "Origin", "https://intranet.kk.dk")
	if first.StatusCode != http.StatusOK || first.Header.Get("ETag") == "" ||
		first.Header.Get("Access-Control-Allow-Origin") != "https://intranet.kk.dk" || first.Header.Get("RateLimit-Limit") != "29" {
		t.Errorf("first query: %d %v", first.StatusCode, first.Header)
	}
	if resp := fetch(t, query, "If-None-Match", first.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d", resp.StatusCode)
	}
	if resp := fetch(t, base+"/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("playground while off: %d", resp.StatusCode)
	}
	if resp := fetch(t, query); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("fourth request: %d, want 429", resp.StatusCode)
	}

	if resp := fetch(t, base+"/readyz"); resp.StatusCode != http.StatusOK {
		t.Errorf("readyz: %d", resp.StatusCode)
	}
	resp, err := http.Get(base + "/metrics")
	_, metrics := servertest.Answer(t, resp, err)
	for _, want := range []string{
		`orggraph_http_requests_total{method="GET",route="/graphql",status="200"} 1`,
		`orggraph_http_requests_total{method="GET",route="/graphql",status="304"} 1`,
		`orggraph_http_requests_total{method="GET",route="/graphql",status="429"} 1`,
		`orggraph_errors_total{code="RATE_LIMITED"} 1`,
		// The query is a plain listing: the direct path reads it.
		`orggraph_store_calls_total{op="Expand",outcome="ok",store="memstore"}`,
		`orggraph_store_calls_total{op="Ping",outcome="ok",store="memstore"}`,
		`orggraph_store_calls_in_flight{op="Expand",store="memstore"} 0`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	stop()
	if !strings.Contains(stderr.String(), `"client":"127.0.0.1"`) {
		t.Errorf("request logs name no client:\n%s", stderr.String())
	}
}
