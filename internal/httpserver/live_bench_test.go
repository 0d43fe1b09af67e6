package httpserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLiveFanOut is one planner's write, made through the API (so it
// nudges the feed rather than waiting for its poll), until each of 1,000
// event-stream subscribers of graphChanged has read its event: the
// server's fan-out, rendering and writes, with the subscribers' reading in
// the same process.
//
//	go test ./internal/httpserver -run '^$' -bench LiveFanOut -benchtime 50x
func BenchmarkLiveFanOut(b *testing.B) {
	const subscribers = 1000
	tok, tokens := oneToken(b, "planner", "bench")
	st := writableStore(b)
	srv := httptest.NewServer(quietServer(st, Options{Tokens: tokens, MaxLivePerClient: subscribers + 10}))
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: subscribers + 10}}

	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	var heard atomic.Int64
	body, _ := json.Marshal(map[string]string{"query": `subscription { graphChanged { seq operation target actor at } }`})
	for range subscribers {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { resp.Body.Close() })
		go func() {
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "event: next") {
					heard.Add(1)
				}
			}
		}()
	}
	waitSubscribed(b, st)

	b.ResetTimer()
	for i := range b.N {
		q, _ := json.Marshal(map[string]any{"query": `mutation($input: NodeInput!) { createNode(input: $input) { audit { seq } } }`,
			"variables": map[string]any{"input": map[string]any{"id": fmt.Sprintf("targetgroup:bench-%d", i), "name": "Bench",
				"sources": []map[string]any{{"document": "bench", "section": "live"}}}}})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(q))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		want := int64(subscribers * (i + 1))
		for heard.Load() < want {
			time.Sleep(100 * time.Microsecond)
		}
	}
}
