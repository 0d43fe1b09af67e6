package livetest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

const clientDir = "../../tools/live-client"

// within bounds how long a test waits for an event: the 5 s.
const within = 5 * time.Second

// client is one npm client subscribed to one operation.
type client struct {
	lines chan line
}

// line is one of the client's output lines.
type line struct {
	ID      string          `json:"id"`
	Payload json.RawMessage `json:"payload"`
	Error   string          `json:"error"`
	Code    int             `json:"code"` // a WebSocket's close code, with Error
	Done    bool            `json:"complete"`
}

// subscribe starts the npm client: mode "ws" (graphql-ws) or "sse"
// (EventSource), stopping after count events.
func subscribe(t *testing.T, mode, endpoint, query string, count int, lastEventID string) *client {
	t.Helper()
	return subscribeWith(t, nil, mode, endpoint, query, count, lastEventID)
}

// subscribeWith is subscribe with the client's environment: LIVE_TOKEN,
// LIVE_ORIGIN (client.mjs).
func subscribeWith(t *testing.T, env []string, mode, endpoint, query string, count int, lastEventID string) *client {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: run the tests with `make test`, which installs it")
	}
	if _, err := os.Stat(filepath.Join(clientDir, "node_modules", "graphql-ws")); err != nil {
		t.Fatal("the live clients' packages are missing: run scripts/live-install (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	cmd := exec.CommandContext(ctx, node, "client.mjs", mode, endpoint, query, strconv.Itoa(count), lastEventID)
	cmd.Dir = clientDir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &client{lines: make(chan line, 64)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var l line
			if json.Unmarshal(sc.Bytes(), &l) == nil {
				c.lines <- l
			}
		}
	}()
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	return c
}

// next waits for the client's next event.
func (c *client) next(t *testing.T) line {
	t.Helper()
	select {
	case l, ok := <-c.lines:
		if !ok {
			t.Fatal("the client ended")
		}
		if l.Error != "" || l.Done {
			t.Fatalf("the client: %+v", l)
		}
		return l
	case <-time.After(within):
		t.Fatalf("no event within %s", within)
	}
	return line{}
}

// failure waits for the client to say it failed.
func (c *client) failure(t *testing.T) line {
	t.Helper()
	select {
	case l, ok := <-c.lines:
		if !ok || l.Error == "" {
			t.Fatalf("want a failure, got %+v", l)
		}
		return l
	case <-time.After(within):
		t.Fatalf("no failure within %s", within)
	}
	return line{}
}

// seqOf reads graphChanged's seq from an event.
func seqOf(t *testing.T, l line) int64 {
	t.Helper()
	var p struct {
		Data struct{ GraphChanged struct{ Seq int64 } }
	}
	if err := json.Unmarshal(l.Payload, &p); err != nil || p.Data.GraphChanged.Seq == 0 {
		t.Fatalf("event %s: %v", l.Payload, err)
	}
	return p.Data.GraphChanged.Seq
}

