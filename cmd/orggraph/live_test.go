package main

import (
	"bufio"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/bif-kk/orggraph/internal/servertest"
)

// Open subscriptions do not hold a graceful shutdown: as it begins, an
// event stream is told UNAVAILABLE and completes, and a graphql-ws
// connection is closed with 1001 Going Away; serve returns without its
// shutdown running out of time (it would return that as an error).
func TestShutdownEndsLiveConnections(t *testing.T) {
	base, _, stop := startServe(t, nil, "--seed-dir", "../../seed")
	const query = `subscription { graphChanged { seq } }`
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	resp := servertest.EventStream(t, ctx, base, query)
	ws := servertest.InitGraphQLWS(t, ctx, base)
	if err := wsjson.Write(ctx, ws, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query}}); err != nil {
		t.Fatal(err)
	}

	// Both are subscribed once the feed counts them; the stream's first
	// bytes come before its resolver runs.
	time.Sleep(500 * time.Millisecond)
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()

	var lines []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, "event: ") || strings.HasPrefix(l, "data: ") {
			lines = append(lines, l)
		}
	}
	got := strings.Join(lines, "\n")
	if !strings.Contains(got, `"code":"UNAVAILABLE"`) || !strings.HasSuffix(got, "event: complete") {
		t.Errorf("the event stream's last events:\n%s", got)
	}

	var err error
	for {
		var msg map[string]any
		if err = wsjson.Read(ctx, ws, &msg); err != nil {
			break
		}
	}
	var closed websocket.CloseError
	if !errors.As(err, &closed) || closed.Code != websocket.StatusGoingAway || closed.Reason != "UNAVAILABLE" {
		t.Errorf("the WebSocket ended with %v, want 1001 UNAVAILABLE", err)
	}
	<-stopped // stop fails the test if serve returned an error
}
