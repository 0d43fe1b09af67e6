package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/store/memstore"
)

func TestRunLoadAndSynth(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), []string{"orggraph-load", "synth", "--seed-dir", "../../seed", "--scale", "2", "--out", dir}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	g, err := seed.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpserver.NewServer(slog.New(slog.DiscardHandler), st, httpserver.Options{}))
	defer srv.Close()
	js := filepath.Join(dir, "report.json")
	out.Reset()
	err = run(context.Background(), []string{"orggraph-load", "--url", srv.URL + "/graphql", "--concurrency", "2",
		"--warmup", "100ms", "--duration", "500ms", "--weights", "deep=0", "--json", js, "--label", "memory 2×"}, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| **all** |") || !strings.HasPrefix(out.String(), "memory 2×: closed model") {
		t.Errorf("no table:\n%s", out.String())
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var r loadtest.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Kinds) != 4 || r.Overall.Requests == 0 || r.Overall.OK != r.Overall.Requests {
		t.Errorf("report: %+v", r)
	}
}