// createGroup writes a new target group to st.
func createGroup(t *testing.T, st store.Writer, name string) *domain.AuditEntry {
	t.Helper()
	n := storetest.NewTargetGroup()
	n.ID, n.Name = domain.ID("targetgroup:"+name), "Gruppe "+name
	e, err := st.Apply(context.Background(), domain.Write{Op: domain.CreateNode, Actor: "planner-a", Node: n})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// fromNow is the store's version: a client that subscribes after it hears
// of every write made from now on, however long it takes to start.
func fromNow(t *testing.T, st store.ChangeFeed) int64 {
	t.Helper()
	v, err := st.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v.Seq
}

// changedAfter is graphChanged from after seq.
func changedAfter(seq int64) string {
	return fmt.Sprintf(`subscription { graphChanged(after: %d) { seq operation target } }`, seq)
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

const changed = `subscription { graphChanged { seq operation target } }`

// expectSeqs reads want's seqs from c, in order.
func expectSeqs(t *testing.T, c *client, want []*domain.AuditEntry) {
	t.Helper()
	for _, w := range want {
		if got := seqOf(t, c.next(t)); got != w.Seq {
			t.Fatalf("want seq %d (%s), got %d", w.Seq, w.Target, got)
		}
	}
}

func TestLiveOnTheEmbeddedStore(t *testing.T) {
	st := seedtest.Open(t, storetest.Fixture(), t.TempDir())
	srv := httptest.NewServer(servertest.New(quiet(), st, httpserver.Options{}, graph.Options{}))
	t.Cleanup(srv.Close)
	endpoint := srv.URL + "/graphql"

	now := fromNow(t, st)
	ws := subscribe(t, "ws", endpoint, changedAfter(now), 3, "")
	sse := subscribe(t, "sse", endpoint, changed, 3, strconv.FormatInt(now, 10))
	want := []*domain.AuditEntry{createGroup(t, st, "a"), createGroup(t, st, "b"), createGroup(t, st, "c")}
	t.Run("graphql-ws: every write, in order", func(t *testing.T) { expectSeqs(t, ws, want) })
	t.Run("EventSource: every write, in order, each with its seq as id", func(t *testing.T) {
		for _, w := range want {
			l := sse.next(t)
			if got := seqOf(t, l); got != w.Seq || l.ID != strconv.FormatInt(w.Seq, 10) {
				t.Fatalf("want seq %d, got %d with id %q", w.Seq, got, l.ID)
			}
		}
	})

	t.Run("a reconnect with the last seq seen gets the writes missed, once each", func(t *testing.T) {
		seen := want[0].Seq
		missed := []*domain.AuditEntry{want[1], want[2], createGroup(t, st, "d")}
		expectSeqs(t, subscribe(t, "ws", endpoint, changedAfter(seen), 3, ""), missed)
		expectSeqs(t, subscribe(t, "sse", endpoint, changed, 3, strconv.FormatInt(seen, 10)), missed)
	})
}

// With reads needing a token, a subscription needs it too, over either
// transport: graphql-ws sends it as connectionParams (a browser's
// WebSocket has no headers), an EventSource as the header. A connection
// without one, or with one not valid, is closed with 4403 and the code.
// Without that need, a token in connectionParams still says who asks: a
// planner sees the actor of each write.
func TestLiveNeedsTheReadsToken(t *testing.T) {
	mint := func(role string) (string, string) {
		tok, line, err := auth.NewToken(role, role+"-live", auth.DefaultTTL, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tok, line
	}
	readerTok, readerLine := mint("reader")
	plannerTok, plannerLine := mint("planner")
	tokens, err := auth.ParseTokens(readerLine + ";" + plannerLine)
	if err != nil {
		t.Fatal(err)
	}
	st := seedtest.Open(t, storetest.Fixture(), t.TempDir())
	closed := httptest.NewServer(servertest.New(quiet(), st, httpserver.Options{Tokens: tokens, ReadsNeedToken: true}, graph.Options{}))
	t.Cleanup(closed.Close)
	open := httptest.NewServer(servertest.New(quiet(), st, httpserver.Options{Tokens: tokens}, graph.Options{}))
	t.Cleanup(open.Close)

	now := fromNow(t, st)
	ws := subscribeWith(t, []string{"LIVE_TOKEN=" + readerTok}, "ws", closed.URL+"/graphql", changedAfter(now), 1, "")
	sse := subscribeWith(t, []string{"LIVE_TOKEN=" + readerTok}, "sse", closed.URL+"/graphql", changed, 1, strconv.FormatInt(now, 10))
	const withActor = `subscription { graphChanged(after: %d) { seq actor } }`
	planner := subscribeWith(t, []string{"LIVE_TOKEN=" + plannerTok}, "ws", open.URL+"/graphql", fmt.Sprintf(withActor, now), 1, "")
	anonymous := subscribe(t, "ws", open.URL+"/graphql", fmt.Sprintf(withActor, now), 1, "")
	w := createGroup(t, st, "med-token")
	t.Run("graphql-ws with the token as connectionParams", func(t *testing.T) { expectSeqs(t, ws, []*domain.AuditEntry{w}) })
	t.Run("an EventSource with the token as the header", func(t *testing.T) { expectSeqs(t, sse, []*domain.AuditEntry{w}) })
	t.Run("connectionParams say who asks: a planner sees the actor, an anonymous subscriber not", func(t *testing.T) {
		if p := string(planner.next(t).Payload); !strings.Contains(p, `"actor":"`+w.Actor+`"`) {
			t.Errorf("the planner's event: %s", p)
		}
		if p := string(anonymous.next(t).Payload); !strings.Contains(p, `"actor":null`) {
			t.Errorf("the anonymous event: %s", p)
		}
	})
	for name, env := range map[string][]string{"no token": nil, "a token not valid": {"LIVE_TOKEN=" + readerTok + "x"}} {
		t.Run("graphql-ws with "+name+": closed with 4403 UNAUTHENTICATED", func(t *testing.T) {
			l := subscribeWith(t, env, "ws", closed.URL+"/graphql", changed, 1, "").failure(t)
			if l.Code != 4403 || l.Error != apierr.Unauthenticated {
				t.Fatalf("%+v", l)
			}
		})
	}
}

// A browser's WebSocket from another origin is let in as --cors-origins
// lets its fetches in: a listed origin and the API's own may subscribe,
// any other is refused at the upgrade.
func TestLiveSocketOrigins(t *testing.T) {
	st := seedtest.Open(t, storetest.Fixture(), t.TempDir())
	srv := httptest.NewServer(servertest.New(quiet(), st, httpserver.Options{CORSOrigins: []string{"https://intranet.example"}}, graph.Options{}))
	t.Cleanup(srv.Close)
	endpoint := srv.URL + "/graphql"

	now := fromNow(t, st)
	allowed := map[string]*client{}
	for _, origin := range []string{"https://intranet.example", srv.URL} {
		allowed[origin] = subscribeWith(t, []string{"LIVE_ORIGIN=" + origin}, "ws", endpoint, changedAfter(now), 1, "")
	}
	refused := subscribeWith(t, []string{"LIVE_ORIGIN=https://elsewhere.example"}, "ws", endpoint, changedAfter(now), 1, "")
	w := createGroup(t, st, "fra-intranettet")
	for origin, c := range allowed {
		t.Run("allowed: "+origin, func(t *testing.T) { expectSeqs(t, c, []*domain.AuditEntry{w}) })
	}
	t.Run("refused: https://elsewhere.example", func(t *testing.T) {
		if l := refused.failure(t); l.Payload != nil {
			t.Fatalf("%+v", l)
		}
	})
}

// Two instances, each with its own driver, on one Neo4j: what a planner
// writes through A reaches B's subscribers, B's ETags change with it, and a
// subscriber that comes back to B with its last seq gets what it missed.
func TestLiveAcrossInstancesOnNeo4j(t *testing.T) {
	env, stA := neo4jtest.EnvAndStore(t)
	// Closed after the servers over it (cleanups run last first), not
	// while their feeds may still read it.
	stB := neo4jtest.Another(t, env)
	ctx := context.Background()
	if err := stA.Load(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	a := httptest.NewServer(servertest.New(quiet(), stA, httpserver.Options{}, graph.Options{}))
	t.Cleanup(a.Close)
	b := httptest.NewServer(servertest.New(quiet(), stB, httpserver.Options{}, graph.Options{}))
	t.Cleanup(b.Close)
	endpointB := b.URL + "/graphql"

	// The ETag B gives before the write, to send back after it.
	const read = `{ node(id: "centre:cba") { id name } targetGroups { id } }`
	tagBefore := etag(t, b.URL, read, "")

	now := fromNow(t, stB)
	ws := subscribe(t, "ws", endpointB, changedAfter(now), 2, "")
	sse := subscribe(t, "sse", endpointB, changed, 2, strconv.FormatInt(now, 10))
	want := []*domain.AuditEntry{createGroup(t, stA, "fra-a-1"), createGroup(t, stA, "fra-a-2")}
	t.Run("written on A, heard on B over graphql-ws", func(t *testing.T) { expectSeqs(t, ws, want) })
	t.Run("written on A, heard on B over an EventSource", func(t *testing.T) { expectSeqs(t, sse, want) })

	t.Run("B's ETag changes with A's write: no 304 for the graph before it", func(t *testing.T) {
		status, tagAfter := get(t, b.URL, read, tagBefore)
		if status != http.StatusOK || tagAfter == tagBefore {
			t.Fatalf("after a write on A, B answered %d with ETag %s (before: %s)", status, tagAfter, tagBefore)
		}
		if status, _ := get(t, b.URL, read, tagAfter); status != http.StatusNotModified {
			t.Fatalf("B's own fresh ETag: %d, want 304", status)
		}
		if tagA := etag(t, a.URL, read, ""); tagA != tagAfter {
			t.Fatalf("A and B tag one graph differently: %s and %s", tagA, tagAfter)
		}
	})

	t.Run("a reconnect to B with the last seq seen gets the writes missed on A", func(t *testing.T) {
		missed := []*domain.AuditEntry{want[1], createGroup(t, stA, "fra-a-3")}
		expectSeqs(t, subscribe(t, "sse", endpointB, changed, 2, strconv.FormatInt(want[0].Seq, 10)), missed)
		expectSeqs(t, subscribe(t, "ws", endpointB, changedAfter(want[0].Seq), 2, ""), missed)
	})
}

// get sends a GET query with If-None-Match ifNoneMatch; its status and ETag.
func get(t *testing.T, base, query, ifNoneMatch string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/graphql?query="+url.QueryEscape(query), nil)
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag")
}

func etag(t *testing.T, base, query, ifNoneMatch string) string {
	t.Helper()
	status, tag := get(t, base, query, ifNoneMatch)
	if status != http.StatusOK || !strings.HasPrefix(tag, `"`) {
		t.Fatalf("GET answered %d with ETag %q", status, tag)
	}
	return tag
}
