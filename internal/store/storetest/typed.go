package storetest

import (
	"bufio"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

// TypedQueriesFile is the set of queries as people type them, each with the
// node it means, relative to a store package's directory.
const TypedQueriesFile = "../../search/testdata/typed-queries.tsv"

// TypedQueries checks that every query in the file (query, node id, what it
// forgives; tab-separated, # for comments) finds its node among the first
// three hits of st, which holds seed/, and logs the score.
func TypedQueries(t *testing.T, st store.Store, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	total, top3, top1 := 0, 0, 0
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := lines.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("%q: want 3 tab-separated columns", line)
		}
		query, want := cols[0], domain.ID(cols[1])
		total++
		hits, err := st.Search(ctx, search.Terms(query), 3)
		if err != nil {
			t.Fatalf("%q: %v", query, err)
		}
		var got []domain.ID
		for i, h := range hits {
			got = append(got, h.Node.ID)
			if h.Node.ID == want {
				top3++
				if i == 0 {
					top1++
				} else {
					t.Logf("%q: %s is hit %d of %v", query, want, i+1, got)
				}
			}
		}
		if !slices.Contains(got, want) {
			t.Errorf("%q (%s): top 3 %v, want %s among them", query, cols[2], got, want)
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	if total < 40 {
		t.Fatalf("only %d queries in %s", total, path)
	}
	t.Logf("typed queries: %d/%d in the top 3, %d first", top3, total, top1)
}
