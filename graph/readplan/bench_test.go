package readplan_test

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/graph/readplan"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/loadtest"
)

// BenchmarkBelow works out the read plan of the deep listing's root field,
// as its resolver does once a request: the tree of links it reads below
// the centres, handed to the store in one read.
//
//	go test ./graph/readplan -run '^$' -bench Below
func BenchmarkBelow(b *testing.B) {
	es := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}})
	doc, errs := gqlparser.LoadQuery(es.Schema(), loadtest.DeepListing)
	if errs != nil {
		b.Fatal(errs)
	}
	oc := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
	ctx := graphql.WithOperationContext(context.Background(), oc)
	root := graphql.CollectFields(oc, doc.Operations[0].SelectionSet, []string{"Query"})
	if len(root) != 1 {
		b.Fatalf("%d root fields", len(root))
	}
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: root[0]})
	if steps := readplan.Below(ctx, domain.KindCentre); len(steps) != 1 || len(steps[0].Below) != 1 || len(steps[0].Below[0].Below) != 2 {
		b.Fatalf("plan %+v", steps)
	}
	b.ReportAllocs()
	for b.Loop() {
		readplan.Below(ctx, domain.KindCentre)
	}
}
