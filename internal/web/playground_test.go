package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
)

// offline lets the tab reach 127.0.0.1 only: every other request the page
// makes is paused by the Fetch domain and failed, and every one it even
// attempts (the Network domain's requests and WebSockets) is recorded. It
// returns what was attempted outside, and a func that forgets it.
func offline(t *testing.T, ctx context.Context) (outside func() []string, forget func()) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	record := func(kind, rawURL string) {
		if u, err := url.Parse(rawURL); err == nil && u.Hostname() == "127.0.0.1" || strings.HasPrefix(rawURL, "data:") {
			return
		}
		mu.Lock()
		seen = append(seen, kind+" "+rawURL)
		mu.Unlock()
	}
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	sent := chromedp.Events(ctx, network.RequestWillBeSent)
	sockets := chromedp.Events(ctx, network.WebSocketCreated)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("Network.enable: %v", err)
	}
	// No patterns: every request of the tab is paused until answered here.
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{}); err != nil {
		t.Fatalf("Fetch.enable: %v", err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if u, err := url.Parse(ev.Request.URL); err == nil && u.Hostname() == "127.0.0.1" {
				chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			record("blocked", ev.Request.URL)
			chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	go func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			record("request", ev.Request.URL)
		}
	}()
	go func() {
		for ev, err := range sockets {
			if err != nil {
				return
			}
			record("websocket", ev.URL)
		}
	}()
	return func() []string {
			mu.Lock()
			defer mu.Unlock()
			return append([]string(nil), seen...)
		}, func() {
			mu.Lock()
			seen = nil
			mu.Unlock()
		}
}

// The playground works with nothing but this server: GraphiQL and its
// explorer plugin load from the binary, and a query typed into the editor
// gets the server's answer in the result pane.
func TestPlaygroundOffline(t *testing.T) {
	t.Run("default flags", func(t *testing.T) { playgroundOffline(t, true, "playground.png") })
	// The schema then comes from /schema.graphql alone.
	t.Run("introspection off", func(t *testing.T) { playgroundOffline(t, false, "") })
}

func playgroundOffline(t *testing.T, introspection bool, shot string) {
	ctx := browser(t)
	api := playgroundServer(t, introspection)
	outside, forget := offline(t, ctx)

	// The guard itself: a page without a Content-Security-Policy reaching
	// out is seen and stopped.
	do(t, ctx,
		chromedp.Navigate("about:blank"),
		script(`window.reached = "pending"; fetch("http://192.0.2.1/graphiql.js").then(() => { window.reached = "yes" }, () => { window.reached = "no" })`),
		poll(`window.reached !== "pending"`),
	)
	if reached := eval[string](t, ctx, `window.reached`); reached != "no" || len(outside()) == 0 {
		t.Fatalf("an outside fetch: reached %q, recorded %q; the guard does not work", reached, outside())
	}
	forget()
	errs := consoleErrors(ctx)

	const query = "query PlaygroundCentre {\n  centre(code: \"CBA\") {\n    code\n    name\n    description\n  }\n}\n"
	const editor = `document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror`
	const result = `document.querySelector(".result-window .CodeMirror").CodeMirror.getValue()`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(api.URL+"/"),
		poll(`!!document.querySelector(".graphiql-query-editor .CodeMirror") && !!document.querySelector(".graphiql-execute-button")`),
	); err != nil {
		t.Fatalf("GraphiQL did not start: %v; outside 127.0.0.1 it tried %q", err, outside())
	}

	t.Run("a query runs and its answer shows", func(t *testing.T) {
		do(t, ctx,
			script(editor+`.setValue(`+jsString(query)+`)`),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
			poll(result+`.includes('"centre"')`),
		)
		var shown any
		if err := json.Unmarshal([]byte(eval[string](t, ctx, result)), &shown); err != nil {
			t.Fatalf("the result pane holds no JSON: %v", err)
		}
		want := postQuery(t, api.URL, query)
		if !reflect.DeepEqual(shown, want) {
			t.Errorf("the result pane shows %v; the server answers %v", shown, want)
		}
		if data, _ := want.(map[string]any)["data"].(map[string]any); data == nil || data["centre"] == nil {
			t.Fatalf("the server's own answer has no centre: %v", want)
		}
	})

	t.Run("the explorer plugin lists the schema's fields", func(t *testing.T) {
		do(t, ctx,
			chromedp.Click(chromedp.CSS(`.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]`)),
			poll(`[...document.querySelectorAll(".graphiql-explorer-root span")].some(s => s.textContent === "reformChanges")`),
		)
		if shot != "" {
			screenshot(t, ctx, shot)
		}
	})

	if o := outside(); len(o) > 0 {
		t.Errorf("the playground reached outside 127.0.0.1:\n%s", strings.Join(o, "\n"))
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(e, "\n"))
	}
}

// playgroundServer serves the real seed on 127.0.0.1 as `orggraph serve`
// does by default (playground on), introspection on or off.
func playgroundServer(t *testing.T, introspection bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(servertest.New(slog.New(slog.DiscardHandler), seedtest.Store(t),
		httpserver.Options{Playground: true}, graph.Options{NoIntrospection: !introspection}))
	t.Cleanup(srv.Close)
	return srv
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// postQuery is the server's answer to query, decoded.
func postQuery(t *testing.T, base, query string) any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	_, b := servertest.Answer(t, resp, err)
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("POST /graphql: %v: %s", err, b)
	}
	return v
}
