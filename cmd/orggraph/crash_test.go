package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/observe/observetest"
)

// The embedded store's writes on real processes: the orggraph binary built
// and run on 127.0.0.1, killed as a crash kills it.

// buildBinary builds cmd/orggraph into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "orggraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// plannerTokens mints a planner's token and returns it with a tokens file
// that holds it.
func plannerTokens(t *testing.T, subject string) (token, file string) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"orggraph", "token", "--role", "planner", "--subject", subject}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	m := mintedToken.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("token printed no token and line:\n%s", out.String())
	}
	file = filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte(m[2]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return m[1], file
}

// server is one orggraph process.
type server struct {
	cmd    *exec.Cmd
	base   string
	stderr *observetest.Logs
	exited chan error
}

// startServer runs `orggraph serve` on dataDir and waits until it is healthy.
func startServer(t *testing.T, bin, dataDir, tokensFile string) *server {
	t.Helper()
	s := &server{stderr: &observetest.Logs{}, exited: make(chan error, 1)}
	addr := freeAddr(t)
	s.base = "http://" + addr
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--seed-dir", "../../seed", "--rate-limit", "0",
		"--data-dir", dataDir, "--tokens-file", tokensFile)
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.exited:
			t.Fatalf("the server stopped before serving: %v\n%s", err, s.stderr.String())
		default:
		}
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.cmd.Process.Kill()
	t.Fatalf("the server was not healthy within 15 s:\n%s", s.stderr.String())
	return nil
}

// kill ends the server as a crash does, with SIGKILL, and waits for it.
func (s *server) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.exited
}

// stop ends the server with SIGTERM and wants a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			t.Errorf("the server's exit: %v\n%s", err, s.stderr.String())
		}
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		t.Error("the server did not stop within 15 s")
	}
}

// ackedWrite is a write the server answered as saved, as it answered it.
type ackedWrite struct {
	Seq     int64  `json:"seq"`
	Op      string `json:"operation"`
	Target  string `json:"target"`
	Version int64  `json:"version"`
	desc    string // the description the write set, for an update
}

var writeClient = &http.Client{Timeout: 5 * time.Second}

// post sends one GraphQL document and decodes its answer's data into out.
// An error is a write not acknowledged: no answer, or an answer with errors.
func post(base, token, query string, out any) error {
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := writeClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("%d %s: %w", resp.StatusCode, raw, err)
	}
	if len(answer.Errors) > 0 || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%d %s", resp.StatusCode, raw)
	}
	return json.Unmarshal(answer.Data, out)
}

// writeUntilRefused creates nodes and updates each once, from the number
// next on, until the server stops answering; it returns what was
// acknowledged and the next number free.
func writeUntilRefused(base, token string, next int) ([]ackedWrite, int) {
	var acked []ackedWrite
	for ; ; next++ {
		id := fmt.Sprintf("targetgroup:crash-%d", next)
		var created struct {
			W struct{ Audit ackedWrite } `json:"createNode"`
		}
		create := fmt.Sprintf(`mutation { createNode(input: {id: %q, name: "Krak %d", sources: [{document: "crash.txt", section: "%d"}]}) { audit { seq operation target version } } }`, id, next, next)
		if err := post(base, token, create, &created); err != nil {
			return acked, next + 1
		}
		acked = append(acked, created.W.Audit)
		var updated struct {
			W struct{ Audit ackedWrite } `json:"updateNode"`
		}
		desc := fmt.Sprintf("skrevet som nummer %d", next)
		update := fmt.Sprintf(`mutation { updateNode(id: %q, expectedVersion: 1, input: {description: %q}) { audit { seq operation target version } } }`, id, desc)
		if err := post(base, token, update, &updated); err != nil {
			return acked, next + 1
		}
		updated.W.Audit.desc = desc
		acked = append(acked, updated.W.Audit)
	}
}

