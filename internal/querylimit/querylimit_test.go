package querylimit_test

import (
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/querylimit"
)

func TestEachLimitAnswersWithItsCode(t *testing.T) {
	small := querylimit.Limits{MaxTokens: 200, MaxDepth: 3, MaxAliases: 2, MaxFields: 4, MaxDirectives: 2, MaxComplexity: 60}
	costs := querylimit.Costs{
		"Query.impact": func(child int, _ map[string]any) int { return 50 + child },
		"Query.search": func(child int, args map[string]any) int {
			return 10 + querylimit.IntArg(args, "first", 10)*child
		},
	}
	c := querylimit.New(loadSchema(t), small, costs)
	tests := []struct {
		name, query string
		vars        map[string]any
		code        string // "" passes
	}{
		{"a small query passes", `{ centres { code name } }`, nil, ""},
		{"tokens", "{ centres { " + strings.Repeat("code ", 200) + "} }", nil, querylimit.CodeTokens},
		{"depth", `{ centres { units { centre { units { name } } } } }`, nil, querylimit.CodeDepth},
		{"depth through a fragment", `{ centres { ...U } } fragment U on Centre { units { centre { units { name } } } }`, nil, querylimit.CodeDepth},
		{"aliases", `{ a: centres { code } b: centres { code } c: centres { code } }`, nil, querylimit.CodeAliases},
		{"aliases through a fragment spread twice", `{ centres { ...A ...A } } fragment A on Centre { x: code y: name }`, nil, querylimit.CodeAliases},
		{"fields per selection", `{ centres { code name description employees fullTimePersons } }`, nil, querylimit.CodeFields},
		{"fields per selection through fragments", `{ centres { code ...F ...F } } fragment F on Centre { name description }`, nil, querylimit.CodeFields},
		{"directives", `{ centres @include(if: true) @skip(if: false) @include(if: true) { code } }`, nil, querylimit.CodeDirectives},
		{"complexity of a priced field", `{ impact(of: "centre:cba") { centres { basis } } }`, nil, ""},
		{"complexity passed by a second traversal", `{ a: impact(of: "centre:cba") { fullTimePersons } b: impact(of: "centre:cbe") { fullTimePersons } }`, nil, querylimit.CodeComplexity},
		{"complexity from a literal argument", `{ search(text: "x", first: 20) { score node { id name } } }`, nil, querylimit.CodeComplexity},
		{"complexity from a variable", `query($n: Int) { search(text: "x", first: $n) { score node { id name } } }`, map[string]any{"n": float64(20)}, querylimit.CodeComplexity},
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
	c := querylimit.New(loadSchema(t), querylimit.Limits{MaxDepth: 2}, nil)
	const doc = `{ centres { units { centre { code } } } }`
	first := c.Check(doc, "", nil)
	if first == nil {
		t.Fatal("passed; want a depth refusal")
	}
	first.Extensions["code"] = "CHANGED"
	first.Message = "changed"
	again := c.Check(doc, "", nil)
	if again == nil || again.Extensions["code"] != querylimit.CodeDepth || again.Message == "changed" {
		t.Fatalf("the second answer shares the first's error: %+v", again)
	}
}

func TestOnlyTheChosenOperationIsCosted(t *testing.T) {
	c := querylimit.New(loadSchema(t), querylimit.Limits{MaxComplexity: 60}, querylimit.Costs{
		"Query.impact": func(child int, _ map[string]any) int { return 50 + child },
	})
	doc := `query Cheap { centres { code } } query Dear { a: impact(of: "x") { fullTimePersons } b: impact(of: "y") { fullTimePersons } }`
	if err := c.Check(doc, "Cheap", nil); err != nil {
		t.Fatalf("Cheap: %v", err)
	}
	if err := c.Check(doc, "Dear", nil); err == nil || err.Extensions["code"] != querylimit.CodeComplexity {
		t.Fatalf("Dear: %v", err)
	}
}
