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
	// Aggregate covers every item that passed the filter, on all pages.
	Aggregate *ConnectionAggregate
}

// SearchEdge is one search hit of a page, with its cursor: a hit's node is
// of any type, so search has an edge of its own.
type SearchEdge struct {
	Cursor string
	Node   Node
	Score  float64
}

// SearchConnection is one page of search hits.
type SearchConnection struct {
	Edges      []*SearchEdge
	PageInfo   *PageInfo
	TotalCount int
	Aggregate  *ConnectionAggregate
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
	CentreConnection       = Connection[Centre]
	CentreEdge             = Edge[Centre]
	UnitConnection         = Connection[Unit]
	UnitEdge               = Edge[Unit]
	TransferConnection     = Connection[Transfer]
	TransferEdge           = Edge[Transfer]
	LinkConnection         = Connection[Link]
	LinkEdge               = Edge[Link]
)
