package querylimit_test

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

func TestEachLimitAnswersWithItsCode(t *testing.T) {
	small := querylimit.Limits{MaxTokens: 200, MaxDepth: 3, MaxAliases: 2, MaxFields: 4, MaxDirectives: 2, MaxComplexity: 60, ListBound: 5}
	costs := querylimit.Costs{
		"Query.impact": func(child int, _ map[string]any) int { return 40 + child },
		"Query.search": func(child int, _ map[string]any) int { return 10 + child },
	}
	c := querylimit.New(loadSchema(t), small, querylimit.Pricing{Costs: costs})
	tests := []struct {
		name, query string
		vars        map[string]any
		code        string // "" passes
	}{
		{"a small query passes", `{ centres { code name } }`, nil, ""},
		{"tokens", "{ centres { " + strings.Repeat("code ", 200) + "} }", nil, apierr.TokenLimit},
		{"depth", `{ centres { units { centre { units { name } } } } }`, nil, apierr.DepthLimit},
		{"depth through a fragment", `{ centres { ...U } } fragment U on Centre { units { centre { units { name } } } }`, nil, apierr.DepthLimit},
		{"aliases", `{ a: centres { code } b: centres { code } c: centres { code } }`, nil, apierr.AliasLimit},
		{"aliases through a fragment spread twice", `{ centres { ...A ...A } } fragment A on Centre { x: code y: name }`, nil, apierr.AliasLimit},
		{"fields per selection", `{ centres { code name description employees fullTimePersons } }`, nil, apierr.FieldLimit},
		{"fields per selection through fragments", `{ centres { code ...F ...F } } fragment F on Centre { name description }`, nil, apierr.FieldLimit},
		{"directives", `{ centres @include(if: true) @skip(if: false) @include(if: true) { code } }`, nil, apierr.DirectiveLimit},
		{"complexity of a priced field", `{ impact(of: "centre:cba") { centres { basis } } }`, nil, ""},
		{"complexity passed by a second traversal", `{ a: impact(of: "centre:cba") { fullTimePersons } b: impact(of: "centre:cbe") { fullTimePersons } }`, nil, apierr.ComplexityLimit},
		{"complexity from a literal argument", `{ search(text: "x", first: 20) { score node { id name } } }`, nil, apierr.ComplexityLimit},
		{"complexity from a variable", `query($n: Int) { search(text: "x", first: $n) { score node { id name } } }`, map[string]any{"n": float64(20)}, apierr.ComplexityLimit},
		{"complexity from a huge variable", `query($n: Int) { search(text: "x", first: $n) { score } }`, map[string]any{"n": float64(1e300)}, apierr.ComplexityLimit},
		{"complexity from the schema's default first", `{ search(text: "x") { score node { id name description } } }`, nil, apierr.ComplexityLimit},
		{"complexity of a list at the default bound", `{ centres { units { code } } }`, nil, ""},
		{"complexity of lists multiplied", `{ centres { units { centre { code } } } }`, nil, apierr.DepthLimit},
		{"the same with a small variable passes", `query($n: Int) { search(text: "x", first: $n) { score node { id name } } }`, map[string]any{"n": float64(2)}, ""},
		{"a syntax error is left to gqlgen", `{ centres { code `, nil, ""},
		{"a fragment cycle is left to validation", `{ centres { ...A } } fragment A on Centre { ...B } fragment B on Centre { ...A }`, nil, ""},
		{"introspection depth is gqlparser's", `{ __schema { types { fields { type { ofType { name } } } } } }`, nil, ""},
	}
	// Twice through: the second time every document is remembered, and only
	// its price is worked out again (the two variable rows share one text).
	for _, round := range []string{"first", "remembered"} {
		for _, tt := range tests {
			t.Run(round+"/"+tt.name, func(t *testing.T) {
				err := c.Check(tt.query, "", tt.vars)
				switch {
				case tt.code == "" && err != nil:
					t.Fatalf("refused: %v", err)
				case tt.code != "" && err == nil:
					t.Fatalf("passed; want %s", tt.code)
				case tt.code != "" && err.Extensions["code"] != tt.code:
					t.Fatalf("code %v (%s), want %s", err.Extensions["code"], err.Message, tt.code)
				}
			})
		}
	}
}

