package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/servertest"
)

// serveWith runs `orggraph serve` with extra flags and returns its base URL
// and a function that stops it and waits for a graceful return.
func serveWith(t *testing.T, args ...string) (string, func()) {
	t.Helper()
	base, _, stop := startServe(t, nil, append([]string{"--seed-dir", "../../seed", "--rate-limit", "0"}, args...)...)
	return base, stop
}

func graphql(t *testing.T, base, token, query string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	status, b := servertest.Answer(t, resp, err)
	return status, string(b)
}

var mintedToken = regexp.MustCompile(`(?m)^  (og_[0-9a-f]+)\n.*\n  (planner \S+ sha256:[0-9a-f]+(?: expires=\S+)?)$`)

func TestPlannersWriteThroughTheBinary(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"orggraph", "token", "--role", "planner", "--subject", "anna"}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	m := mintedToken.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("token printed no token and line:\n%s", out.String())
	}
	token, line := m[1], m[2]
	dir := t.TempDir()
	tokensFile := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokensFile, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const create = `mutation { createNode(input: {id: "targetgroup:nye-unge", name: "Nye unge", sources: [{document: "plan.docx", section: "Udkast"}]}) { audit { actor } } }`

	base, stop := serveWith(t, "--data-dir", filepath.Join(dir, "data"), "--tokens-file", tokensFile)
	if _, body := graphql(t, base, "", create); !strings.Contains(body, `"UNAUTHENTICATED"`) {
		t.Fatalf("write without a token: %s", body)
	}
	if _, body := graphql(t, base, token, create); !strings.Contains(body, `"actor":"anna"`) {
		t.Fatalf("planner's write: %s", body)
	}
	stop()

	base, stop = serveWith(t, "--data-dir", filepath.Join(dir, "data"), "--tokens-file", tokensFile, "--read-auth", "token")
	defer stop()
	if status, body := graphql(t, base, "", `{ node(id: "targetgroup:nye-unge") { name } }`); status != http.StatusUnauthorized || !strings.Contains(body, "UNAUTHENTICATED") {
		t.Fatalf("a read without a token, reads gated: %d %s", status, body)
	}
	if _, body := graphql(t, base, token, `{ node(id: "targetgroup:nye-unge") { name version } }`); !strings.Contains(body, `"name":"Nye unge"`) {
		t.Fatalf("the write did not survive the restart: %s", body)
	}
}

func TestServeWithoutDataDirRefusesWrites(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"orggraph", "token", "--role", "planner", "--subject", "bo"}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	m := mintedToken.FindStringSubmatch(out.String())
	tokensFile := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(tokensFile, []byte(m[2]+"\n"), 0o600)
	base, stop := serveWith(t, "--tokens-file", tokensFile)
	defer stop()
	_, body := graphql(t, base, m[1], `mutation { deleteNode(id: "centre:cbe", expectedVersion: 1) { audit { seq } } }`)
	if !strings.Contains(body, `"WRITES_DISABLED"`) || !strings.Contains(body, "data folder") {
		t.Fatalf("%s", body)
	}
}
