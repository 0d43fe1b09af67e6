package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// deepListing is the load mix's deep listing: every centre with its
// neighbourhood, an answer that grows with the graph (1.2 MB at 100×).
const deepListing = `{ centres { code targetGroups { name servedBy { code interventions { name } targetGroups { name receives { name } } } } } }`

// BenchmarkLargeAnswer answers the deep listing over the embedded store at
// 1× and 100× the seed, from the POSTed request to the written JSON, with
// the bytes written a second (MB/s) and the allocations per answer.
//
//	go test ./graph -run '^$' -bench LargeAnswer
func BenchmarkLargeAnswer(b *testing.B) {
	for _, scale := range []int{1, 100} {
		g, err := synthseed.Graph("../seed", b.TempDir(), scale)
		if err != nil {
			b.Fatal(err)
		}
		st, err := memstore.New(g)
		if err != nil {
			b.Fatal(err)
		}
		h := newHandler(b, st)
		first := graphtest.PostRaw(b, h, context.Background(), deepListing, nil)
		var probe struct {
			Data   struct{ Centres []json.RawMessage }
			Errors []json.RawMessage
		}
		if err := json.Unmarshal(first, &probe); err != nil || len(probe.Errors) > 0 || len(probe.Data.Centres) != 7*scale {
			b.Fatalf("%d×: %d centres, errors %s (%v)", scale, len(probe.Data.Centres), probe.Errors, err)
		}
		b.Run(fmt.Sprintf("%dx", scale), func(b *testing.B) {
			b.SetBytes(int64(len(first)))
			b.ReportAllocs()
			for b.Loop() {
				if body := graphtest.PostRaw(b, h, context.Background(), deepListing, nil); !bytes.Equal(body[:16], first[:16]) {
					b.Fatalf("answer begins %q", body[:16])
				}
			}
		})
	}
}
