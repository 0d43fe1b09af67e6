package search_test

import (
	"fmt"
	"testing"

	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// BenchmarkRankSeed ranks the whole seed graph, as the memstore does, for
// queries typed exactly and for queries that need forgiving (no
// diacritics, typos), ten hits as the API's default; and a thousand times
// the seed (orggraph-load synth --scale 1000), where each of the seed's
// matches is matched a thousand times over. Compare runs with benchstat.
func BenchmarkRankSeed(b *testing.B) {
	for _, scale := range []int{1, 1000} {
		g := seedtest.Graph(b)
		if scale > 1 {
			var err error
			if g, err = synthseed.Graph("../../seed", b.TempDir(), scale); err != nil {
				b.Fatal(err)
			}
		}
		cs := make([]search.Candidate, len(g.Nodes))
		for i, n := range g.Nodes {
			cs[i] = search.Candidate{ID: n.ID, Order: n.Order, Text: search.TextOf(n)}
		}
		rank(b, fmt.Sprintf("%dx", scale), cs)
	}
}

func rank(b *testing.B, size string, cs []search.Candidate) {
	for _, q := range []string{
		"fleksjob", "ressourceforløb", "Center for Beskæftigelse", "CDØ", "job", // exact
		"flekslon", "ressourseforlob", "Center for Beskaftigelse", "CDO", "beskæftigelsesrefrom", // forgiven
	} {
		terms := search.Terms(q)
		b.Run(size+"/"+q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(search.Best(cs, terms, 10)) == 0 {
					b.Fatalf("no hits for %q", q)
				}
			}
		})
	}
}
