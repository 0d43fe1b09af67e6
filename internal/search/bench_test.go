package search_test

import (
	"testing"

	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// BenchmarkRankSeed ranks the whole seed graph, as the memstore does, for
// queries typed exactly and for queries that need forgiving (no
// diacritics, typos), ten hits as the API's default. Compare runs with
// benchstat.
func BenchmarkRankSeed(b *testing.B) {
	g := seedtest.Graph(b)
	cs := make([]search.Candidate, len(g.Nodes))
	for i, n := range g.Nodes {
		cs[i] = search.Candidate{ID: n.ID, Order: n.Order, Text: search.TextOf(n)}
	}
	for _, q := range []string{
		"fleksjob", "ressourceforløb", "Center for Beskæftigelse", "CDØ", "job", // exact
		"flekslon", "ressourseforlob", "Center for Beskaftigelse", "CDO", "beskæftigelsesrefrom", // forgiven
	} {
		terms := search.Terms(q)
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(search.Best(cs, terms, 10)) == 0 {
					b.Fatalf("no hits for %q", q)
				}
			}
		})
	}
}
