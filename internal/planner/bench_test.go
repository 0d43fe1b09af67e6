package planner_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bif-kk/orggraph/internal/planner"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// BenchmarkImpact works out the mix's impact question (the issue's own
// example: which centres the abolition of the resource course reaches, and
// by which paths) on the embedded store at 1×, 100× and 1000× the seed. Its
// answer is the same at every size, so its cost must not grow with the
// graph.
//
//	go test ./internal/planner -run '^$' -bench Impact
func BenchmarkImpact(b *testing.B) {
	for _, scale := range []int{1, 100, 1000} {
		g, err := synthseed.Graph("../../seed", b.TempDir(), scale)
		if err != nil {
			b.Fatal(err)
		}
		st := seedtest.Mem(b, g)
		b.Run(fmt.Sprintf("%dx", scale), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				imp, err := planner.ImpactOf(context.Background(), st, "reformchange:afskaffelse-af-ressourceforloeb")
				if err != nil {
					b.Fatal(err)
				}
				if len(imp.Centres) != 2 {
					b.Fatalf("%d centres, want 2", len(imp.Centres))
				}
			}
		})
	}
}
