package querylimit_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// loadSchema reads the product's real SDL from schema/.
func loadSchema(t testing.TB) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob("../../schema/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files: %v", err)
	}
	var srcs []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, &ast.Source{Name: f, Input: string(b)})
	}
	s, gerr := gqlparser.LoadSchema(srcs...)
	if gerr != nil {
		t.Fatal(gerr)
	}
	return s
}

// fill repeats unit (with # replaced by a counter) between prefix and
// suffix until the document is size bytes long.
func fill(size int, prefix, unit, suffix string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; b.Len()+len(unit)+len(suffix)+8 < size; i++ {
		b.WriteString(strings.ReplaceAll(unit, "#", fmt.Sprint(i)))
	}
	b.WriteString(suffix)
	return b.String()
}

// fanOut is the document the issue describes: each of n fragments spreads
// the next one twice, so a naive walk visits 2^n copies.
func fanOut(n int, spreadsPerLevel int) string {
	var b strings.Builder
	b.WriteString("query { centres { ...F0 } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Centre { code%s }\n", i, strings.Repeat(fmt.Sprintf(" ...F%d", i+1), spreadsPerLevel))
	}
	fmt.Fprintf(&b, "fragment F%d on Centre { code }\n", n)
	return b.String()
}

// nestedFanOut spreads each fragment under a list field, so the fields per
// selection stay small and only the cost walk can refuse it.
func nestedFanOut(n int) string {
	var b strings.Builder
	b.WriteString("query { centres { ...F0 } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Centre { code units { centre { ...F%d } } partners { worksWith { ...F%d } } }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Centre { code }\n", n)
	return b.String()
}

// deepNest nests units { centre { … } } as deep as fits in size bytes.
func deepNest(size int) string {
	const open, shut = "units { centre { ", " } }"
	n := (size - 40) / (len(open) + len(shut))
	return "{ centres { " + strings.Repeat(open, n) + "code" + strings.Repeat(shut, n) + " } }"
}

// repeatsWithinLimits is as hard on gqlparser's overlapping-fields rule as
// a document can be while passing the shape limits: full selections of
// repeated response names, nested, so every pair must be compared. Its
// lists multiplied through nesting, its cost refuses it.
func repeatsWithinLimits() string {
	level := func(inner string) string {
		var b strings.Builder
		for i := range 98 {
			if i%2 == 0 {
				b.WriteString("code ")
			} else {
				b.WriteString("name ")
			}
		}
		return b.String() + "units { centre { " + inner + " } } "
	}
	inner := "code"
	for range 5 { // 11 deep: just inside the depth limit
		inner = level(inner)
	}
	return "{ centres { " + inner + " } }"
}

// adversarial documents, each up to 64 KB.
func adversarial() map[string]string {
	const kb64 = 64 * 1024
	return map[string]string{
		"fragment fan-out, 20 levels (2 KB)":    fanOut(20, 2),
		"fragment fan-out, 60 levels":           fanOut(60, 2),
		"nested fragment fan-out, 40 levels":    nestedFanOut(40),
		"repeated fields, 64 KB":                fill(kb64, "{ centres { ", "code ", "} }"),
		"conflicting aliases, 64 KB":            fill(kb64, "{ centres { ", "a: code a: name ", "} }"),
		"aliases, 64 KB":                        fill(kb64, "{ centres { ", "a#: code ", "} }"),
		"aliased traversals, 64 KB":             fill(kb64, "{ ", `i#: impact(of: "centre:cba") { centres { basis } } `, "}"),
		"directives on one field, 64 KB":        fill(kb64, "{ centres { code ", "@include(if: true) ", "} }"),
		"many fragments, 64 KB":                 fill(kb64, "{ centres { ...F0 } } ", "fragment F# on Centre { code } ", ""),
		"deep nesting, 64 KB":                   fill(kb64, "{ centres { ", "units { centre { ", "code"+strings.Repeat(" } }", 2000)+" } }"),
		"spread one fragment many times, 64 KB": fill(kb64, "fragment A on Centre { code name } { centres { ", "...A ", "} }"),
		"wide nested selections, 64 KB":         fill(kb64, "{ ", "c#: centres { targetGroups { servedBy { code } } } ", "}"),
		"repeated fields within the limits":     repeatsWithinLimits(),
		"long string argument, 64 KB":           `{ search(text: "` + strings.Repeat("x", kb64-40) + `") { score } }`,
	}
}

func TestAdversarialDocumentsAreRefused(t *testing.T) {
	c := querylimit.New(loadSchema(t), querylimit.Limits{}, querylimit.Pricing{})
	want := map[string]string{
		"fragment fan-out, 20 levels (2 KB)":    apierr.FieldLimit,
		"fragment fan-out, 60 levels":           apierr.FieldLimit,
		"nested fragment fan-out, 40 levels":    apierr.DepthLimit,
		"repeated fields, 64 KB":                apierr.TokenLimit,
		"conflicting aliases, 64 KB":            apierr.TokenLimit,
		"aliases, 64 KB":                        apierr.TokenLimit,
		"aliased traversals, 64 KB":             apierr.TokenLimit,
		"directives on one field, 64 KB":        apierr.TokenLimit,
		"many fragments, 64 KB":                 apierr.TokenLimit,
		"deep nesting, 64 KB":                   apierr.DepthLimit,
		"spread one fragment many times, 64 KB": apierr.TokenLimit,
		"wide nested selections, 64 KB":         apierr.TokenLimit,
		"repeated fields within the limits":     apierr.ComplexityLimit,
	}
	for name, doc := range adversarial() {
		t.Run(name, func(t *testing.T) {
			err := c.Check(doc, "", nil)
			code, ok := want[name]
			if !ok { // within the limits: a long string is one token
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("passed; want %s", code)
			}
			if got := err.Extensions["code"]; got != code {
				t.Fatalf("code %v (%s), want %s", got, err.Message, code)
			}
		})
	}
}
