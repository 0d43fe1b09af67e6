package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/servertest"
)

func noEnv(string) string { return "" }

// freeAddr finds a port nothing listens on; the gap before run binds it is
// too short to matter on a test machine.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// waitHealthy polls /healthz until it answers 200 or the deadline passes.
func waitHealthy(t *testing.T, base string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("run returned before serving: %v", err)
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server did not become healthy")
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	status, b := servertest.Answer(t, resp, err)
	return status, string(b)
}

func TestServeEndToEnd(t *testing.T) {
	base, stderr, stop := startServe(t, nil, "--seed-dir", "../../seed")
	addr := strings.TrimPrefix(base, "http://")

	t.Run("ready", func(t *testing.T) {
		if status, body := get(t, base+"/readyz"); status != http.StatusOK {
			t.Errorf("readyz = %d %s", status, body)
		}
	})
	t.Run("POST a query", func(t *testing.T) {
		resp, err := http.Post(base+"/graphql", "application/json",
			strings.NewReader(`{"query":"{ centre(code: \"cbe\") { code employees } }"}`))
		status, b := servertest.Answer(t, resp, err)
		if status != http.StatusOK || !strings.Contains(string(b), `"code":"CBE"`) {
			t.Errorf("POST = %d %s", status, b)
		}
	})
	t.Run("GET a query", func(t *testing.T) {
		status, body := get(t, base+"/graphql?query="+url.QueryEscape(`{ centres { code } }`))
		if status != http.StatusOK || !strings.Contains(body, `"code":"CDØ"`) {
			t.Errorf("GET = %d %s", status, body)
		}
	})
	t.Run("playground", func(t *testing.T) {
		status, body := get(t, base+"/")
		if status != http.StatusOK || !strings.Contains(body, "<html") || !strings.Contains(body, "/graphql") {
			t.Errorf("playground = %d %.200s", status, body)
		}
	})

	stop()
	logs := stderr.String()
	for _, want := range []string{`"msg":"orggraph listening"`, `"addr":"` + addr + `"`, `"msg":"request"`, `"msg":"orggraph shutting down"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

// serve's --max-price and --max-answer-values reach the GraphQL endpoint:
// a listing of every centre's target groups is refused before it runs
// under a low price, and stopped while it runs under a low ceiling, each
// with its code and the bound it passed; a price set above it lets it in.
func TestServeLimitFlags(t *testing.T) {
	const listing = `{"query":"{ centres { code targetGroups { name } } }"}`
	for _, tt := range []struct {
		name  string
		flags []string
		want  []string
	}{
		{"a low price", []string{"--max-price", "20"}, []string{`"code":"COMPLEXITY_LIMIT_EXCEEDED"`, `"limit":20,`}},
		{"a low ceiling", []string{"--max-answer-values", "20"}, []string{`"code":"ANSWER_LIMIT_EXCEEDED"`, `"values":20`, `"data":null`}},
		{"a price above the listing's", []string{"--max-price", "100000", "--max-answer-values", "0"}, []string{`"data":{"centres":[{"code":"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base, _, stop := startServe(t, nil, append([]string{"--seed-dir", "../../seed", "--rate-limit", "0"}, tt.flags...)...)
			defer stop()
			resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(listing))
			_, b := servertest.Answer(t, resp, err)
			for _, want := range tt.want {
				if !strings.Contains(string(b), want) {
					t.Errorf("the answer lacks %s: %.400s", want, b)
				}
			}
		})
	}
}

func TestServeRefusesBadSeed(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"00-sources.yaml": "document: doc.txt\nsections:\n  - key: cbe\n    section: CBE\n",
		"20-centres.yaml": "nodes:\n  - id: centre:cbe\n    name: CBE\n    code: CBE\n    sources: [cbe]\n  - id: centre:cba\n    name: CBA\n    code: CBA\n    sources: [nowhere]\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := run(context.Background(), []string{"orggraph", "serve", "--addr", freeAddr(t), "--seed-dir", dir}, noEnv, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("run accepted bad seed data")
	}
	for _, want := range []string{"20-centres.yaml:9", "nowhere"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestCommandLine(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	tests := []struct {
		name       string
		args       []string
		getenv     func(string) string
		wantErr    string // substring; "" for success
		wantStdout string
		wantStderr string
	}{
		{"no command", []string{"orggraph"}, noEnv, "unknown or missing command", "", "Usage: orggraph"},
		{"unknown command", []string{"orggraph", "launch"}, noEnv, `"launch"`, "", "Usage: orggraph"},
		{"help", []string{"orggraph", "help"}, noEnv, "", "Usage: orggraph", ""},
		{"serve help", []string{"orggraph", "serve", "-h"}, noEnv, "", "", "-seed-dir"},
		{"unknown flag", []string{"orggraph", "serve", "--port", "1"}, noEnv, "flag provided but not defined", "", ""},
		{"stray argument", []string{"orggraph", "serve", "now"}, noEnv, "unexpected arguments", "", ""},
		{"neo4j bad timeout", []string{"orggraph", "serve", "--store", "neo4j", "--neo4j-timeout", "soon"}, noEnv, "--neo4j-timeout", "", ""},
		{"store from env", []string{"orggraph", "serve"}, env(map[string]string{"ORGGRAPH_STORE": "neo4j", "ORGGRAPH_NEO4J_TIMEOUT": "-1s"}), "--neo4j-timeout", "", ""},
		{"seed help", []string{"orggraph", "seed", "-h"}, noEnv, "", "", "-prune"},
		{"seed refuses bad seed dir before touching Neo4j", []string{"orggraph", "seed", "--seed-dir", "/nonexistent"}, noEnv, "nothing was written", "", ""},
		{"seed stray argument", []string{"orggraph", "seed", "now"}, noEnv, "unexpected arguments", "", ""},
		{"unknown store", []string{"orggraph", "serve", "--store", "sqlite"}, noEnv, `unknown store "sqlite"`, "", ""},
		{"seed dir from env", []string{"orggraph", "serve"}, env(map[string]string{"ORGGRAPH_SEED_DIR": "/nonexistent"}), "/nonexistent", "", ""},
		{"serve refuses a price of 0", []string{"orggraph", "serve", "--max-price", "0"}, noEnv, "serve: --max-price 0 is not at least 1", "", ""},
		{"serve refuses a bad price from env", []string{"orggraph", "serve"}, env(map[string]string{"ORGGRAPH_MAX_PRICE": "half a million"}), `ORGGRAPH_MAX_PRICE="half a million" is not a whole number`, "", ""},
		{"serve refuses an answer ceiling of 0 MB", []string{"orggraph", "serve", "--max-answer-mb", "0"}, noEnv, "--max-answer-mb 0 is not from 1 to 4096", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, tt.getenv, &stdout, &stderr)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
		})
	}
}
