package loadtest

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// LiveConfig is a load of subscribers and the writes they are to hear of.
type LiveConfig struct {
	URL         string        // the GraphQL endpoint the subscribers use
	WriteURL    string        // where the writes are made (URL when empty): another instance, to measure across
	Subscribers int           // how many, half over graphql-ws and half over SSE
	Writes      int           // how many writes to make once all have subscribed
	Every       time.Duration // between writes
	Token       string        // a planner's bearer token, for the writes
	ServerPID   int           // the server's process, whose RSS is read (0: not read)
	Timeout     time.Duration // bound on the whole run
}

// LiveReport is what a live load measured.
type LiveReport struct {
	Subscribers   int     `json:"subscribers"`
	WebSockets    int     `json:"webSockets"`
	EventStreams  int     `json:"eventStreams"`
	Writes        int     `json:"writes"`
	Expected      int     `json:"expected"`
	Delivered     int     `json:"delivered"`
	P50ms         float64 `json:"p50ms"`
	P99ms         float64 `json:"p99ms"`
	Maxms         float64 `json:"maxms"`
	RSSBeforeMB   float64 `json:"rssBeforeMB"`
	RSSAfterMB    float64 `json:"rssAfterMB"`
	RSSPerSubKB   float64 `json:"rssPerSubscriberKB"`
	SubscribeSecs float64 `json:"subscribeSeconds"`
}

const liveQuery = `subscription { graphChanged { seq target } }`

// liveTargets maps each write's target to when it was sent.
type liveTargets struct {
	mu   sync.Mutex
	sent map[string]time.Time
}

func (l *liveTargets) at(target string) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.sent[target]
	return t, ok
}

// RunLive subscribes cfg.Subscribers clients, makes cfg.Writes writes, and
// measures how long each write took to reach each subscriber, from just
// before its mutation was sent to the event's arrival.
func RunLive(ctx context.Context, cfg LiveConfig) (LiveReport, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	rep := LiveReport{Subscribers: cfg.Subscribers, Writes: cfg.Writes}
	rep.RSSBeforeMB = rssMB(cfg.ServerPID)

	targets := &liveTargets{sent: map[string]time.Time{}}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		ready     sync.WaitGroup
		done      sync.WaitGroup
		failed    atomic.Int64
		firstErr  atomic.Value
	)
	heard := func(target string, at time.Time) {
		if sent, ok := targets.at(target); ok {
			mu.Lock()
			latencies = append(latencies, at.Sub(sent))
			mu.Unlock()
		}
	}
	fail := func(err error) {
		if failed.Add(1) == 1 {
			firstErr.Store(err)
		}
	}
	// Many connections from one process: a transport without a per-host cap.
	tr := &http.Transport{MaxIdleConnsPerHost: -1, DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
	client := &http.Client{Transport: tr}
	start := time.Now()
	for i := range cfg.Subscribers {
		ready.Add(1)
		done.Add(1)
		ws := i%2 == 0
		if ws {
			rep.WebSockets++
		} else {
			rep.EventStreams++
		}
		go func() {
			defer done.Done()
			var err error
			if ws {
				err = subscribeWS(ctx, client, cfg.URL, cfg.Writes, ready.Done, heard)
			} else {
				err = subscribeSSE(ctx, client, cfg.URL, cfg.Writes, ready.Done, heard)
			}
			if err != nil && ctx.Err() == nil {
				fail(err)
			}
		}()
		if i%200 == 199 {
			time.Sleep(20 * time.Millisecond) // a ramp, not a SYN flood
		}
	}
	ready.Wait()
	rep.SubscribeSecs = time.Since(start).Seconds()
	if n := failed.Load(); n > 0 {
		return rep, fmt.Errorf("%d subscribers failed; the first: %v", n, firstErr.Load())
	}
	time.Sleep(time.Second) // the last subscriptions reach the feed
	rep.RSSAfterMB = rssMB(cfg.ServerPID)
	if cfg.Subscribers > 0 {
		rep.RSSPerSubKB = (rep.RSSAfterMB - rep.RSSBeforeMB) * 1024 / float64(cfg.Subscribers)
	}

	for i := range cfg.Writes {
		target := fmt.Sprintf("targetgroup:live-load-%d-%d", time.Now().UnixNano(), i)
		targets.mu.Lock()
		targets.sent[target] = time.Now()
		targets.mu.Unlock()
		if err := createNode(ctx, client, cmp.Or(cfg.WriteURL, cfg.URL), cfg.Token, target); err != nil {
			return rep, err
		}
		time.Sleep(cfg.Every)
	}
	waited := make(chan struct{})
	go func() { done.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		cancel() // whoever has not heard every write by now will not
		<-waited
	}
	rep.Expected = cfg.Subscribers * cfg.Writes
	rep.Delivered = len(latencies)
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		rep.P50ms, rep.P99ms, rep.Maxms = ms(latencies[n/2]), ms(latencies[min(n-1, n*99/100)]), ms(latencies[n-1])
	}
	return rep, nil
}

