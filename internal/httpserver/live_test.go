package httpserver

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/live"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// liveWait bounds how long a test waits for an event.
const liveWait = 5 * time.Second

// writableStore is the fixture in a memstore that takes writes.
func writableStore(t testing.TB) store.Store {
	t.Helper()
	return seedtest.Open(t, storetest.Fixture(), t.TempDir())
}

// sseEvent is one event of an event stream.
type sseEvent struct {
	id, event, data string
}

// eventStream reads an event stream's events as they come.
type eventStream struct {
	resp   *http.Response
	events chan sseEvent
}

// openStream asks for a subscription as an event stream: POST with the
// query in JSON, or GET with it in the URL, as an EventSource does.
func openStream(t *testing.T, base, method, query, lastEventID string, headers ...string) *eventStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var req *http.Request
	if method == http.MethodGet {
		req, _ = http.NewRequestWithContext(ctx, method, base+"/graphql?query="+url.QueryEscape(query), nil)
	} else {
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ = http.NewRequestWithContext(ctx, method, base+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &eventStream{resp: resp, events: make(chan sseEvent, 64)}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.event != "" {
					s.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return s
}

// next waits for the stream's next event.
func (s *eventStream) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(liveWait):
		t.Fatalf("no event within %s", liveWait)
	}
	return sseEvent{}
}

// change is graphChanged's event as the tests read it.
type change struct {
	Data struct {
		GraphChanged struct {
			Seq       int64
			Operation string
			Target    string
			Actor     *string
			At        string
			Scenario  *string
		}
	}
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func decodeChange(t *testing.T, ev sseEvent) change {
	t.Helper()
	var c change
	if err := json.Unmarshal([]byte(ev.data), &c); err != nil {
		t.Fatalf("event %+v: %v", ev, err)
	}
	return c
}

// createGroup writes a new target group straight to the store, as another
// instance would: no mutation of this server nudges its feed.
func createGroup(t *testing.T, st store.Writer, i int) *domain.AuditEntry {
	t.Helper()
	return storetest.CreateTargetGroup(t, st, "planner-a", fmt.Sprintf("Live %d", i))
}

const graphChangedQuery = `subscription { graphChanged { seq operation target actor at scenario } }`

func TestLiveOverEventStreams(t *testing.T) {
	st := writableStore(t)
	srv := httptest.NewServer(quietServer(st, Options{}))
	t.Cleanup(srv.Close)

	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method+": one event per write, in order, with its seq as the event id", func(t *testing.T) {
			s := openStream(t, srv.URL, method, graphChangedQuery, "")
			if ct := s.resp.Header.Get("Content-Type"); s.resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
				t.Fatalf("status %d, Content-Type %q", s.resp.StatusCode, ct)
			}
			waitSubscribed(t, st)
			base := 100 * len(method)
			var want []*domain.AuditEntry
			for i := range 3 {
				want = append(want, createGroup(t, st, base+i))
			}
			for _, w := range want {
				ev := s.next(t)
				c := decodeChange(t, ev)
				got := c.Data.GraphChanged
				if ev.event != "next" || ev.id != strconv.FormatInt(w.Seq, 10) || got.Seq != w.Seq || got.Target != w.Target ||
					got.Operation != "CREATE_NODE" || got.At == "" || got.Scenario != nil || got.Actor != nil || len(c.Errors) > 0 {
					t.Fatalf("want seq %d (%s), got %+v: %s", w.Seq, w.Target, ev, ev.data)
				}
			}
		})
	}

	t.Run("reconnecting with Last-Event-ID gets the writes missed, in order, once each", func(t *testing.T) {
		seen := createGroup(t, st, 900)
		missed := []*domain.AuditEntry{createGroup(t, st, 901), createGroup(t, st, 902)}
		s := openStream(t, srv.URL, http.MethodGet, graphChangedQuery, strconv.FormatInt(seen.Seq, 10))
		for _, w := range missed {
			if got := decodeChange(t, s.next(t)).Data.GraphChanged; got.Seq != w.Seq || got.Target != w.Target {
				t.Fatalf("want seq %d, got %+v", w.Seq, got)
			}
		}
		waitSubscribed(t, st)
		after := createGroup(t, st, 903)
		if got := decodeChange(t, s.next(t)).Data.GraphChanged; got.Seq != after.Seq {
			t.Fatalf("after catching up: want seq %d, got %d", after.Seq, got.Seq)
		}
	})

	t.Run("after: replays from a seq", func(t *testing.T) {
		v, err := st.Version(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		q := fmt.Sprintf(`subscription { graphChanged(after: %d) { seq } }`, v.Seq-2)
		s := openStream(t, srv.URL, http.MethodPost, q, "")
		for _, want := range []int64{v.Seq - 1, v.Seq} {
			if got := decodeChange(t, s.next(t)).Data.GraphChanged.Seq; got != want {
				t.Fatalf("want seq %d, got %d", want, got)
			}
		}
	})

	t.Run("a scenario write: its own event, marked with its scenario", func(t *testing.T) {
		s := openStream(t, srv.URL, http.MethodPost, graphChangedQuery, "")
		waitSubscribed(t, st)
		sc, e, err := st.ApplyScenario(context.Background(), domain.ScenarioWrite{Op: domain.CreateScenario, Actor: "anna", Name: "Til CBE"})
		if err != nil {
			t.Fatal(err)
		}
		got := decodeChange(t, s.next(t)).Data.GraphChanged
		if got.Seq != e.Seq || got.Operation != "CREATE_SCENARIO" || got.Scenario == nil || *got.Scenario != domain.ScenarioIDPrefix+sc.ID {
			t.Fatalf("want seq %d marked %s, got %+v (scenario %v)", e.Seq, domain.ScenarioIDPrefix+sc.ID, got, got.Scenario)
		}
	})

	t.Run("nodeChanged: the node after each write that touches it", func(t *testing.T) {
		s := openStream(t, srv.URL, http.MethodPost, `subscription { nodeChanged(id: "centre:cba") { id name } }`, "")
		waitSubscribed(t, st)
		createGroup(t, st, 950) // touches another node: no event
		n, _ := st.NodesByID(context.Background(), []domain.ID{"centre:cba"})
		upd := *n["centre:cba"]
		upd.Name = "CBA, omdøbt"
		e, err := st.Apply(context.Background(), domain.Write{Op: domain.UpdateNode, Actor: "planner-a", Node: &upd, ExpectedVersion: upd.Version})
		if err != nil {
			t.Fatal(err)
		}
		ev := s.next(t)
		if ev.id != strconv.FormatInt(e.Seq, 10) || !strings.Contains(ev.data, `"name":"CBA, omdøbt"`) {
			t.Fatalf("event %+v", ev)
		}
	})
}

