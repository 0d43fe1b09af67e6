package search_test

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// TestFoldASCIIShortcut holds Fold's shortcut for ASCII to the rule every
// other rune follows (foldRune: lower-case, accents stripped, other runes
// one space), applied to every rune:
// each rune alone, between letters and in runs, and every text of the seed.
func TestFoldASCIIShortcut(t *testing.T) {
	byRule := func(s string) string {
		var b strings.Builder
		space := true
		for _, r := range norm.NFC.String(s) {
			space = search.FoldRune(&b, r, space)
		}
		return strings.TrimRight(b.String(), " ")
	}
	var texts []string
	for r := rune(0); r < 0x300; r++ {
		texts = append(texts, string(r), "a"+string(r)+"b", string(r)+string(r)+"Z9"+string(r))
	}
	for _, n := range seedtest.Graph(t).Nodes {
		texts = append(texts, n.Name, n.Description, n.Code, n.FullName)
	}
	for _, s := range texts {
		if got, want := search.Fold(s), byRule(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}
