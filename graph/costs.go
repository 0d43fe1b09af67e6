package graph

import (
	"github.com/bif-kk/orggraph/internal/planner"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// traversalCost is what a field that walks the graph or reads whole kinds
// costs against the complexity limit, beside the one every field costs, so
// that a query cannot repeat such fields under aliases far beyond what any
// answer needs. Connections are priced like the plain lists they page
// through: one per field.
const traversalCost = 50

// fieldCosts prices the fields that cost more than a lookup, for the
// querylimit walk.
func fieldCosts() querylimit.Costs {
	flat := func(child int, _ map[string]any) int { return traversalCost + child }
	// A paged traversal pays for each result it may return. Out of range,
	// the field refuses first itself, with a clearer error.
	paged := func(def, most int) querylimit.Cost {
		return func(child int, args map[string]any) int {
			n := querylimit.IntArg(args, "first", def)
			if n < 1 || n > most {
				n = def
			}
			return traversalCost + n*child
		}
	}
	return querylimit.Costs{
		"Query.impact":           flat,
		"Query.impactOfAll":      flat,
		"Query.dependencyMatrix": flat,
		"Query.timeline":         flat,
		"Query.search":           paged(defaultSearchFirst, planner.MaxSearchResults),
		"Query.paths":            paged(defaultPathsFirst, planner.MaxPaths),
		"ReformChange.impact":    flat,
		"Centre.affectedBy":      flat,
		"Centre.dependencies":    flat,
		"Centre.changes":         flat,
	}
}
