package search_test

import (
	"testing"

	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/seed"
)

// BenchmarkRankSeed ranks the whole seed graph, as the memstore does, for
// queries typed exactly; BenchmarkRankSeedForgiving for queries that need
// forgiving (no diacritics, typos). Compare runs with benchstat.
func BenchmarkRankSeed(b *testing.B) {
	benchRank(b, []string{"fleksjob", "ressourceforløb", "Center for Beskæftigelse", "CDØ", "job"})
}

func BenchmarkRankSeedForgiving(b *testing.B) {
	benchRank(b, []string{"flekslon", "ressourseforlob", "Center for Beskaftigelse", "CDO", "beskæftigelsesrefrom"})
}

func benchRank(b *testing.B, queries []string) {
	g, err := seed.LoadDir("../../seed")
	if err != nil {
		b.Fatal(err)
	}
	cs := make([]search.Candidate, len(g.Nodes))
	for i, n := range g.Nodes {
		cs[i] = search.Candidate{ID: n.ID, Order: n.Order, Text: search.TextOf(n)}
	}
	terms := make([][]string, len(queries))
	for i, q := range queries {
		terms[i] = search.Terms(q)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, t := range terms {
			if len(search.Best(cs, t, 10)) == 0 {
				b.Fatalf("no hits for %q", t)
			}
		}
	}
}
