package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/auth"
)

// kill9 kills the test's own Neo4j with SIGKILL, as a crash would, and
// waits until its JVM is gone. scripts/neo4j records the JVM's pid.
func (n *ownNeo4j) kill9() {
	n.t.Helper()
	var state string
	for _, kv := range n.env {
		if v, ok := strings.CutPrefix(kv, "NEO4J_STATE_DIR="); ok {
			state = v
		}
	}
	b, err := os.ReadFile(filepath.Join(state, "pid"))
	if err != nil {
		n.t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		n.t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		n.t.Fatalf("kill -9 %d: %v", pid, err)
	}
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && bytes.Contains(stat, []byte(") Z ")) {
			return
		}
	}
	n.t.Fatalf("Neo4j (pid %d) still alive after SIGKILL", pid)
}

// keyedWrite posts one write with an Idempotency-Key and says whether it
// was answered as saved, and whether that answer is a replay (its audit
// entry is older than the request); the error codes it got otherwise.
func keyedWrite(client *http.Client, base, token, key, query string) (saved, replay bool, codes []string, took time.Duration) {
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return false, false, []string{"TRANSPORT"}, time.Since(start)
	}
	defer resp.Body.Close()
	var r struct {
		Data   map[string]json.RawMessage
		Errors []struct{ Extensions map[string]any }
	}
	_ = json.NewDecoder(resp.Body).Decode(&r)
	took = time.Since(start)
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		codes = append(codes, c)
	}
	for _, v := range r.Data {
		var res struct{ Audit *struct{ At time.Time } }
		if json.Unmarshal(v, &res) == nil && res.Audit != nil {
			return len(codes) == 0, res.Audit.At.Before(start), codes, took
		}
	}
	if len(codes) == 0 {
		codes = []string{fmt.Sprintf("HTTP %d, no result", resp.StatusCode)}
	}
	return false, false, codes, took
}

