package synthseed

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
)

func TestWriteTenfold(t *testing.T) {
	one := seedtest.Graph(t)
	dir := t.TempDir()
	if err := Write(seedtest.Dir(), dir, 10); err != nil {
		t.Fatal(err)
	}
	ten, err := seed.LoadDir(dir)
	if err != nil {
		t.Fatalf("the loader refuses the 10× seed: %v", err)
	}
	if got, want := len(ten.Nodes), 10*len(one.Nodes); got != want {
		t.Errorf("%d nodes, want %d", got, want)
	}
	// Ten copies of every link, plus one cross-municipality partner link each.
	if got, want := len(ten.Relationships), 10*len(one.Relationships)+10; got != want {
		t.Errorf("%d relationships, want %d", got, want)
	}

	// A copied reform item reaches the copied centres, and only those.
	st := seedtest.Mem(t, ten)
	h := servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{}, graph.Options{})
	body := `{"query":"{ impact(of: \"reformchange:afskaffelse-af-ressourceforloeb-m003\") { centres { centre { id } basis } } }"}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp struct {
		Data struct {
			Impact struct {
				Centres []struct {
					Centre struct{ ID string }
					Basis  string
				}
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 {
		t.Fatalf("impact: %v %s", err, rec.Body.String())
	}
	var got []string
	for _, c := range resp.Data.Impact.Centres {
		got = append(got, c.Centre.ID+" "+c.Basis)
	}
	want := []string{"centre:cba-m003 EXPLICIT", "centre:ydelsesservice-m003 INFERRED"}
	if !slices.Equal(got, want) {
		t.Errorf("impact of the copied item reaches %v, want %v", got, want)
	}
}
