package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
	"github.com/bif-kk/orggraph/internal/store/instrumented"
)

// neo4jEnv returns the test Neo4j's settings, one test at a time (see neo4jtest).
func neo4jEnv(t *testing.T) map[string]string { return neo4jtest.Env(t) }

func envFunc(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var seededCounts = regexp.MustCompile(`(\d+) nodes, (\d+) relationships`)

func runSeed(t *testing.T, env map[string]string, extra ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	args := append([]string{"orggraph", "seed", "--seed-dir", "../../seed"}, extra...)
	if err := run(context.Background(), args, envFunc(env), &out, &errb); err != nil {
		t.Fatalf("seed: %v\n%s", err, errb.String())
	}
	m := seededCounts.FindString(out.String())
	if m == "" {
		t.Fatalf("seed printed no counts: %q", out.String())
	}
	return m
}

func TestSeedCommandIsIdempotent(t *testing.T) {
	env, _ := emptyNeo4j(t)
	first := runSeed(t, env, "--prune")
	if second := runSeed(t, env); second != first {
		t.Fatalf("second seed left %s, first %s", second, first)
	}
	var wg sync.WaitGroup
	counts := make([]string, 2)
	for i := range counts {
		wg.Add(1)
		go func() { defer wg.Done(); counts[i] = runSeed(t, env) }()
	}
	wg.Wait()
	for _, c := range counts {
		if c != first {
			t.Fatalf("concurrent seeds left %v, want %s", counts, first)
		}
	}
	t.Logf("seeded three times, four runs: %s each time", first)
}

// startServe runs `orggraph serve` in-process on a free port and returns its
// base URL, its log, and a stop function that asserts a graceful return.
func startServe(t *testing.T, env map[string]string, args ...string) (string, *observetest.Logs, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := freeAddr(t)
	var logs observetest.Logs
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"orggraph", "serve", "--addr", addr}, args...), envFunc(env), io.Discard, &logs)
	}()
	base := "http://" + addr
	waitHealthy(t, base, done)
	return base, &logs, func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not shut down")
		}
	}
}

func proxyTo(t *testing.T, base string) http.Handler {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return httputil.NewSingleHostReverseProxy(u)
}

