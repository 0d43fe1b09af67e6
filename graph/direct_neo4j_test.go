package graph_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
)

// askDirect posts query to h and returns the body and whether the direct
// path answered it.
func askDirect(t *testing.T, h http.Handler, query string) ([]byte, bool) {
	t.Helper()
	served := false
	raw := graphtest.PostRaw(t, h, graph.WithDirectMark(context.Background(), &served), query, nil)
	return raw, served
}

// On Neo4j too, the direct path answers the deep listings byte for byte as
// gqlgen does (direct_internal_test.go holds it to every field on the
// memory store).
func TestDirectPathAnswersAsGQLGen(t *testing.T) {
	st := neo4jtest.Store(t)
	queries := []string{
		`{ centres { code targetGroups { name servedBy { code interventions { name } targetGroups { name receives { name } } } } } }`,
		`{ centres { __typename id name code version description fullName targetGroups { id name description servedBy { code } receives { name paidBy { code } } } interventions { name deliveredBy { code } partners { code } } units { name } benefits { name paidTo { name } } partners { code worksWith { code } } receives { name } } }`,
		`{ organisations { code fullName worksWith { code } } targetGroups { name servedBy { name } } interventions { name } benefits { name paidBy { code } } units { id } }`,
	}
	quiet := slog.New(slog.DiscardHandler)
	direct := graph.NewHandler(quiet, st, graph.Options{})
	gqlgen := graph.NewHandler(quiet, st, graph.Options{GQLGenOnly: true})
	atScales(t, st, func(scale int) {
		for _, q := range queries {
			got, served := askDirect(t, direct, q)
			want, _ := askDirect(t, gqlgen, q)
			if !served {
				t.Errorf("%d×: the direct path did not serve %s", scale, q)
			}
			if !bytes.Equal(got, want) || bytes.Contains(got, []byte(`"errors"`)) || len(got) < 500 {
				t.Fatalf("%d×: answers differ for %s\ndirect: %.600s\ngqlgen: %.600s", scale, q, got, want)
			}
		}
	})
}
