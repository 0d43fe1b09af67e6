package graph_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/bif-kk/orggraph/graph/graphtest"
)

// readmeExample is a marked query in README.md followed by its printed response.
var readmeExample = regexp.MustCompile("(?s)<!-- example: replayed by TestREADMEExamples -->\n```graphql\n(.*?)\n```.*?```json\n(.*?)\n```")

// TestREADMEExamples replays every example query in README.md against the
// embedded store, so the answers the README shows are the real ones.
func TestREADMEExamples(t *testing.T) {
	// One per DOMAIN.md question (6) and per planners' question (4).
	examples := readmeBlocks(t, readmeExample, 10, "examples")
	h := newHandler(t, seededStore(t))
	for i, ex := range examples {
		got, hasErrors := graphtest.Post(t, h, string(ex[1]), nil)
		if hasErrors {
			t.Errorf("example %d answers with errors:\n%s", i+1, got)
			continue
		}
		checkShown(t, fmt.Sprintf("example %d", i+1), ex[2], got)
	}
}

// readmeOperations is every GraphQL block in README.md.
var readmeOperations = regexp.MustCompile("(?s)```graphql\n(.*?)\n```")

// TestREADMEOperationsAreNamed: code generators (GraphQL Code Generator,
// relay-compiler) take the README's examples as they are only when each is
// a named operation, and no two share a name. tools/clients/codegen.mjs runs
// GraphQL Code Generator over them (TestClientTools, internal/clientstest).
func TestREADMEOperationsAreNamed(t *testing.T) {
	blocks := readmeBlocks(t, readmeOperations, 10, "GraphQL blocks")
	named := map[string]int{}
	for i, b := range blocks {
		doc, err := parser.ParseQuery(&ast.Source{Input: string(b[1])})
		if err != nil {
			t.Errorf("block %d does not parse: %v", i+1, err)
			continue
		}
		for _, op := range doc.Operations {
			if op.Name == "" {
				t.Errorf("block %d holds an anonymous %s: name it", i+1, op.Operation)
				continue
			}
			if j, dup := named[op.Name]; dup {
				t.Errorf("blocks %d and %d both name an operation %s", j, i+1, op.Name)
			}
			named[op.Name] = i + 1
		}
	}
}

// The README stands on a clone alone: every file it links to is in the
// repository, it points at nothing beside it (../), and the document every
// fact cites (seed/00-sources.yaml) is kept in docs/source/.
func TestREADMELinksResolveInTheRepository(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(readme), "../") {
		t.Error("README.md points outside the repository (../)")
	}
	links := regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`).FindAllStringSubmatch(string(readme), -1)
	checked := 0
	for _, l := range links {
		target := l[1]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
			continue
		}
		checked++
		if _, err := os.Stat(filepath.Join("..", target)); err != nil {
			t.Errorf("README.md links to %s, which is not in the repository", target)
		}
	}
	if checked == 0 {
		t.Fatal("found no links in README.md to check")
	}
	sources, err := os.ReadFile("../seed/00-sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := regexp.MustCompile(`(?m)^document: (\S+)`).FindSubmatch(sources)
	if doc == nil {
		t.Fatal("seed/00-sources.yaml names no document")
	}
	if _, err := os.Stat(filepath.Join("../docs/source", string(doc[1]))); err != nil {
		t.Errorf("the source document %s is not kept in docs/source/: %v", doc[1], err)
	}
}

// readmeScenarioStep is one step of README.md's scenario walk-through: a
// document, sent as the planner or admin it names, and its printed response.
var readmeScenarioStep = regexp.MustCompile("(?s)<!-- scenario step as (\\w+): replayed by TestREADMEScenarioExample -->\n```graphql\n(.*?)\n```.*?```json\n(.*?)\n```")

// TestREADMEScenarioExample replays README.md's scenario walk-through, step
// by step and in order, against a fresh writable embedded store, so each
// answer it shows is the real one.
func TestREADMEScenarioExample(t *testing.T) {
	steps := readmeBlocks(t, readmeScenarioStep, 3, "steps in the scenario walk-through")
	h, tok := writable(t, t.TempDir())
	for i, step := range steps {
		r := post(t, h, tok[string(step[1])], string(step[2]))
		got, _ := json.MarshalIndent(struct {
			Data   map[string]json.RawMessage `json:"data"`
			Errors any                        `json:"errors,omitempty"`
		}{r.Data, nil}, "", "  ")
		if len(r.Errors) > 0 {
			t.Fatalf("step %d answers with errors: %+v", i+1, r.Errors)
		}
		checkShown(t, fmt.Sprintf("step %d", i+1), step[3], got)
	}
}

// readmeBlocks is every match of re in README.md, with its groups; fewer
// than atLeast, the blocks named what, fail the test: a pattern that no
// longer matches the README would otherwise check nothing.
func readmeBlocks(t *testing.T, re *regexp.Regexp, atLeast int, what string) [][][]byte {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	found := re.FindAllSubmatch(readme, -1)
	if len(found) < atLeast {
		t.Fatalf("README.md has %d %s, want at least %d", len(found), what, atLeast)
	}
	return found
}

// checkShown fails t unless the answer got is, as JSON, the response the
// README shows for its block named what.
func checkShown(t *testing.T, what string, shown, got []byte) {
	t.Helper()
	var want, have any
	if err := json.Unmarshal(shown, &want); err != nil {
		t.Fatalf("%s: the README's response is not JSON: %v", what, err)
	}
	if err := json.Unmarshal(got, &have); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, have) {
		t.Errorf("%s: README shows another answer than the API gives; got\n%s", what, got)
	}
}
