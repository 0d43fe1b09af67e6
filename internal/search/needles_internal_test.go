package search

import (
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/seed"
)

// The Neo4j store fetches as candidates only the texts that hold a needle
// of every term: no text that scores may lack one, or that store would
// miss a hit the memstore finds. Checked over the seed's texts for every
// word of every name, typed exactly, without Danish letters and with
// typos at the start, middle and end.
func TestNeedlesKeepEveryHit(t *testing.T) {
	g, err := seed.LoadDir("../../seed")
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]Text, len(g.Nodes))
	words := map[string]bool{}
	for i, n := range g.Nodes {
		texts[i] = TextOf(n)
		for _, w := range strings.Fields(Fold(n.Name)) {
			words[w] = true
		}
	}
	var queries []string
	for w := range words {
		r := []rune(Loose(w))
		queries = append(queries, w, string(r))
		if len(r) < 5 {
			continue
		}
		m := len(r) / 2
		queries = append(queries,
			string(r[1:]),                   // first letter dropped
			string(r[:m])+string(r[m+1:]),   // middle letter dropped
			string(r[:m])+"x"+string(r[m:]), // a letter added
			"x"+string(r[1:]),               // first letter changed
			string(r[:len(r)-1])+"x",        // last letter changed
			string(r[:m-1])+string(r[m])+string(r[m-1])+string(r[m+1:]), // neighbours swapped
		)
		if len(r) >= 9 {
			queries = append(queries, "x"+string(r[1:m])+string(r[m+1:])) // two edits
		}
	}
	checked, hits := 0, 0
	for _, q := range queries {
		terms := compile(Terms(q))
		for _, txt := range texts {
			var loose *Text
			s, _ := score(txt, &loose, terms, TwoTypos)
			checked++
			if s == 0 {
				continue
			}
			hits++
			if !mayMatch(txt, terms) {
				t.Fatalf("%q scores %v on %q but holds none of its needles %q", q, s, txt.Name, Needles(Terms(q)))
			}
		}
	}
	if hits < len(queries) {
		t.Fatalf("only %d hits in %d pairs", hits, checked)
	}
	t.Logf("%d queries, %d hits in %d pairs, every one holding a needle of each term", len(queries), hits, checked)
}
