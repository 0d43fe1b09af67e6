package httpserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// A POSTed listing's answer is written into a buffer that goes back to a
// pool once sent, for the next listing (graph's answer lease). No answer
// may show another's bytes: listings of three shapes and sizes at 10× the
// seed, each large enough to be handed over whole through the timeout,
// are asked at once by POST, beside the deep listing by GET, whose answer
// the server keeps; every answer must be the one it gave alone, and the
// kept one stay as it was.
func TestLentAnswerBuffersNeverShowAnotherAnswer(t *testing.T) {
	g, err := synthseed.Graph("../../seed", t.TempDir(), 10)
	if err != nil {
		t.Fatal(err)
	}
	h := quietServer(seedtest.Mem(t, g), Options{})
	queries := []string{
		loadtest.DeepListing,
		`{ targetGroups { name description servedBy { code name description } } }`,
		`{ interventions { name description } benefits { name description } units { name } }`,
	}
	post := func(q string) string {
		body, _ := json.Marshal(map[string]string{"query": q})
		rec := send(h, http.MethodPost, "/graphql", string(body), "Content-Type", "application/json")
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			t.Errorf("POST %.40s: %d %.300s", q, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	want := make([]string, len(queries))
	for i, q := range queries {
		if want[i] = post(q); len(want[i]) < 32<<10 {
			t.Fatalf("%.40s answers %d bytes: too small to be handed over whole", q, len(want[i]))
		}
	}
	kept := send(h, http.MethodGet, getQuery(loadtest.DeepListing), "").Body.String()
	if kept != want[0] {
		t.Fatalf("the GET answer differs from the POST one")
	}

	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			for i := range 20 {
				k := (w + i) % len(queries)
				if got := post(queries[k]); got != want[k] {
					t.Errorf("POST %.40s answered %d bytes unlike its own answer alone (%d)", queries[k], len(got), len(want[k]))
					return
				}
				if got := send(h, http.MethodGet, getQuery(loadtest.DeepListing), "").Body.String(); got != kept {
					t.Errorf("the kept answer changed")
					return
				}
			}
		})
	}
	wg.Wait()
}
