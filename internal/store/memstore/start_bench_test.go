package memstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// BenchmarkStart is the embedded store's start at 10× and 100× the seed:
// the seed's YAML read and checked (seed.LoadDir), then the store made.
// Without a data folder (none), as `serve --store memory` starts, the store
// is indexed (memstore.New). With one (memstore.Open), the first start
// (empty) journals the seed's creations through a re-seed, one write each,
// and a later one (journalled) replays that journal and re-seeds, finding
// nothing to change. At 1000× (scripts/benchmarks measures that one, until
// /readyz answers) one round takes seconds:
//
//	go test ./internal/store/memstore -run '^$' -bench Start -benchtime 3x
func BenchmarkStart(b *testing.B) {
	for _, scale := range []int{10, 100} {
		dir := b.TempDir()
		if err := synthseed.Write("../../../seed", dir, scale); err != nil {
			b.Fatal(err)
		}
		for _, folder := range []string{"none", "empty", "journalled"} {
			b.Run(fmt.Sprintf("%dx/%s", scale, folder), func(b *testing.B) {
				b.ReportAllocs()
				journalled := b.TempDir()
				if folder == "journalled" {
					if err := start(dir, journalled, scale, true); err != nil { // the first start, untimed
						b.Fatal(err)
					}
				}
				for b.Loop() {
					data := ""
					switch folder {
					case "empty":
						b.StopTimer()
						data = b.TempDir()
						b.StartTimer()
					case "journalled":
						data = journalled
					}
					if err := start(dir, data, scale, folder == "empty"); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// start reads the seed in dir and opens a store of it over the data folder
// data ("" for none), checks that it holds every centre and that its
// re-seed wrote every node and relationship (first) or none, and closes it.
func start(dir, data string, scale int, first bool) error {
	g, err := seed.LoadDir(dir)
	if err != nil {
		return err
	}
	st, err := memstore.Open(g, data)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	want := 0
	if first {
		want = len(g.Nodes) + len(g.Relationships)
	}
	if n := len(st.Report().Changed); n != want {
		return fmt.Errorf("the start at %d× wrote %d, want %d", scale, n, want)
	}
	ns, err := st.NodesByKind(context.Background(), domain.KindCentre)
	if err != nil {
		return err
	}
	if len(g.Nodes) != 138*scale || len(ns) != 7*scale {
		return fmt.Errorf("%d nodes and %d centres at %d×, want %d and %d", len(g.Nodes), len(ns), scale, 138*scale, 7*scale)
	}
	return nil
}
