package model

// One generic connection and edge serve every Relay connection in the
// schema; the aliases below bind each GraphQL type to its instance.

// PageInfo says where a page sits in its list.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Edge is one item of a page, with the cursor that points at it.
type Edge[T any] struct {
	Cursor string
	Node   *T
}

// Connection is one page of a list of T.
type Connection[T any] struct {
	Edges      []*Edge[T]
	PageInfo   *PageInfo
	TotalCount int
}

type (
	TargetGroupConnection  = Connection[TargetGroup]
	TargetGroupEdge        = Edge[TargetGroup]
	InterventionConnection = Connection[Intervention]
	InterventionEdge       = Edge[Intervention]
	BenefitConnection      = Connection[Benefit]
	BenefitEdge            = Edge[Benefit]
	OrganisationConnection = Connection[Organisation]
	OrganisationEdge       = Edge[Organisation]
	ReformChangeConnection = Connection[ReformChange]
	ReformChangeEdge       = Edge[ReformChange]
)