// subscribeWS subscribes over graphql-transport-ws and reads count events.
func subscribeWS(ctx context.Context, client *http.Client, endpoint string, count int, ready func(), heard func(string, time.Time)) error {
	u := "ws" + strings.TrimPrefix(endpoint, "http")
	c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: client, Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		ready()
		return err
	}
	defer c.CloseNow()
	send := func(v any) error {
		b, _ := json.Marshal(v)
		return c.Write(ctx, websocket.MessageText, b)
	}
	if err := send(map[string]any{"type": "connection_init"}); err != nil {
		ready()
		return err
	}
	subscribed := false
	for seen := 0; seen < count; {
		_, b, err := c.Read(ctx)
		if err != nil {
			if !subscribed {
				ready()
			}
			return err
		}
		var msg struct {
			Type    string
			Payload struct {
				Data struct{ GraphChanged struct{ Target string } }
			}
		}
		_ = json.Unmarshal(b, &msg)
		switch msg.Type {
		case "connection_ack":
			if err := send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": liveQuery}}); err != nil {
				ready()
				return err
			}
			subscribed = true
			ready()
		case "ping":
			_ = send(map[string]any{"type": "pong"})
		case "next":
			heard(msg.Payload.Data.GraphChanged.Target, time.Now())
			seen++
		case "error", "complete":
			return fmt.Errorf("graphql-ws: %s", b)
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
	return nil
}

// subscribeSSE subscribes over an event stream and reads count events.
func subscribeSSE(ctx context.Context, client *http.Client, endpoint string, count int, ready func(), heard func(string, time.Time)) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?query="+url.QueryEscape(liveQuery), nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	ready()
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("event stream: %d %s", resp.StatusCode, b)
	}
	sc := bufio.NewScanner(resp.Body)
	for seen := 0; seen < count && sc.Scan(); {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		at := time.Now()
		var p struct {
			Data struct{ GraphChanged struct{ Target string } }
		}
		if err := json.Unmarshal([]byte(data), &p); err != nil {
			return err
		}
		heard(p.Data.GraphChanged.Target, at)
		seen++
	}
	return sc.Err()
}

// createNode writes a target group through the API, as a planner.
func createNode(ctx context.Context, client *http.Client, endpoint, token, id string) error {
	q := `mutation($input: NodeInput!) { createNode(input: $input) { audit { seq } } }`
	body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"input": map[string]any{
		"id": id, "name": "Belastning " + id,
		"sources": []map[string]any{{"document": "load test", "section": "live"}},
	}}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
		return fmt.Errorf("createNode: %d %s", resp.StatusCode, b)
	}
	return nil
}

// rssMB reads a process's resident set, in MB; 0 when pid is 0 or gone.
func rssMB(pid int) float64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
