package graph

import (
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

// setPlannerCosts prices the planners' fields that run the planner, as
// setComplexity prices impact and search: each walks the graph or reads
// whole kinds, so a query may not repeat them under aliases far beyond what
// any answer needs. The connections are priced like the plain lists they
// page through.
func setPlannerCosts(c *ComplexityRoot) {
	c.Query.ImpactOfAll = func(child int, _ []domain.ID) int { return traversalCost + child }
	c.Query.Paths = func(child int, _, _ domain.ID, _, first *int) int {
		// Out of range, paths refuses first itself, with a clearer error.
		n := defaultPathsFirst
		if first != nil && *first > 0 && *first <= planner.MaxPaths {
			n = *first
		}
		return traversalCost + n*child
	}
	c.Query.DependencyMatrix = func(child int, _ *domain.Date) int { return traversalCost + child }
	c.Query.Timeline = func(child int, _, _ *domain.Date) int { return traversalCost + child }
	c.Centre.Dependencies = func(child int, _ *domain.Date) int { return traversalCost + child }
	c.Centre.Changes = func(child int, _, _ domain.Date) int { return traversalCost + child }
}