// TestAcknowledgedWritesSurviveKill9 kills the server 20 times at random
// moments of a write loop and starts it again each time; at the end every
// acknowledged write is there, in the nodes and in the audit trail.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	bin := buildBinary(t)
	token, tokensFile := plannerTokens(t, "krak")
	dataDir := filepath.Join(t.TempDir(), "data")

	const kills = 20
	var acked []ackedWrite
	next, torn := 0, 0
	for range kills {
		s := startServer(t, bin, dataDir, tokensFile)
		for line := range strings.Lines(s.stderr.String()) {
			if strings.Contains(line, "last write was torn") {
				torn++ // what a kill mid-append may leave; the store started all the same
				t.Logf("a start cut a torn write: %s", line)
			}
		}
		var wg sync.WaitGroup
		var got []ackedWrite
		wg.Go(func() { got, next = writeUntilRefused(s.base, token, next) })
		time.Sleep(time.Duration(20+rand.IntN(400)) * time.Millisecond)
		s.kill(t)
		wg.Wait()
		acked = append(acked, got...)
	}
	t.Logf("%d kills, %d writes acknowledged, %d starts cut a torn last write", kills, len(acked), torn)
	if len(acked) < kills {
		t.Fatalf("only %d writes acknowledged in %d rounds: the loop did not write", len(acked), kills)
	}

	s := startServer(t, bin, dataDir, tokensFile)
	defer s.stop(t)
	byTarget := map[string][]ackedWrite{}
	for _, w := range acked {
		byTarget[w.Target] = append(byTarget[w.Target], w)
	}
	seqs := map[int64]string{}
	for target, ws := range byTarget {
		var got struct {
			Node *struct {
				Version     int64   `json:"version"`
				Description *string `json:"description"`
			} `json:"node"`
			Audit []ackedWrite `json:"audit"`
		}
		q := fmt.Sprintf(`{ node(id: %q) { version description } audit(target: %q) { seq operation target version } }`, target, target)
		if err := post(s.base, token, q, &got); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		last := ws[len(ws)-1]
		if got.Node == nil || got.Node.Version < last.Version {
			t.Errorf("%s: acknowledged at version %d, now %+v", target, last.Version, got.Node)
			continue
		}
		if last.desc != "" && (got.Node.Description == nil || *got.Node.Description != last.desc) {
			t.Errorf("%s: acknowledged description %q, now %v", target, last.desc, got.Node.Description)
		}
		for _, w := range ws {
			found := false
			for _, e := range got.Audit {
				found = found || (e.Seq == w.Seq && e.Op == w.Op && e.Target == w.Target && e.Version == w.Version)
			}
			if !found {
				t.Errorf("%s: acknowledged audit entry %+v is not in the trail %+v", target, w, got.Audit)
			}
			if other, dup := seqs[w.Seq]; dup {
				t.Errorf("audit seq %d acknowledged for %s and for %s", w.Seq, other, w.Target)
			}
			seqs[w.Seq] = w.Target
		}
	}
}

// TestASecondServerOnTheDataFolderExits: the folder is locked while served.
func TestASecondServerOnTheDataFolderExits(t *testing.T) {
	bin := buildBinary(t)
	_, tokensFile := plannerTokens(t, "to")
	dataDir := filepath.Join(t.TempDir(), "data")
	first := startServer(t, bin, dataDir, tokensFile)
	defer first.stop(t)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, bin, "serve", "--addr", freeAddr(t), "--seed-dir", "../../seed", "--data-dir", dataDir, "--tokens-file", tokensFile)
	out, err := second.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatal("the second server did not exit: it is serving the same folder")
	}
	if code := second.ProcessState.ExitCode(); err == nil || code != 1 {
		t.Fatalf("the second server's exit: %v (code %d)\n%s", err, code, out)
	}
	lock := filepath.Join(dataDir, "orggraph.lock")
	if msg := string(out); !strings.Contains(msg, "in use by another orggraph server") || !strings.Contains(msg, lock) || strings.Contains(msg, "goroutine") {
		t.Fatalf("the second server's message does not name the lock %s:\n%s", lock, out)
	}
}