func waitReady(t *testing.T, base string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if status, _ := get(t, base+"/readyz"); status == http.StatusOK {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s/readyz did not turn 200 within %s", base, within)
}

// TestServeNeo4jAnswersLikeMemory seeds Neo4j with `orggraph seed`, serves
// it with `orggraph serve --store neo4j`, and replays every golden query:
// each response must equal its golden file, and the embedded store's
// response to the same query, byte for byte.
func TestServeNeo4jAnswersLikeMemory(t *testing.T) {
	env, _ := emptyNeo4j(t) // a seed keeps what other tests' planners wrote
	runSeed(t, env, "--prune")
	neo, _, stopNeo := startServe(t, env, "--store", "neo4j")
	defer stopNeo()
	mem, _, stopMem := startServe(t, nil, "--seed-dir", "../../seed")
	defer stopMem()
	waitReady(t, neo, 30*time.Second)

	t.Run("goldens on neo4j", func(t *testing.T) {
		graphtest.RunGolden(t, proxyTo(t, neo), "../../graph/testdata")
	})
	t.Run("whole responses equal across stores", func(t *testing.T) {
		queries := graphtest.Queries(t, "../../graph/testdata")
		if len(queries) < 6 {
			t.Fatalf("only %d golden queries", len(queries))
		}
		for _, q := range queries {
			n, _ := graphtest.Post(t, proxyTo(t, neo), q.Text, q.Variables)
			m, _ := graphtest.Post(t, proxyTo(t, mem), q.Text, q.Variables)
			if !bytes.Equal(n, m) {
				t.Errorf("%s: neo4j and memory differ\nneo4j:  %.400s\nmemory: %.400s", q.Name, n, m)
			}
		}
	})
}

// ownNeo4j starts a Neo4j of the test's own, on its own port and with a
// data folder that survives stop and start, through scripts/neo4j.
type ownNeo4j struct {
	t    *testing.T
	env  []string
	vars map[string]string
}

// NEO4J_OWN_PORT, when set, is its port instead of a free one: for a run
// that may use only the ports it was given.
func newOwnNeo4j(t *testing.T) *ownNeo4j {
	port := os.Getenv("NEO4J_OWN_PORT")
	if port == "" {
		port = strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	}
	dir := t.TempDir()
	n := &ownNeo4j{t: t, env: append(os.Environ(),
		"NEO4J_PORT="+port, "NEO4J_PASSWORD=restart-test",
		"NEO4J_STATE_DIR="+filepath.Join(dir, "state"), "NEO4J_DATA_DIR="+filepath.Join(dir, "data"))}
	n.vars = map[string]string{"NEO4J_URI": "bolt://127.0.0.1:" + port, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "restart-test", "NEO4J_DATABASE": "neo4j"}
	t.Cleanup(func() { n.script("stop") })
	return n
}

func (n *ownNeo4j) script(cmd string) {
	c := exec.Command("../../scripts/neo4j", cmd)
	c.Env = n.env
	if out, err := c.CombinedOutput(); err != nil {
		n.t.Fatalf("scripts/neo4j %s: %v\n%s", cmd, err, out)
	}
}

// probe is one request's outcome.
type probe struct {
	ok    bool
	codes []string
	took  time.Duration
}

const probeQuery = `{"query":"{ centre(code: \"CBA\") { code targetGroups { name } } }"}`

func ask(base string) probe {
	start := time.Now()
	client := http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post(base+"/graphql", "application/json", strings.NewReader(probeQuery))
	if err != nil {
		return probe{codes: []string{"TRANSPORT: " + err.Error()}, took: time.Since(start)}
	}
	defer resp.Body.Close()
	var body struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	p := probe{took: time.Since(start)}
	for _, e := range body.Errors {
		code, _ := e.Extensions["code"].(string)
		p.codes = append(p.codes, fmt.Sprintf("%s (%q)", code, e.Message))
	}
	p.ok = len(body.Errors) == 0 && bytes.Contains(body.Data, []byte("Ressourceforløb"))
	return p
}

// TestServeNeo4jRidesOutAnOutage starts the API before its Neo4j exists,
// then starts Neo4j, seeds it, puts the API under requests, stops Neo4j,
// and starts it again: while Neo4j is away every request ends within the
// query timeout with a coded error, and answers come back once it returns,
// without restarting the API.
func TestServeNeo4jRidesOutAnOutage(t *testing.T) {
	neo4jEnv(t) // the suite's Neo4j must be there too; this test brings its own
	db := newOwnNeo4j(t)
	env := db.vars
	env["ORGGRAPH_NEO4J_TIMEOUT"] = "2s"
	// No rate limit: while Neo4j is away each request fails at once, and the
	// four clients below would otherwise meet the limiter, not the outage.
	started := time.Now()
	base, logs, stop := startServe(t, env, "--store", "neo4j", "--rate-limit", "0")
	defer stop()

	t.Run("unreachable at start: said plainly, retried, coded errors", func(t *testing.T) {
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(logs.String(), "Neo4j is not reachable; retrying") {
			if time.Now().After(deadline) {
				t.Fatalf("no retry message in the log:\n%s", logs.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		if status, _ := get(t, base+"/readyz"); status != http.StatusServiceUnavailable {
			t.Errorf("readyz = %d while Neo4j is away", status)
		}
		p := ask(base)
		if p.ok || len(p.codes) == 0 || !strings.HasPrefix(p.codes[0], "UNAVAILABLE") {
			t.Errorf("request while Neo4j is away: %+v", p)
		}
		t.Logf("a request while Neo4j has never been up: %v in %s", p.codes, p.took.Round(time.Millisecond))
	})

	db.script("start")
	runSeed(t, env, "--prune")
	waitReady(t, base, 60*time.Second)
	if p := ask(base); !p.ok {
		t.Fatalf("no answer after Neo4j came up: %+v", p)
	}

	// Load: four clients in a loop, bounded in time, while Neo4j goes away
	// and comes back.
	var (
		mu      sync.Mutex
		results []probe
		stopped atomic.Bool
		wg      sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for end := time.Now().Add(3 * time.Minute); !stopped.Load() && time.Now().Before(end); {
				p := ask(base)
				mu.Lock()
				results = append(results, p)
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	snapshot := func() []probe { mu.Lock(); defer mu.Unlock(); return append([]probe(nil), results...) }
	time.Sleep(500 * time.Millisecond)
	db.script("stop")
	outageStart := len(snapshot())
	time.Sleep(5 * time.Second)
	during := snapshot()[outageStart:]
	db.script("start")
	recovered := false
	for end := time.Now().Add(90 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if p := ask(base); p.ok {
			recovered = true
			break
		}
	}
	stopped.Store(true)
	wg.Wait()

	if len(during) == 0 {
		t.Fatal("no request completed while Neo4j was away")
	}
	failed, slowest := 0, time.Duration(0)
	for _, p := range during {
		slowest = max(slowest, p.took)
		if p.took > 2*time.Second+3*time.Second {
			t.Errorf("a request took %s while Neo4j was away (timeout 2s)", p.took)
		}
		if !p.ok {
			failed++
			if len(p.codes) == 0 || !strings.HasPrefix(p.codes[0], "UNAVAILABLE") {
				t.Errorf("failed without the UNAVAILABLE code: %v", p.codes)
			}
			for _, c := range p.codes {
				if strings.Contains(strings.ToLower(c), "bolt") || strings.Contains(c, "connect") {
					t.Errorf("driver text reached the client: %s", c)
				}
			}
		}
	}
	if failed == 0 {
		t.Error("every request succeeded while Neo4j was stopped: the outage did not happen")
	}
	if !recovered {
		t.Fatal("answers did not come back after Neo4j restarted")
	}
	waitReady(t, base, 10*time.Second)
	t.Logf("%d requests during the outage, %d failed with UNAVAILABLE, the slowest in %s; recovered without restarting the API",
		len(during), failed, slowest.Round(time.Millisecond))
	checkOutageLog(t, logs.String(), time.Since(started))
}

// checkOutageLog holds the log of a server that rode out outages to the
// outage rule: the driver's cause is named, and each kind of cause (its
// text, numbers masked) is logged at most once per
// instrumented.DefaultOutageLogEvery (plus the first line) over the whole
// run, however many calls failed.
func checkOutageLog(t *testing.T, logs string, run time.Duration) {
	t.Helper()
	numbers := regexp.MustCompile(`[0-9]+`)
	perCause := map[string]int{}
	lines, failures, recoveries := 0, 0, 0
	for _, line := range strings.Split(logs, "\n") {
		var l struct {
			Msg        string `json:"msg"`
			Cause      string `json:"cause"`
			Suppressed int    `json:"suppressed"`
		}
		if json.Unmarshal([]byte(line), &l) != nil {
			continue
		}
		switch l.Msg {
		case "store unavailable":
			lines++
			failures += 1 + l.Suppressed
			perCause[numbers.ReplaceAllString(l.Cause, "#")]++
			if l.Cause == "" || strings.Contains(l.Cause, "neo4jstore:") {
				t.Errorf("an outage line without the driver's cause: %s", line)
			}
		case "store answers again":
			recoveries++
			failures += l.Suppressed
		case "graphql: store unavailable":
			t.Errorf("a line per failed field at the default level: %s", line)
		}
	}
	if lines == 0 || recoveries == 0 {
		t.Fatalf("no outage in the log (%d lines, %d recoveries):\n%s", lines, recoveries, logs)
	}
	most := int(run/instrumented.DefaultOutageLogEvery) + 1
	for cause, n := range perCause {
		if n > most {
			t.Errorf("%q logged %d times in %s, more than once per %s", cause, n, run.Round(time.Second), instrumented.DefaultOutageLogEvery)
		}
	}
	t.Logf("outage log: %d lines for %d failed store calls, %d kinds of cause, over %s", lines, failures, len(perCause), run.Round(time.Second))
	for cause, n := range perCause {
		t.Logf("  %d× %.160s", n, cause)
	}
}
