package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/graph/readplan"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// traversalCost is what a field that walks the graph or reads whole kinds
// adds to the price, once for each place a document asks for it (below a
// list, the loaders make one store call for all the list's elements),
// beside what its answer holds: twenty such fields under aliases pass the
// limit, far more than any answer needs.
const traversalCost = querylimit.DefaultMaxComplexity / 20

// Bounds declared for the lists of traversals' answers, which the store
// cannot count ahead: paths to one affected centre (the seed's most is 8),
// and steps in a path. The answer ceiling holds an answer that outgrows them.
const (
	pathsPerCentre = 20
	stepsPerPath   = max(domain.MaxPathSteps, domain.ImpactMaxSteps)
)

// pricing prices fields for the querylimit walk: how long each list may be
// (listBound), from the store's counts; the connections, at first times
// an edge; and the traversals' surcharge.
func pricing(counts *storeCounts) querylimit.Pricing {
	return querylimit.Pricing{Costs: fieldCosts(), Once: traversals(), Bounds: func(on string, def *ast.FieldDefinition, args map[string]any) (int, bool) {
		c := counts.get()
		if c == nil {
			return 0, false
		}
		return listBound(c, on, def, args)
	}}
}

// traversals are the fields that walk the graph or read whole kinds.
func traversals() map[string]int {
	out := map[string]int{}
	for _, f := range []string{"Query.impact", "Query.impactOfAll", "Query.dependencyMatrix", "Query.timeline", "Query.search", "Query.searchConnection",
		"Query.paths", "ReformChange.impact", "Centre.affectedBy", "Centre.affectedByConnection", "Centre.dependencies", "Centre.changes"} {
		out[f] = traversalCost
	}
	return out
}

// fieldCosts prices the connections: each returns at most first or last
// edges (20 forwards when neither is given), so its edges list is priced
// as one, and the connection times the larger of first and last.
func fieldCosts() querylimit.Costs {
	costs := querylimit.Costs{}
	for _, f := range connectionFields() {
		costs[f] = func(child int, args map[string]any) int {
			first, last := querylimit.IntArg(args, "first", -1), querylimit.IntArg(args, "last", -1)
			if first < 0 && last < 0 {
				first = defaultConnectionFirst
			}
			return max(1, first, last) * child
		}
	}
	// A scenario's graph and diff are worked out for each scenario asked,
	// so each is priced as a traversal for every element of a list.
	for _, f := range []string{"Scenario.graph", "Scenario.diff"} {
		costs[f] = func(child int, _ map[string]any) int { return child + traversalCost }
	}
	return costs
}

// connectionFields are the fields that return a connection: those of
// connections.graphqls and paging.graphqls, and every node type's
// linksConnection, a scenario's (always empty) included.
func connectionFields() []string {
	out := []string{"Centre.interventionsConnection", "Centre.targetGroupsConnection", "Centre.unitsConnection",
		"Centre.benefitsConnection", "Centre.partnersConnection", "Centre.receivesConnection", "Centre.affectedByConnection",
		"ReformPhase.changesConnection", "Query.transfersConnection",
		"Query.targetGroupsConnection", "Query.interventionsConnection", "Query.benefitsConnection",
		"Query.organisationsConnection", "Query.reformChangesConnection", "Query.centresConnection",
		"Query.unitsConnection", "Query.searchConnection", "Node.linksConnection", "Scenario.linksConnection"}
	for _, k := range domain.Kinds {
		out = append(out, string(k)+".linksConnection")
	}
	return out
}

// scenariosBound is what the price of a list of scenarios assumes it
// holds: the store cannot count them ahead.
const scenariosBound = 50

// traversalAnswers are the types of traversals' answers whose lists hold
// what the traversal found near its subject. CombinedImpact is not among
// them: it joins the impacts of any number of subjects.
var traversalAnswers = map[string]struct{}{"Impact": {}, "CentreChange": {}}

// defaultConnectionFirst is the connections' first when none is given.
const defaultConnectionFirst = 20

// listBound is how many elements the list field def on the type on may
// return, from the store's counts c; false leaves it to the limits'
// ListBound. In order: a node's links, at the largest fan-out of the
// asked kind and direction; a list of one kind of link, at its largest
// fan-out; what a traversal found, at the most nodes of that kind near
// any one node; any other list of nodes, at the nodes of that kind; the
// values of one node; the other lists in traversals' answers.
func listBound(c *graphCounts, on string, def *ast.FieldDefinition, args map[string]any) (int, bool) {
	kind := nodeKind(on)
	if on == "Query" && def.Name == "nodes" {
		if ids, ok := args["ids"].([]any); ok {
			return min(len(ids), maxNodesIDs), true
		}
		return maxNodesIDs, true
	}
	if def.Name == "links" && (kind != "" || on == "Node") {
		k := fanKey{kind: kind, both: true}
		if rel, ok := args["relationship"].(string); ok {
			k.rel = domain.RelKind(rel)
		}
		switch args["direction"] {
		case "OUTGOING":
			k.dir, k.both = domain.Outgoing, false
		case "INCOMING":
			k.dir, k.both = domain.Incoming, false
		}
		return c.fanout[k], true
	}
	if q, ok := readplan.Lists[kind][def.Name]; ok && kind != "" {
		return c.fanout[fanKey{kind: kind, rel: q.Kind, dir: q.Dir}], true
	}
	elem := def.Type.Name()
	if _, ok := traversalAnswers[on]; ok || on == "Centre" && (def.Name == "affectedBy" || def.Name == "dependencies") {
		// What a traversal finds lies within reachSteps of its subject.
		switch k := nodeKind(elem); {
		case elem == "Node":
			return c.reach[""], true
		case k != "":
			return c.reach[k], true
		case elem == "AffectedCentre" || elem == "CentreDependency":
			return c.reach[domain.KindCentre], true
		}
	}
	if elem == "Node" {
		return c.ofKind(""), true
	}
	if k := nodeKind(elem); k != "" {
		return c.ofKind(k), true
	}
	switch elem {
	case "String", "Source", "Task", "Figure":
		return c.values, true
	case "AffectedCentre", "CentreDependency", "DependencyRow", "DependencyCell":
		return c.ofKind(domain.KindCentre), true
	case "CentreChange": // a dated link or task of the centre
		return c.fanout[fanKey{kind: domain.KindCentre, both: true}] + c.values, true
	case "TimelineEntry": // a dated node or fact
		return c.nodes + c.links, true
	case "SharedItem":
		return c.fanout[fanKey{kind: domain.KindCentre, both: true}], true
	case "Scenario":
		return scenariosBound, true
	case "Path":
		return pathsPerCentre, true
	case "PathStep":
		return stepsPerPath, true
	}
	if strings.HasSuffix(on, "Connection") && def.Name == "edges" {
		return 1, true // priced at the connection, times first
	}
	return 0, false
}

// nodeKind is the domain kind of a GraphQL object type, "" when it is not
// a node type.
func nodeKind(typeName string) domain.Kind {
	k := domain.Kind(typeName)
	for _, known := range domain.Kinds {
		if k == known {
			return k
		}
	}
	return ""
}
