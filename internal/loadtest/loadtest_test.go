package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
)

// seededServer is the real API over the real seed, in process.
func seededServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(servertest.New(slog.New(slog.DiscardHandler), seedtest.Store(t), httpserver.Options{}, graph.Options{}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRun(t *testing.T) {
	srv := seededServer(t)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"open", Config{Rate: 100, Warmup: 200 * time.Millisecond, Duration: time.Second}},
		{"closed", Config{Concurrency: 2, Warmup: 200 * time.Millisecond, Duration: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.URL = srv.URL + "/graphql"
			cfg.Mix = DefaultMix()
			r, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if r.Model != tt.name {
				t.Errorf("model %q, want %q", r.Model, tt.name)
			}
			if len(r.Kinds) != len(cfg.Mix) {
				t.Fatalf("%d kinds, want %d", len(r.Kinds), len(cfg.Mix))
			}
			sum := 0
			for i, k := range r.Kinds {
				if k.Kind != cfg.Mix[i].Kind {
					t.Errorf("kind %d is %q, want %q", i, k.Kind, cfg.Mix[i].Kind)
				}
				if k.Requests == 0 {
					t.Errorf("%s: no requests", k.Kind)
				}
				if k.OK+k.HTTPErrors+k.GraphQLErrors != k.Requests {
					t.Errorf("%s: %d ok + %d HTTP + %d GraphQL errors ≠ %d requests", k.Kind, k.OK, k.HTTPErrors, k.GraphQLErrors, k.Requests)
				}
				if k.HTTPErrors+k.GraphQLErrors > 0 {
					t.Errorf("%s: %d HTTP and %d GraphQL errors", k.Kind, k.HTTPErrors, k.GraphQLErrors)
				}
				if !(k.P50Ms <= k.P95Ms && k.P95Ms <= k.P99Ms && k.P99Ms <= k.MaxMs) {
					t.Errorf("%s: percentiles out of order: %+v", k.Kind, k)
				}
				sum += k.Requests
			}
			if sum != r.Overall.Requests {
				t.Errorf("kinds add to %d, overall says %d", sum, r.Overall.Requests)
			}
			if tt.name == "open" {
				// 100/s for 1 s after the warm-up: the schedule fixes the count.
				if got := r.Overall.Requests + r.Dropped; got != 100 {
					t.Errorf("%d sent + dropped in the measured second, want 100", got)
				}
			}
			var js bytes.Buffer
			if err := json.NewEncoder(&js).Encode(r); err != nil {
				t.Fatal(err)
			}
			var back Report
			if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Overall.Requests != r.Overall.Requests {
				t.Errorf("JSON does not round-trip: %v\n%s", err, js.String())
			}
			var md strings.Builder
			if err := r.Markdown(&md); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"| widget |", "| impact |", "| dependencies |", "| search |", "| deep |", "| **all** |"} {
				if !strings.Contains(md.String(), want) {
					t.Errorf("markdown lacks %q:\n%s", want, md.String())
				}
			}
		})
	}
}

