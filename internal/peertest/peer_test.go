// Package peertest checks that the peer in tools/peer, the Neo4j GraphQL
// Library over orggraph's Neo4j, answers the load-test mix with the same
// facts as orggraph does over the same database, so that comparing their
// speed compares answers to the same questions.
//
// It needs the test Neo4j (NEO4J_URI, see internal/neo4jtest), Node.js and
// the peer's packages (npm ci in tools/peer); `make test` provides all three.
// Without Node.js or the packages it fails rather than skips, unless
// ORGGRAPH_SKIP_PEER=1 says to.
package peertest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/nodetest"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/servertest"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

const peerDir = "../../tools/peer"

func TestPeerAnswersTheMixAlike(t *testing.T) {
	node := nodetest.Node(t, "ORGGRAPH_SKIP_PEER", peerDir, "run `npm ci` in tools/peer", "@neo4j/graphql")
	peerMix, err := loadtest.ReadMix(filepath.Join(peerDir, "mix.json"))
	if err != nil {
		t.Fatal(err)
	}
	env, st := neo4jtest.EnvAndStore(t)
	orggraph := httptest.NewServer(servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{}, graph.Options{}))
	defer orggraph.Close()
	peer := startPeer(t, node, env)

	// The real seed, and ten municipalities' worth of it, where every list
	// the deep query walks and every search is ten times as long.
	for _, scale := range []int{1, 10} {
		dir := t.TempDir()
		if err := synthseed.Write("../../seed", dir, scale); err != nil {
			t.Fatal(err)
		}
		g, err := seed.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		err = st.Load(ctx, g)
		cancel()
		if err != nil {
			t.Fatalf("seeding %d×: %v", scale, err)
		}
		a := loadtest.Side{Name: "orggraph", URL: orggraph.URL + "/graphql", Mix: loadtest.DefaultMix()}
		b := loadtest.Side{Name: "peer", URL: peer + "/graphql", Mix: peerMix}
		if err := loadtest.CheckAlike(context.Background(), a, b); err != nil {
			t.Errorf("at %d×: %v", scale, err)
		}
	}
}

// startPeer runs the peer on a free port over the test Neo4j and returns its
// base URL; it is stopped when the test ends.
func startPeer(t *testing.T, node string, env map[string]string) string {
	t.Helper()
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = peerDir
	cmd.Env = append(os.Environ(), "PEER_PORT=0", "PEER_ADDR=127.0.0.1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("the peer did not stop cleanly: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("the peer did not stop within 10 s of SIGTERM")
		}
	})
	// The peer runs a worker per core, as the benchmark says it does; on one
	// core it runs as a single process and names no workers.
	wantWorkers := ""
	if runtime.NumCPU() > 1 {
		wantWorkers = fmt.Sprintf("peer: %d workers", runtime.NumCPU())
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		workers := ""
		for sc.Scan() {
			if strings.HasSuffix(sc.Text(), " workers") {
				workers = sc.Text()
			}
			if url, ok := strings.CutPrefix(sc.Text(), "peer: listening on "); ok {
				if workers != wantWorkers {
					t.Errorf("the peer said %q before it listened, want %q", workers, wantWorkers)
				}
				ready <- strings.TrimSuffix(url, "/graphql")
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case url := <-ready:
		return url
	case <-time.After(60 * time.Second):
		t.Fatalf("the peer did not start within 60 s:\n%s", stderr.String())
	}
	return ""
}
