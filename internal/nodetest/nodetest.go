// Package nodetest finds Node.js and a JavaScript tool's npm packages for
// the tests that run such a tool against orggraph (tools/graphql-http,
// tools/peer, tools/relay, tools/clients). A missing tool fails the test,
// so that a machine without Node.js cannot pass as green; an environment
// variable opts out explicitly, as ORGGRAPH_SKIP_NEO4J does for Neo4j.
package nodetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Node returns the path of node for a test of the tool in dir: it skips
// the test where the environment sets skip to "1", and fails it where node
// or one of pkgs (the tool's npm packages, under dir/node_modules) is
// missing; install says how to install them (make test does).
func Node(t testing.TB, skip, dir, install string, pkgs ...string) string {
	t.Helper()
	if os.Getenv(skip) == "1" {
		t.Skip(skip + "=1")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: run the tests with `make test`, which installs it")
	}
	for _, pkg := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
			t.Fatalf("%s is missing from %s: %s (make test does)", pkg, dir, install)
		}
	}
	return node
}
