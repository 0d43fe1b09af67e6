// Package graphtest replays GraphQL golden files against any handler, so the
// same questions and answers hold for every store.
package graphtest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from the responses")

// expectErrors marks a query file whose golden response may hold errors;
// any other response with errors fails, so no golden can enshrine a failure.
const expectErrors = "# expect-errors"

// RunGolden POSTs every dir/*.graphql to h's /graphql as a subtest and
// compares the whole response, as indented JSON, with the .golden file
// beside it; go test -update rewrites the golden files instead. A
// .variables.json file beside a query is sent as its variables.
func RunGolden(t *testing.T, h http.Handler, dir string) {
	t.Helper()
	for _, q := range Queries(t, dir) {
		t.Run(q.Name, func(t *testing.T) {
			file, query, vars := q.File, q.Text, q.Variables
			got, errs := Post(t, h, query, vars)
			if errs && !strings.Contains(query, expectErrors) {
				t.Errorf("response has errors; mark the query %q if they are meant:\n%s", expectErrors, got)
			}
			golden := strings.TrimSuffix(file, ".graphql") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("response differs from %s (go test -update rewrites it):\n%s", golden, diff(want, got))
			}
		})
	}
}

// Query is a golden query: dir/Name.graphql, its text and the variables
// of the .variables.json file beside it, if there is one.
type Query struct {
	Name, File, Text string
	Variables        map[string]any
}

// Queries reads every dir/*.graphql, with its variables; a dir without any
// fails the test.
func Queries(t testing.TB, dir string) []Query {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *.graphql files in %s", dir)
	}
	out := make([]Query, 0, len(files))
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		vars, err := readVariables(strings.TrimSuffix(file, ".graphql") + ".variables.json")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Query{Name: strings.TrimSuffix(filepath.Base(file), ".graphql"), File: file, Text: string(text), Variables: vars})
	}
	return out
}

// Post sends one query to h's /graphql and returns the response body as
// indented JSON, and whether it holds errors.
func Post(t testing.TB, h http.Handler, query string, variables map[string]any) ([]byte, bool) {
	t.Helper()
	raw := PostRaw(t, h, context.Background(), query, variables)
	var probe struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, raw)
	}
	// Indent keeps the executor's field order, which follows the query.
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	return pretty.Bytes(), len(probe.Errors) > 0
}

// PostRaw sends one query to h's /graphql with ctx as the request's context
// and returns the response body as the server wrote it.
func PostRaw(t testing.TB, h http.Handler, ctx context.Context, query string, variables map[string]any) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	raw, err := io.ReadAll(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func readVariables(file string) (map[string]any, error) {
	raw, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var vars map[string]any
	if err := json.Unmarshal(raw, &vars); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return vars, nil
}

// diff shows the first lines where want and got part, with a little context.
func diff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	from := max(0, i-3)
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d:\n", i+1)
	for j := from; j < i; j++ {
		fmt.Fprintf(&b, "  %s\n", w[j])
	}
	for j := i; j < min(len(w), i+5); j++ {
		fmt.Fprintf(&b, "- %s\n", w[j])
	}
	for j := i; j < min(len(g), i+5); j++ {
		fmt.Fprintf(&b, "+ %s\n", g[j])
	}
	return b.String()
}
