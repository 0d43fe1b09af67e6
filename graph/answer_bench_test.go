package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// BenchmarkLargeAnswer answers the deep listing over the embedded store at
// 1×, 100× and 1000× the seed, from the POSTed request to the written JSON,
// with the bytes written a second (MB/s) and the allocations per answer: as
// the endpoint answers it (the direct path, direct.go), and, up to 100×,
// through gqlgen's executor alone (Options.GQLGenOnly), the cost of leaving
// the direct path out. At 1000× the price limit is raised to the listing's
// price, as serve --max-price does (scripts/benchmarks).
//
//	go test ./graph -run '^$' -bench LargeAnswer
func BenchmarkLargeAnswer(b *testing.B) {
	quiet := slog.New(slog.DiscardHandler)
	for _, scale := range []int{1, 100, 1000} {
		g, err := synthseed.Graph("../seed", b.TempDir(), scale)
		if err != nil {
			b.Fatal(err)
		}
		st := seedtest.Mem(b, g)
		ways := []struct {
			name string
			opts graph.Options
		}{{"direct", graph.Options{}}, {"gqlgen", graph.Options{GQLGenOnly: true}}}
		if scale == 1000 {
			raised := querylimit.Limits{MaxComplexity: 2_954_000}
			ways = ways[:1]
			ways[0].opts = graph.Options{Limits: raised, MaxAnswerValues: raised.MaxComplexity, MaxAnswerBytes: 64 << 20}
		}
		for _, way := range ways {
			h := graph.NewHandler(quiet, st, way.opts)
			first := graphtest.PostRaw(b, h, context.Background(), loadtest.DeepListing, nil)
			var probe struct {
				Data   struct{ Centres []json.RawMessage }
				Errors []json.RawMessage
			}
			if err := json.Unmarshal(first, &probe); err != nil || len(probe.Errors) > 0 || len(probe.Data.Centres) != 7*scale {
				b.Fatalf("%d×, %s: %d centres, errors %s (%v)", scale, way.name, len(probe.Data.Centres), probe.Errors, err)
			}
			b.Run(fmt.Sprintf("%dx/%s", scale, way.name), func(b *testing.B) {
				b.SetBytes(int64(len(first)))
				b.ReportAllocs()
				for b.Loop() {
					if body := graphtest.PostRaw(b, h, context.Background(), loadtest.DeepListing, nil); !bytes.Equal(body[:16], first[:16]) {
						b.Fatalf("answer begins %q", body[:16])
					}
				}
			})
		}
	}
}
