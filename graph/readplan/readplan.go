// Package readplan works out, from an operation's selection, the tree of
// links a field that returns nodes reads below them: which list fields are
// selected on its nodes, on theirs, and so on down, fragments, aliases,
// @skip and @include as gqlgen's own field collection sees them. A root
// field hands the tree to the store in one store.Expander call (one Cypher
// statement on Neo4j), and the resolvers below find every level read.
package readplan

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

// Lists maps an object type's list fields to the links they read, where
// the field shows exactly the nodes at the far ends of those links: the
// resolvers of Centre (organisation.resolvers.go), TargetGroup,
// Intervention, Benefit (services.resolvers.go) and Organisation.
var Lists = map[domain.Kind]map[string]store.LinkQuery{
	domain.KindCentre: {
		"targetGroups":  {Kind: domain.RelServes, Dir: domain.Outgoing},
		"interventions": {Kind: domain.RelDelivers, Dir: domain.Outgoing},
		"units":         {Kind: domain.RelHasUnit, Dir: domain.Outgoing},
		"benefits":      {Kind: domain.RelPays, Dir: domain.Outgoing},
		"partners":      {Kind: domain.RelWorksWith, Dir: domain.Incoming},
		"receives":      {Kind: domain.RelMovesTo, Dir: domain.Incoming},
	},
	domain.KindTargetGroup: {
		"servedBy": {Kind: domain.RelServes, Dir: domain.Incoming},
		"receives": {Kind: domain.RelPaidTo, Dir: domain.Incoming},
	},
	domain.KindIntervention: {
		"deliveredBy": {Kind: domain.RelDelivers, Dir: domain.Incoming},
		"partners":    {Kind: domain.RelCooperatesOn, Dir: domain.Incoming},
	},
	domain.KindBenefit: {
		"paidBy": {Kind: domain.RelPays, Dir: domain.Incoming},
		"paidTo": {Kind: domain.RelPaidTo, Dir: domain.Outgoing},
	},
	domain.KindOrganisation: {
		"worksWith": {Kind: domain.RelWorksWith, Dir: domain.Outgoing},
	},
}

// Below returns the steps the field being resolved in ctx selects below
// its nodes, which are of kind: nil when it selects no list of Lists, or
// when the field does not return nodes of kind (a field that reads nodes
// on its way to another answer).
func Below(ctx context.Context, kind domain.Kind) []store.Step {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	if fc.Field.Definition.Type.Name() != string(kind) {
		return nil
	}
	return steps(graphql.GetOperationContext(ctx), fc.Field.Selections, kind, 0)
}

// maxDepth bounds the tree however deep a document nests: the query
// limits refuse deeper documents long before.
const maxDepth = 12

func steps(oc *graphql.OperationContext, set ast.SelectionSet, kind domain.Kind, depth int) []store.Step {
	lists := Lists[kind]
	if lists == nil || depth >= maxDepth {
		return nil
	}
	var out []store.Step
	for _, f := range graphql.CollectFields(oc, set, []string{string(kind), "Node"}) {
		q, ok := lists[f.Name]
		if !ok || f.Definition == nil {
			continue
		}
		below := steps(oc, f.Selections, domain.Kind(f.Definition.Type.Name()), depth+1)
		i := slices.IndexFunc(out, func(s store.Step) bool { return s.Q == q })
		if i < 0 {
			out = append(out, store.Step{Q: q, Below: below})
			continue
		}
		out[i].Below = merge(out[i].Below, below)
	}
	return out
}

// merge joins the steps of two fields that read the same links (an alias,
// or a field asked for with and without a day).
func merge(a, b []store.Step) []store.Step {
	for _, s := range b {
		i := slices.IndexFunc(a, func(t store.Step) bool { return t.Q == s.Q })
		if i < 0 {
			a = append(a, s)
			continue
		}
		a[i].Below = merge(a[i].Below, s.Below)
	}
	return a
}