// TestServeNeo4jWritesSurviveKill9 puts a real server on Neo4j under reads
// and writes and kills Neo4j with SIGKILL twice, starting it again on the
// same data folder each time. Each write (a node's creation, then its
// update) is sent with an Idempotency-Key and retried with it until it is
// answered as saved. Afterwards every acknowledged write is there, each
// exactly once in the audit trail; no write was ever answered CONFLICT or
// IDEMPOTENCY_KEY_REUSED (its own retry would have been); no request
// outlived the request timeout; and the server answered again without a
// restart.
func TestServeNeo4jWritesSurviveKill9(t *testing.T) {
	neo4jEnv(t) // the suite's Neo4j must be there too; this test brings its own
	db := newOwnNeo4j(t)
	env := db.vars
	env["ORGGRAPH_NEO4J_TIMEOUT"] = "2s"
	const requestTimeout = 4 * time.Second
	db.script("start")
	runSeed(t, env, "--prune")

	token, line, err := auth.NewToken("planner", "anna", auth.DefaultTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tokensFile := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(tokensFile, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _, stop := startServe(t, env, "--store", "neo4j", "--rate-limit", "0", "--tokens-file", tokensFile,
		"--request-timeout", requestTimeout.String())
	defer stop()
	waitReady(t, base, 30*time.Second)

	const (
		writers         = 2
		writesPerWriter = 120 // bounds the run; each is a creation and an update
		kills           = 2
	)
	var (
		mu        sync.Mutex
		acked     []string // node ids whose creation and update were answered as saved
		failures  = map[string]int{}
		slowest   time.Duration
		requests  int
		wrong     []string
		replays   atomic.Int64 // retries answered with their first attempt's write
		readsOK   atomic.Int64
		readsBad  atomic.Int64
		stopped   atomic.Bool
		wg        sync.WaitGroup
		testUntil = time.Now().Add(4 * time.Minute)
	)
	note := func(took time.Duration, codes []string) {
		mu.Lock()
		defer mu.Unlock()
		requests++
		slowest = max(slowest, took)
		for _, c := range codes {
			failures[c]++
		}
	}
	client := &http.Client{Timeout: 30 * time.Second}
	// saveWithRetries sends one write until it is answered as saved; false
	// when the test's time ran out first.
	saveWithRetries := func(key, query string) bool {
		for time.Now().Before(testUntil) {
			saved, replay, codes, took := keyedWrite(client, base, token, key, query)
			note(took, codes)
			if saved {
				if replay {
					replays.Add(1)
				}
				return true
			}
			for _, c := range codes {
				if c == "CONFLICT" || c == "IDEMPOTENCY_KEY_REUSED" || c == "INTERNAL" || c == "BAD_USER_INPUT" {
					mu.Lock()
					wrong = append(wrong, fmt.Sprintf("%s: %v", key, codes))
					mu.Unlock()
					return false
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		return false
	}
	for w := range writers {
		wg.Go(func() {
			for i := range writesPerWriter {
				if stopped.Load() {
					return
				}
				id := fmt.Sprintf("targetgroup:crash-%d-%d", w, i)
				create := fmt.Sprintf(`mutation { createNode(input: {id: %q, name: "Crash %d %d", sources: [{document: "crash test", section: "%d"}]}) { audit { seq at } node { version } } }`, id, w, i, i)
				update := fmt.Sprintf(`mutation { updateNode(id: %q, expectedVersion: 1, input: {description: "updated"}) { audit { seq at } node { version } } }`, id)
				if !saveWithRetries("create-"+id, create) || !saveWithRetries("update-"+id, update) {
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for !stopped.Load() && time.Now().Before(testUntil) {
				p := ask(base)
				note(p.took, nil)
				if p.ok {
					readsOK.Add(1)
				} else {
					readsBad.Add(1)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	ackedNow := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for k := range kills {
		for start := time.Now(); ackedNow() < 10*(k+1) && time.Since(start) < time.Minute; {
			time.Sleep(100 * time.Millisecond)
		}
		db.kill9()
		time.Sleep(time.Second)
		db.script("start")
	}
	// The server recovers by itself: a read and the writers go on.
	recovered := false
	for end := time.Now().Add(90 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if ask(base).ok {
			recovered = true
			break
		}
	}
	for start := ackedNow(); ackedNow() < start+5 && time.Now().Before(testUntil); {
		time.Sleep(100 * time.Millisecond)
	}
	stopped.Store(true)
	wg.Wait()

	if !recovered {
		t.Fatal("reads did not come back after Neo4j restarted")
	}
	for _, w := range wrong {
		t.Errorf("a retried write was refused: %s", w)
	}
	// The slack is the round trip's, on a machine the test shares.
	if slowest > requestTimeout+2*time.Second {
		t.Errorf("a request took %s; the request timeout is %s", slowest, requestTimeout)
	}
	if readsBad.Load() == 0 {
		t.Error("no read failed: Neo4j was never away")
	}
	if len(acked) < 15 {
		t.Fatalf("only %d writes acknowledged", len(acked))
	}

	// Every acknowledged write is there, each once in the audit trail.
	_, body := graphql(t, base, token, `{ audit(actor: "anna", first: 500) { target operation version } }`)
	var trail struct {
		Data struct {
			Audit []struct {
				Target, Operation string
				Version           int
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &trail); err != nil {
		t.Fatalf("audit: %v %s", err, body)
	}
	entries := map[string]int{}
	for _, e := range trail.Data.Audit {
		entries[e.Target+" "+e.Operation]++
	}
	for key, n := range entries {
		if n != 1 {
			t.Errorf("%s is in the audit trail %d times", key, n)
		}
	}
	for _, id := range acked {
		if entries[id+" CREATE_NODE"] != 1 || entries[id+" UPDATE_NODE"] != 1 {
			t.Errorf("%s: acknowledged, but the audit trail holds %d creations and %d updates", id, entries[id+" CREATE_NODE"], entries[id+" UPDATE_NODE"])
		}
		_, body := graphql(t, base, token, fmt.Sprintf(`{ node(id: %q) { version description } }`, id))
		if !strings.Contains(body, `"version":2,"description":"updated"`) {
			t.Errorf("%s: acknowledged, but reads %s", id, body)
		}
	}
	t.Logf("%d kill -9 of Neo4j: %d nodes created and updated (%d writes) acknowledged, 0 lost, each once in the audit trail, %d of them answered to a retry with its first attempt's write; "+
		"%d requests, the slowest %s (timeout %s); failed answers by code %v; reads %d ok, %d failed; recovered without restarting the server",
		kills, len(acked), 2*len(acked), replays.Load(), requests, slowest.Round(time.Millisecond), requestTimeout, failures, readsOK.Load(), readsBad.Load())
}
