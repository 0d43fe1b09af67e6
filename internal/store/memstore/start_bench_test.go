package memstore_test

import (
	"fmt"
	"testing"

	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// BenchmarkStart is the embedded store's start without a data folder, as
// `serve --store memory` makes it: the seed's YAML read and checked
// (seed.LoadDir), then the store indexed (memstore.New), at 10× and 100×
// the seed. At 1000× (scripts/benchmarks measures that one, until /readyz
// answers) one round takes seconds:
//
//	go test ./internal/store/memstore -run '^$' -bench Start -benchtime 3x
func BenchmarkStart(b *testing.B) {
	for _, scale := range []int{10, 100} {
		dir := b.TempDir()
		if err := synthseed.Write("../../../seed", dir, scale); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dx", scale), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, err := seed.LoadDir(dir)
				if err != nil {
					b.Fatal(err)
				}
				st, err := memstore.New(g)
				if err != nil {
					b.Fatal(err)
				}
				if len(g.Nodes) != 138*scale {
					b.Fatalf("%d nodes at %d×, want %d", len(g.Nodes), scale, 138*scale)
				}
				_ = st
			}
		})
	}
}
