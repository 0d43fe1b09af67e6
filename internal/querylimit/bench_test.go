package querylimit_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/bif-kk/orggraph/internal/querylimit"
)

// BenchmarkAdversarial parses, checks and, where the checker lets a
// document through, validates it as gqlgen would: the whole cost of
// deciding on a hostile document up to 64 KB.
//
//	go test ./internal/querylimit -run '^$' -bench Adversarial
func BenchmarkAdversarial(b *testing.B) {
	schema := loadSchema(b)
	docs := adversarial()
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		doc := docs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				// A new checker each time: an attacker sends documents it
				// has not seen, so none is answered from its memory.
				c := querylimit.New(schema, querylimit.Limits{}, querylimit.Pricing{})
				if err := c.Check(doc, "", nil); err != nil {
					continue
				}
				d, err := parser.ParseQuery(&ast.Source{Input: doc})
				if err == nil {
					validator.Validate(schema, d)
				}
			}
		})
	}
}

// BenchmarkGqlgenFixedComplexity reproduces the problem the checker
// replaces: gqlgen's complexity walk re-expands every fragment spread, so a
// fan-out of n levels costs 2^n. Compare with BenchmarkAdversarial's
// "fragment fan-out" rows.
//
//	go test ./internal/querylimit -run '^$' -bench GqlgenFixedComplexity -benchtime 1x
func BenchmarkGqlgenFixedComplexity(b *testing.B) {
	schema := loadSchema(b)
	es := schemaOnly{schema}
	for _, n := range []int{16, 20, 22} {
		doc, err := parser.ParseQuery(&ast.Source{Input: fanOut(n, 2)})
		if err != nil {
			b.Fatal(err)
		}
		if errs := validator.Validate(schema, doc); len(errs) > 0 { // fills in the field definitions the walk reads
			b.Fatal(errs)
		}
		b.Run(fmtLevels(n), func(b *testing.B) {
			for b.Loop() {
				complexity.Calculate(context.Background(), es, doc.Operations[0], nil)
			}
		})
	}
}

func fmtLevels(n int) string { return fmt.Sprintf("levels=%d", n) }

// schemaOnly is the least of an ExecutableSchema that complexity.Calculate
// needs: the schema, and no custom prices.
type schemaOnly struct{ s *ast.Schema }

func (e schemaOnly) Schema() *ast.Schema { return e.s }
func (e schemaOnly) Complexity(context.Context, string, string, int, map[string]any) (int, bool) {
	return 0, false
}
func (e schemaOnly) Exec(context.Context) graphql.ResponseHandler { return nil }