// waitSubscribed gives a subscription just opened the time to reach the
// feed (its resolver runs after the stream's first bytes), so that a write
// made now comes after it. It asserts nothing about speed.
func waitSubscribed(t testing.TB, _ store.ChangeFeed) {
	t.Helper()
	time.Sleep(2 * live.DefaultPoll)
}

// The ETag follows the store's version: a write made past this server (as
// another instance would make it) ends the 304s for the answer before it,
// even where the answer's bytes did not change.
func TestETagFollowsTheGraphVersion(t *testing.T) {
	st := writableStore(t)
	h := quietServer(st, Options{})
	target := "/graphql?query=" + url.QueryEscape(`{ centre(code: "CBA") { name } }`)
	first := send(h, http.MethodGet, target, "")
	tag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || tag == "" {
		t.Fatalf("status %d, ETag %q", first.Code, tag)
	}
	if again := send(h, http.MethodGet, target, "", "If-None-Match", tag); again.Code != http.StatusNotModified {
		t.Fatalf("unchanged graph: %d, want 304", again.Code)
	}
	createGroup(t, st, 1) // the answer's bytes stay as they were
	after := send(h, http.MethodGet, target, "", "If-None-Match", tag)
	if after.Code != http.StatusOK || after.Header().Get("ETag") == tag || after.Body.String() != first.Body.String() {
		t.Fatalf("after a write: %d, ETag %q (before %q): %s", after.Code, after.Header().Get("ETag"), tag, after.Body)
	}
}

