package search_test

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// TestFoldASCIIShortcut holds Fold's shortcut for ASCII to the rule every
// other rune follows (lower-case, accents stripped, other runes one space):
// each rune alone, between letters and in runs, and every text of the seed.
func TestFoldASCIIShortcut(t *testing.T) {
	byRule := func(s string) string {
		var b strings.Builder
		space := true
		for _, r := range norm.NFC.String(s) {
			r = unicode.ToLower(r)
			switch {
			case r == 'ø' || r == 'æ' || r == 'å' || r == 'ö' || r == 'ä' || r == 'ü' || r == 'ß':
				b.WriteString(search.Fold(string(r)))
				space = false
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				for _, d := range norm.NFD.String(string(r)) {
					if !unicode.Is(unicode.Mn, d) {
						b.WriteRune(d)
					}
				}
				space = false
			case !space:
				b.WriteByte(' ')
				space = true
			}
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
