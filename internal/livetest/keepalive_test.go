package livetest

import (
	"bufio"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/live"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// Live connections are kept alive and bounded when idle: a graphql-ws
// connection that never says connection_init is closed, one that says it
// is pinged and closed when it leaves the pings unanswered, and an event
// stream is sent a comment at each interval. The intervals are shortened
// here through graph.Options.Live; serve keeps live's defaults.
func TestLiveKeepalivesAndIdleConnections(t *testing.T) {
	const ping, initTimeout = 100 * time.Millisecond, 300 * time.Millisecond
	st := seedtest.Open(t, storetest.Fixture(), "")
	srv := httptest.NewServer(servertest.New(quiet(), st, httpserver.Options{},
		graph.Options{Live: live.Options{Ping: ping, InitTimeout: initTimeout}}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()

	// ended reads c, never answering a ping, until it ends: how, and when.
	ended := func(c *websocket.Conn) (time.Duration, error) {
		start := time.Now()
		for {
			var msg struct{ Type string }
			if err := wsjson.Read(ctx, c, &msg); err != nil {
				return time.Since(start), err
			}
		}
	}

	t.Run("graphql-ws: no connection_init in time, closed", func(t *testing.T) {
		after, err := ended(servertest.DialGraphQLWS(t, ctx, srv.URL))
		var closed websocket.CloseError
		if !errors.As(err, &closed) {
			t.Fatalf("the connection ended with %v, not a close from the server", err)
		}
		if closed.Code != websocket.StatusProtocolError || !strings.Contains(closed.Reason, "initialisation timeout") {
			t.Fatalf("closed with %d %q", closed.Code, closed.Reason)
		}
		if after < initTimeout/2 {
			t.Fatalf("closed after %v, before the %v it may wait", after, initTimeout)
		}
	})

	t.Run("graphql-ws: pinged at each interval", func(t *testing.T) {
		c := servertest.InitGraphQLWS(t, ctx, srv.URL)
		pings := 0
		for pings < 3 {
			var msg struct{ Type string }
			if err := wsjson.Read(ctx, c, &msg); err != nil {
				t.Fatalf("after %d pings: %v", pings, err)
			}
			if msg.Type != "ping" {
				t.Fatalf("want a ping, got %q", msg.Type)
			}
			pings++
			if err := wsjson.Write(ctx, c, map[string]any{"type": "pong"}); err != nil {
				t.Fatal(err)
			}
		}
	})

	// gqlgen ends such a connection by its read deadline, without a close
	// frame: the client reads the end of the stream.
	t.Run("graphql-ws: pings left unanswered, closed", func(t *testing.T) {
		after, err := ended(servertest.InitGraphQLWS(t, ctx, srv.URL))
		if ctx.Err() != nil || after < ping || after > within/2 {
			t.Fatalf("ended after %v with %v; want after two intervals without a pong", after, err)
		}
	})

	t.Run("graphql-ws: pings answered, kept open", func(t *testing.T) {
		c := servertest.InitGraphQLWS(t, ctx, srv.URL)
		kept, stop := context.WithTimeout(ctx, 8*ping)
		defer stop()
		for {
			var msg struct{ Type string }
			if err := wsjson.Read(kept, c, &msg); err != nil {
				if kept.Err() == nil {
					t.Fatalf("closed although each ping was answered: %v", err)
				}
				return // open for eight intervals
			}
			if msg.Type == "ping" {
				if err := wsjson.Write(ctx, c, map[string]any{"type": "pong"}); err != nil {
					t.Fatal(err)
				}
			}
		}
	})

	t.Run("an event stream: a comment at each interval", func(t *testing.T) {
		resp := servertest.EventStream(t, ctx, srv.URL, changed)
		sc := bufio.NewScanner(resp.Body)
		comments := 0
		for comments < 3 && sc.Scan() {
			if strings.HasPrefix(sc.Text(), ":") {
				comments++
			}
		}
		if comments < 3 {
			t.Fatalf("%d keepalive comments before the stream ended: %v", comments, sc.Err())
		}
	})
}
