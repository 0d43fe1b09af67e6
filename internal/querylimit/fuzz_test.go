package querylimit_test

import (
	"testing"

	"github.com/bif-kk/orggraph/internal/querylimit"
)

// FuzzCheck feeds the checker arbitrary documents: it must never panic,
// and whatever it refuses it refuses with one of its codes.
//
//	go test ./internal/querylimit -run '^$' -fuzz FuzzCheck -fuzztime 60s
func FuzzCheck(f *testing.F) {
	for _, doc := range adversarial() {
		if len(doc) < 4096 {
			f.Add(doc)
		}
	}
	for _, seed := range []string{
		`{ centres { code } }`,
		`query($n: Int) { search(text: "x", first: $n) { score } }`,
		`{ centres { ...A } } fragment A on Centre { ...A }`,
		`fragment A on Nope { x } { a: b: c }`,
		`{ impact(of: "centre:cba") { centres { paths { steps { from { id } } } } } }`,
	} {
		f.Add(seed)
	}
	c := querylimit.New(loadSchema(f), querylimit.Limits{}, querylimit.Pricing{Costs: querylimit.Costs{
		"Query.search": func(child int, _ map[string]any) int { return 50 + child },
	}})
	f.Fuzz(func(t *testing.T, doc string) {
		err := c.Check(doc, "", map[string]any{"n": 3.0})
		if err == nil {
			return
		}
		code, _ := err.Extensions["code"].(string)
		for _, known := range querylimit.Codes {
			if code == known {
				return
			}
		}
		t.Fatalf("refused with unknown code %q: %v", code, err)
	})
}
