package graph

import (
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

// traversalCost is what a field that walks the graph costs against the
// complexity limit, beside the one every field costs: impact runs the
// planner, affectedBy runs it for every reform item.
const traversalCost = 50

// setComplexity prices the fields that cost more than a lookup, so that a
// query cannot repeat them under aliases far beyond what any answer needs.
func setComplexity(c *ComplexityRoot) {
	c.Query.Impact = func(child int, _ domain.ID) int { return traversalCost + child }
	c.ReformChange.Impact = func(child int) int { return traversalCost + child }
	c.Centre.AffectedBy = func(child int) int { return traversalCost + child }
	c.Query.Search = func(child int, _ string, first *int) int {
		// Out of range, search refuses first itself, with a clearer error.
		n := defaultSearchFirst
		if first != nil && *first > 0 && *first <= planner.MaxSearchResults {
			n = *first
		}
		return traversalCost + n*child
	}
}