func TestARememberedRefusalIsACopy(t *testing.T) {
	c := querylimit.New(loadSchema(t), querylimit.Limits{MaxDepth: 2}, querylimit.Pricing{})
	const doc = `{ centres { units { centre { code } } } }`
	first := c.Check(doc, "", nil)
	if first == nil {
		t.Fatal("passed; want a depth refusal")
	}
	first.Extensions["code"] = "CHANGED"
	first.Message = "changed"
	again := c.Check(doc, "", nil)
	if again == nil || again.Extensions["code"] != apierr.DepthLimit || again.Message == "changed" {
		t.Fatalf("the second answer shares the first's error: %+v", again)
	}
}

func TestOnlyTheChosenOperationIsCosted(t *testing.T) {
	c := querylimit.New(loadSchema(t), querylimit.Limits{MaxComplexity: 60, ListBound: 10}, querylimit.Pricing{Costs: querylimit.Costs{
		"Query.impact": func(child int, _ map[string]any) int { return 50 + child },
	}})
	doc := `query Cheap { centres { code } } query Dear { a: impact(of: "x") { fullTimePersons } b: impact(of: "y") { fullTimePersons } }`
	if err := c.Check(doc, "Cheap", nil); err != nil {
		t.Fatalf("Cheap: %v", err)
	}
	if err := c.Check(doc, "Dear", nil); err == nil || err.Extensions["code"] != apierr.ComplexityLimit {
		t.Fatalf("Dear: %v", err)
	}
}

func TestCostMultipliesListBoundsThroughNesting(t *testing.T) {
	bounds := func(on string, def *ast.FieldDefinition, _ map[string]any) (int, bool) {
		switch {
		case on == "Query" && def.Name == "centres":
			return 7, true
		case def.Name == "links":
			return 20, true
		}
		return 0, false
	}
	c := querylimit.New(loadSchema(t), querylimit.Limits{MaxComplexity: 10_000, ListBound: 3}, querylimit.Pricing{Bounds: bounds})
	// node { id } is 2; a link with it 3, twenty of them 60; a node above
	// them 61, twenty links of those 20 × 62; seven centres of those
	// 7 × 1241 = 8687. One more level: 7 × (1 + 20 × (1 + 1 + 1240)) = 173,887.
	const two = `{ centres { links { node { links { node { id } } } } } }`
	const three = `{ centres { links { node { links { node { links { node { id } } } } } } } }`
	if err := c.Check(two, "", nil); err != nil {
		t.Fatalf("two levels refused: %v", err)
	}
	for _, doc := range []string{
		three,
		// The same through fragments, one spread twice: priced once, counted twice.
		`{ centres { ...L } } fragment L on Centre { links { node { ...M } } } fragment M on Node { links { node { links { node { id } } } } }`,
	} {
		err := c.Check(doc, "", nil)
		if err == nil {
			t.Fatalf("passed: %s", doc)
		}
		if err.Extensions["code"] != apierr.ComplexityLimit || err.Extensions["limit"] != 10_000 {
			t.Fatalf("extensions %v", err.Extensions)
		}
		if got := err.Extensions["path"]; got != "centres.links.node.links.node.links.node.id" {
			t.Fatalf("path %v, want the chain of lists", got)
		}
		if got := err.Extensions["cost"]; got != 173_887 {
			t.Fatalf("cost %v, want 173887", got)
		}
	}
	// The costliest of two aliases is named by its alias.
	err := c.Check(`{ cheap: centres { code } dear: centres { links { node { links { node { links { id } } } } } } }`, "", nil)
	if err == nil || err.Extensions["path"] != "dear.links.node.links.node.links.id" {
		t.Fatalf("got %v", err)
	}
}