// Subscriptions are held to the bounds and the auth of reads.
func TestLiveBounds(t *testing.T) {
	t.Run("the same token as reads", func(t *testing.T) {
		tok, tokens := oneToken(t, "reader", "widget")
		srv := httptest.NewServer(quietServer(writableStore(t), Options{Tokens: tokens, ReadsNeedToken: true}))
		t.Cleanup(srv.Close)
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/graphql?query="+url.QueryEscape(graphChangedQuery), nil)
		req.Header.Set("Accept", "text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || onlyCode(t, body) != apierr.Unauthenticated {
			t.Fatalf("without a token: %d %s", resp.StatusCode, body)
		}
		s := openStream(t, srv.URL, http.MethodGet, graphChangedQuery, "", "Authorization", "Bearer "+tok)
		if s.resp.StatusCode != http.StatusOK {
			t.Fatalf("with a token: %d", s.resp.StatusCode)
		}
	})

	t.Run("live connections per client", func(t *testing.T) {
		srv := httptest.NewServer(quietServer(writableStore(t), Options{MaxLivePerClient: 1}))
		t.Cleanup(srv.Close)
		first := openStream(t, srv.URL, http.MethodPost, graphChangedQuery, "")
		if first.resp.StatusCode != http.StatusOK {
			t.Fatalf("the first: %d", first.resp.StatusCode)
		}
		second := openStream(t, srv.URL, http.MethodPost, graphChangedQuery, "")
		body, _ := io.ReadAll(second.resp.Body)
		if second.resp.StatusCode != http.StatusTooManyRequests || onlyCode(t, body) != apierr.SubscriptionLimit {
			t.Fatalf("the second: %d %s", second.resp.StatusCode, body)
		}
		// A query is not a live connection, and still answered.
		if rec := send(quietServer(writableStore(t), Options{MaxLivePerClient: 1}), http.MethodGet, "/graphql?query="+url.QueryEscape("{ __typename }"), ""); rec.Code != http.StatusOK {
			t.Fatalf("a query: %d", rec.Code)
		}
	})

	t.Run("a subscription ended by the feed says why, with its code, then completes", func(t *testing.T) {
		st := seedtest.Open(t, storetest.Fixture(), t.TempDir())
		srv := httptest.NewServer(quietServer(st, Options{}))
		t.Cleanup(srv.Close)
		s := openStream(t, srv.URL, http.MethodPost, graphChangedQuery, "")
		waitSubscribed(t, st)
		if err := st.Load(context.Background(), storetest.Fixture()); err != nil {
			t.Fatal(err)
		}
		c := decodeChange(t, s.next(t))
		if len(c.Errors) != 1 || c.Errors[0].Extensions["code"] != apierr.FeedRestarted {
			t.Fatalf("last event: %+v", c)
		}
		if ev := s.next(t); ev.event != "complete" {
			t.Fatalf("then %+v", ev)
		}
	})

	t.Run("an after that is no seq", func(t *testing.T) {
		srv := httptest.NewServer(quietServer(writableStore(t), Options{}))
		t.Cleanup(srv.Close)
		s := openStream(t, srv.URL, http.MethodPost, `subscription { graphChanged(after: -1) { seq } }`, "")
		if c := decodeChange(t, s.next(t)); len(c.Errors) != 1 || c.Errors[0].Extensions["code"] != apierr.BadUserInput {
			t.Fatalf("%+v", c)
		}
		s = openStream(t, srv.URL, http.MethodGet, graphChangedQuery, "abc")
		if c := decodeChange(t, s.next(t)); len(c.Errors) != 1 || c.Errors[0].Extensions["code"] != apierr.BadUserInput {
			t.Fatalf("Last-Event-ID abc: %+v", c)
		}
	})
}

