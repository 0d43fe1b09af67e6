// Package neo4jtest gives tests the Neo4j that scripts/test starts, one test
// at a time. Community Neo4j has one user database, and go test runs
// packages as parallel processes, so every test that loads data holds an
// exclusive lock on a file beside the database's port for its whole run:
// no other package's load can land in the middle of it.
//
// Without NEO4J_URI the tests fail rather than skip, so a run that forgot
// Neo4j cannot pass as green; ORGGRAPH_SKIP_NEO4J=1 opts out explicitly.
package neo4jtest

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/store/neo4jstore"
)

// Env returns the test Neo4j's settings, holding the lock until the test ends.
func Env(t testing.TB) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, k := range []string{"NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"} {
		env[k] = os.Getenv(k)
	}
	if env["NEO4J_URI"] == "" {
		if os.Getenv("ORGGRAPH_SKIP_NEO4J") == "1" {
			t.Skip("ORGGRAPH_SKIP_NEO4J=1")
		}
		t.Fatal("NEO4J_URI is not set: run the tests with `make test` (it starts Neo4j), or eval \"$(scripts/neo4j start)\"")
	}
	lock(t, env["NEO4J_URI"])
	return env
}

// Store connects to the test Neo4j and bootstraps its schema, holding the
// lock until the test ends.
func Store(t testing.TB) *neo4jstore.Store {
	t.Helper()
	_, st := EnvAndStore(t)
	return st
}

// EnvAndStore is Store for a test that also needs the settings, to hand
// them to another process: it takes the lock once (a second Env in the same
// test would wait for itself).
func EnvAndStore(t testing.TB) (map[string]string, *neo4jstore.Store) {
	t.Helper()
	env := Env(t)
	st := Another(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := st.Bootstrap(ctx); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	return env, st
}

// Another connects to the Neo4j of env (Env's settings) as a second
// instance of the server would, beside a store the test has bootstrapped;
// it closes when the test ends, after what the test started later.
func Another(t testing.TB, env map[string]string) *neo4jstore.Store {
	t.Helper()
	st, err := neo4jstore.New(neo4jstore.Config{
		URI: env["NEO4J_URI"], User: env["NEO4J_USER"], Password: env["NEO4J_PASSWORD"],
		Database: env["NEO4J_DATABASE"], QueryTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return st
}

// lock takes the database's file lock for the rest of the test; flock is
// released by the kernel if the process dies.
func lock(t testing.TB, uri string) {
	t.Helper()
	name := "orggraph-neo4j-test.lock"
	if u, err := url.Parse(uri); err == nil {
		name = "orggraph-neo4j-test-" + u.Port() + ".lock"
	}
	f, err := os.OpenFile(filepath.Join(os.TempDir(), name), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