func TestRunCountsErrors(t *testing.T) {
	srv := seededServer(t)
	mix := []Query{
		{Kind: "bad-field", Weight: 1, Query: `{ nosuchfield }`},
		{Kind: "not-found", Weight: 1, Query: `{ centre(code: "CBE") { code } }`},
	}
	r, err := Run(context.Background(), Config{URL: srv.URL + "/nowhere", Mix: mix[1:], Concurrency: 1, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if o := r.Overall; o.Requests == 0 || o.HTTPErrors != o.Requests {
		t.Errorf("a missing endpoint: %+v, want every request an HTTP error", o)
	}
	r, err = Run(context.Background(), Config{URL: srv.URL + "/graphql", Mix: mix[:1], Concurrency: 1, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// A validation error comes with its code (200 to a JSON client); it is not OK.
	if o := r.Overall; o.Requests == 0 || o.OK != 0 {
		t.Errorf("an invalid query: %+v, want no request OK", o)
	}
}

func TestParseWeights(t *testing.T) {
	mix, err := ParseWeights(DefaultMix(), "widget=100,deep=0")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range mix {
		if q.Kind == KindDeep {
			t.Error("deep=0 kept the deep query")
		}
		if q.Kind == KindWidget && q.Weight != 100 {
			t.Errorf("widget weight %d, want 100", q.Weight)
		}
	}
	for _, bad := range []string{"widget", "nosuch=1", "widget=-1", "widget=0,impact=0,dependencies=0,search=0,deep=0"} {
		if _, err := ParseWeights(DefaultMix(), bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestHasErrors(t *testing.T) {
	for body, want := range map[string]bool{
		`{"data":{"a":"errors"}}`:                      false,
		`{"errors":[{"message":"x"}],"data":null}`:     true,
		`{"extensions":{},"errors":[{"message":"x"}]}`: true,
		`{"extensions":{}}`:                            false,
		`<html>`:                                       true,
	} {
		if got := hasErrors([]byte(body)); got != want {
			t.Errorf("hasErrors(%s) = %v, want %v", body, got, want)
		}
	}
}

func TestReadMix(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "mix.json")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mix, err := ReadMix(write(`[{"kind":"widget","query":"{ a }","variables":{"code":"CBE"},"weight":50},{"kind":"deep","query":"{ b }","weight":5}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(mix) != 2 || mix[0].Variables["code"] != "CBE" || mix[1].Weight != 5 {
		t.Fatalf("mix: %+v", mix)
	}
	for _, bad := range []string{`[]`, `{}`, `[{"kind":"","query":"{ a }","weight":1}]`, `[{"kind":"a","query":" ","weight":1}]`,
		`[{"kind":"a","query":"{ a }","weight":-1}]`, `[{"kind":"a","query":"{ a }","weight":1},{"kind":"a","query":"{ b }","weight":1}]`} {
		if _, err := ReadMix(write(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if _, err := ReadMix(filepath.Join(dir, "none.json")); err == nil {
		t.Error("a missing file: no error")
	}
}

// By GET, each query is registered once with its text and then asked by
// its persisted query's hash alone, as the widgets ask; an asset is fetched
// as it is, in place of the mix.
func TestRunByGETAndAsset(t *testing.T) {
	api := servertest.New(slog.New(slog.DiscardHandler), seedtest.Store(t), httpserver.Options{}, graph.Options{})
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		what := r.Method + " " + r.URL.Path
		if r.URL.Query().Has("query") {
			what += " with text"
		} else if strings.Contains(r.URL.Query().Get("extensions"), "sha256Hash") {
			what += " by hash"
		}
		mu.Lock()
		seen[what]++
		mu.Unlock()
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	mix, err := ParseWeights(DefaultMix(), "widget=1,impact=1,dependencies=0,search=0,deep=0")
	if err != nil {
		t.Fatal(err)
	}

	r, err := Run(context.Background(), Config{URL: srv.URL + "/graphql", Mix: mix, GET: true, Concurrency: 2, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range r.Kinds {
		if k.Requests == 0 || k.OK != k.Requests {
			t.Errorf("%s: %d of %d ok", k.Kind, k.OK, k.Requests)
		}
	}
	if seen["GET /graphql with text"] != len(mix) || seen["GET /graphql by hash"] != r.Overall.Requests || len(seen) != 2 {
		t.Errorf("requests seen: %v, want %d with text and %d by hash", seen, len(mix), r.Overall.Requests)
	}

	clear(seen)
	r, err = Run(context.Background(), Config{URL: srv.URL + "/graphql", Mix: mix, Asset: "/widgets/v1/orggraph-widgets.js", Concurrency: 2, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Kinds) != 1 || r.Kinds[0].Kind != KindAsset || r.Kinds[0].Requests == 0 || r.Kinds[0].OK != r.Kinds[0].Requests {
		t.Errorf("asset: %+v", r.Kinds)
	}
	if seen["GET /widgets/v1/orggraph-widgets.js"] != r.Overall.Requests || len(seen) != 1 {
		t.Errorf("requests seen: %v", seen)
	}
}