// Subscribers that make the same of a write share one rendering of it
// (graph/live.go, renderKey); those whose role shows them more get their
// own: a planner sees the actor of the write, a reader and an anonymous
// subscriber do not, each of them one of two with the same document.
func TestLiveSharesAnEventOnlyWithItsKind(t *testing.T) {
	plannerTok, plannerLine, err := auth.NewToken("planner", "anna", auth.DefaultTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	readerTok, readerLine, err := auth.NewToken("reader", "widget", auth.DefaultTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.ParseTokens(plannerLine + ";" + readerLine)
	if err != nil {
		t.Fatal(err)
	}
	st := writableStore(t)
	srv := httptest.NewServer(quietServer(st, Options{Tokens: tokens}))
	t.Cleanup(srv.Close)
	kinds := []struct {
		name      string
		headers   []string
		seesActor bool
	}{
		{"anonymous", nil, false},
		{"planner", []string{"Authorization", "Bearer " + plannerTok}, true},
		{"reader", []string{"Authorization", "Bearer " + readerTok}, false},
	}
	streams := map[string][]*eventStream{}
	for _, k := range kinds {
		for range 2 {
			streams[k.name] = append(streams[k.name], openStream(t, srv.URL, http.MethodPost, graphChangedQuery, "", k.headers...))
		}
	}
	waitSubscribed(t, st)
	w := createGroup(t, st, 1)
	for _, k := range kinds {
		for i, s := range streams[k.name] {
			got := decodeChange(t, s.next(t)).Data.GraphChanged
			if got.Seq != w.Seq || (got.Actor != nil) != k.seesActor || (k.seesActor && *got.Actor != w.Actor) {
				t.Errorf("%s %d: want seq %d, actor shown %v; got %+v", k.name, i, w.Seq, k.seesActor, got)
			}
		}
	}
}

// impactChanged sends the item's impact at once, then again only after a
// write that changes what it reaches: a new target group does not, CBE
// taking on the group the item touches does. Two subscribers of the same
// document hear the same.
func TestLiveImpactChanged(t *testing.T) {
	st := writableStore(t)
	srv := httptest.NewServer(quietServer(st, Options{}))
	t.Cleanup(srv.Close)
	const q = `subscription { impactChanged(of: "reformchange:afskaffelse-af-ressourceforloeb") { centres { centre { code } } } }`
	streams := []*eventStream{openStream(t, srv.URL, http.MethodPost, q, ""), openStream(t, srv.URL, http.MethodGet, q, "")}
	for i, s := range streams {
		if ev := s.next(t); ev.event != "next" || !strings.Contains(ev.data, `"code":"CBA"`) || strings.Contains(ev.data, `"code":"CDØ"`) {
			t.Fatalf("stream %d, the first answer: %+v", i, ev)
		}
	}
	waitSubscribed(t, st)
	before := createGroup(t, st, 1)
	e, err := st.Apply(context.Background(), domain.Write{Op: domain.CreateLink, Actor: "anna", Rel: &domain.Relationship{Kind: domain.RelServes,
		From: "centre:cdoe", To: "targetgroup:ressourceforloeb", Basis: domain.Explicit, Sources: []domain.Source{{Document: "planlaegning.docx", Section: "Udkast"}}}})
	if err != nil {
		t.Fatal(err)
	}
	// The impact is worked out when the feed hands on a write, from the
	// graph as it is then: if both writes came in one poll, the group's
	// event already carries the new reach (and the link's none).
	var first sseEvent
	for i, s := range streams {
		ev := s.next(t)
		if (ev.id != strconv.FormatInt(e.Seq, 10) && ev.id != strconv.FormatInt(before.Seq, 10)) || !strings.Contains(ev.data, `"code":"CDØ"`) {
			t.Fatalf("stream %d after CDØ took the group on (seq %d): %+v", i, e.Seq, ev)
		}
		if i == 0 {
			first = ev
		} else if ev != first {
			t.Fatalf("the two subscribers heard %+v and %+v", first, ev)
		}
	}
}

// A WebSocket upgrade from a page on an origin the API's CORS does not
// allow is refused with 403 FORBIDDEN before it reaches the endpoint
// (the npm client's test of the same is in internal/livetest).
func TestLiveSocketOriginRefused(t *testing.T) {
	h := quietServer(writableStore(t), Options{CORSOrigins: []string{"https://intranet.example"}})
	rec := send(h, http.MethodGet, "/graphql", "", "Upgrade", "websocket", "Connection", "Upgrade", "Origin", "https://elsewhere.example",
		"Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol", "graphql-transport-ws")
	if rec.Code != http.StatusForbidden || onlyCode(t, rec.Body.Bytes()) != apierr.Forbidden {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}
