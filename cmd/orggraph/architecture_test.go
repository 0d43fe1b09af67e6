package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestArchitecturePicture holds docs/ARCHITECTURE.md's picture of the
// packages to the code: it must be what scripts/architecture prints from
// `go list` now, so it cannot go stale. It lives here because cmd/orggraph
// is the one package that may know every other.
func TestArchitecturePicture(t *testing.T) {
	const (
		begin = "<!-- architecture: printed by scripts/architecture -->\n```mermaid\n"
		end   = "```\n<!-- architecture: end -->"
	)
	doc, err := os.ReadFile("../../docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), begin)
	shown, _, closed := strings.Cut(rest, end)
	if !ok || !closed {
		t.Fatalf("docs/ARCHITECTURE.md has no picture between %q and %q", begin, end)
	}
	out, err := exec.Command("../../scripts/architecture").Output()
	if err != nil {
		t.Fatalf("scripts/architecture: %v", err)
	}
	printed := string(out)
	if !strings.HasPrefix(printed, "graph TD\n") || !strings.Contains(printed, `p_cmd_orggraph --> p_graph`) {
		t.Fatalf("scripts/architecture printed no graph of the packages:\n%s", printed)
	}
	if shown != printed {
		t.Errorf("docs/ARCHITECTURE.md shows another picture than scripts/architecture prints; run scripts/architecture --update\n%s",
			lineDiff(shown, printed))
	}
}

// lineDiff names the lines only one of the pictures has.
func lineDiff(shown, printed string) string {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	inShown, inPrinted := count(shown), count(printed)
	var out strings.Builder
	for _, l := range strings.Split(shown, "\n") {
		if inShown[l] > inPrinted[l] {
			out.WriteString("only in the document: " + l + "\n")
			inShown[l]--
		}
	}
	inShown = count(shown)
	for _, l := range strings.Split(printed, "\n") {
		if inPrinted[l] > inShown[l] {
			out.WriteString("only printed: " + l + "\n")
			inPrinted[l]--
		}
	}
	if out.Len() == 0 {
		return "(the same lines, in another order)"
	}
	return out.String()
}

// TestImportArrowsPointOneWay holds the rules of docs/ARCHITECTURE.md's
// "What may import what" that no package's own test holds, with the
// dependencies `go list` reads, tests included where the rule says so.
func TestImportArrowsPointOneWay(t *testing.T) {
	const module = "github.com/bif-kk/orggraph/"
	deps := func(t *testing.T, withTests bool, pkgs ...string) []string {
		t.Helper()
		args := []string{"list", "-deps", "-f", "{{.ImportPath}}"}
		if withTests {
			args = append(args, "-test")
		}
		out, err := exec.Command("go", append(args, pkgs...)...).Output()
		if err != nil {
			t.Fatalf("go %s: %v", strings.Join(args, " "), err)
		}
		return strings.Fields(string(out))
	}
	// isGraph is graph or a package below it; a test variant is written
	// "pkg [pkg.test]".
	isGraph := func(p string) bool { return p == module+"graph" || strings.HasPrefix(p, module+"graph/") }
	tests := []struct {
		rule      string
		pkgs      []string
		withTests bool
		forbidden func(string) bool
	}{
		{"stores never import graph, tests included", []string{"../../internal/store/..."}, true, isGraph},
		{"graph does not import chi", []string{"../../graph/..."}, true, func(p string) bool { return strings.HasPrefix(p, "github.com/go-chi/chi") }},
		{"the domain imports nothing internal", []string{"../../internal/domain"}, false, func(p string) bool {
			return strings.HasPrefix(p, module) && p != module+"internal/domain"
		}},
		{"nothing imports cmd", []string{"../../graph/...", "../../internal/..."}, true, func(p string) bool { return strings.HasPrefix(p, module+"cmd/") }},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			for _, p := range deps(t, tt.withTests, tt.pkgs...) {
				if tt.forbidden(p) {
					t.Errorf("%s: %s is among the dependencies of %v", tt.rule, p, tt.pkgs)
				}
			}
		})
	}
}
