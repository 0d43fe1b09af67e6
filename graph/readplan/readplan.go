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

// A List is a list field that reads one kind of link of the node it
// hangs from: its elements are the nodes at the links' far ends.
type List struct {
	store.LinkQuery
	// AsRead says the field shows those nodes as they are read, in the
	// links' order, all of the one object type it names, so an answer
	// can be written from the read alone (graph/direct.go). A field
	// whose resolver sorts them (Reform.phases), or whose nodes are of
	// several kinds (a list of Node), is read along all the same.
	AsRead bool
}

// Lists maps each object type's list fields of one kind of link to that
// link: the one table of them, read by the read plan (Below), the query
// prices (graph/costs.go) and the direct path.
var Lists = map[domain.Kind]map[string]List{
	domain.KindAdministration: {
		"centres": outgoing(domain.RelHasCentre),
	},
	domain.KindCommittee: {
		"oversees": outgoing(domain.RelOversees),
	},
	domain.KindCentre: {
		"targetGroups":  outgoing(domain.RelServes),
		"interventions": outgoing(domain.RelDelivers),
		"units":         outgoing(domain.RelHasUnit),
		"benefits":      outgoing(domain.RelPays),
		"partners":      incoming(domain.RelWorksWith),
		"receives":      incoming(domain.RelMovesTo),
	},
	domain.KindTargetGroup: {
		"servedBy": incoming(domain.RelServes),
		"receives": incoming(domain.RelPaidTo),
	},
	domain.KindIntervention: {
		"deliveredBy": incoming(domain.RelDelivers),
		"partners":    incoming(domain.RelCooperatesOn),
	},
	domain.KindBenefit: {
		"paidBy": incoming(domain.RelPays),
		"paidTo": outgoing(domain.RelPaidTo),
	},
	domain.KindOrganisation: {
		"worksWith":    outgoing(domain.RelWorksWith),
		"cooperatesOn": notAsRead(outgoing(domain.RelCooperatesOn)),
	},
	domain.KindBudget: {
		"frames": outgoing(domain.RelHasFrame),
	},
	domain.KindReform: {
		"phases":      notAsRead(outgoing(domain.RelHasPhase)),
		"initiatives": outgoing(domain.RelHasInitiative),
		"savings":     outgoing(domain.RelHasSavings),
	},
	domain.KindReformPhase: {
		"changes": outgoing(domain.RelIncludes),
	},
	domain.KindReformChange: {
		"phasesOut": outgoing(domain.RelPhasesOut),
		"affects":   notAsRead(outgoing(domain.RelAffects)),
	},
	domain.KindTransfer: {
		"moves": notAsRead(outgoing(domain.RelMoves)),
	},
}

// outgoing and incoming are the List of a field shown as read over the
// links of kind from its node and to it; notAsRead is l for a field whose
// resolver sorts its nodes, or whose nodes are of several kinds.
func outgoing(kind domain.RelKind) List {
	return List{LinkQuery: store.LinkQuery{Kind: kind, Dir: domain.Outgoing}, AsRead: true}
}

func incoming(kind domain.RelKind) List {
	return List{LinkQuery: store.LinkQuery{Kind: kind, Dir: domain.Incoming}, AsRead: true}
}

func notAsRead(l List) List {
	l.AsRead = false
	return l
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
		list, ok := lists[f.Name]
		if !ok || f.Definition == nil {
			continue
		}
		q := list.LinkQuery
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
