package domain

// Audience says whom an intervention is for.
type Audience string

const (
	Citizens   Audience = "CITIZENS"
	Businesses Audience = "BUSINESSES"
)

// Valid reports whether a is one of the two audiences.
func (a Audience) Valid() bool { return a == Citizens || a == Businesses }

// Measure names what a figure measures, so that a centre's employees, budget
// and full-time persons can be read off its figures instead of being stored
// twice.
type Measure string

const (
	MeasureEmployees       Measure = "employees"
	MeasureBudget          Measure = "budget"
	MeasureFullTimePersons Measure = "fullTimePersons"
	MeasureOther           Measure = "other"
)

// Figure is a number the document states, with its unit and year.
type Figure struct {
	Name    string  `json:"name"` // as in the document: "Medarbejdere"
	Measure Measure `json:"measure"`
	Value   float64 `json:"value"` // exact: 8,4 mia. kr. is 8400000000
	Unit    string  `json:"unit"`  // "persons", "DKK", "FTE", ...
	Year    *int    `json:"year,omitempty"`
	Note    string  `json:"note,omitempty"`
	Source  Source  `json:"source"`
}

// Task is one item of a task list, dated where the document dates it.
type Task struct {
	Text      string `json:"text"`
	ValidFrom *Date  `json:"validFrom,omitempty"`
	ValidTo   *Date  `json:"validTo,omitempty"`
}

// Node is anything in the graph. One struct serves every kind; the fields a
// kind does not use stay empty. Keeping one shape lets both stores load,
// store and return nodes through one code path.
type Node struct {
	ID          ID
	Kind        Kind
	Name        string // as written in the source, in Danish
	Description string
	Sources     []Source
	// Order is the node's position in seed/, which follows the document:
	// centres come back in org-chart order.
	Order int

	Code     string   // Administration, Committee, Centre, Organisation
	FullName string   // a spelled-out name the source (or a named outside source) gives
	Aliases  []string // other spellings to search by
	Tasks    []Task
	Figures  []Figure
	Notes    []string

	Audience      Audience // Intervention
	ValidFrom     *Date    // first day the fact holds, where dated
	ValidTo       *Date    // first day it no longer holds, where dated
	EffectiveDate *Date    // ReformPhase, ReformChange
	Legislation   string   // ReformPhase: "Justeringer i nuværende lov"
	LegalStatus   string   // ReformPhase: "Lovforslag fremsat i november 2025"
	// UnlinkedReason says why a reform item reaches nothing (seed/UNLINKED.md),
	// in English and in Danish; empty for a linked item.
	UnlinkedReason   string
	UnlinkedReasonDa string

	Year               *int   // Budget, SavingsYear (nil for "Varigt")
	Label              string // SavingsYear: "2026" … "Varigt"
	Amount             *Money // Budget total, BudgetFrame amount
	SharePercent       *float64
	UnderBudgetCeiling *bool
	Service            *Money // SavingsYear
	Indsats            *Money
	Total              *Money

	// Version counts the writes to the node: 1 as seeded, one more for each
	// update. A write names the version it read; a stale one is refused.
	Version int64
	Provenance
}

// Plain returns a copy of n holding only its plain fields: id, kind, name,
// description, order, code, full name, dates and version. A plain listing
// (graph's direct path) shows nothing else, so stores may read no more for it.
func (n *Node) Plain() *Node {
	return &Node{
		ID: n.ID, Kind: n.Kind, Name: n.Name, Description: n.Description, Order: n.Order,
		Code: n.Code, FullName: n.FullName, ValidFrom: n.ValidFrom, ValidTo: n.ValidTo, Version: n.Version,
	}
}

// Figure returns the first figure with the given measure, if any.
func (n *Node) Figure(m Measure) (Figure, bool) {
	for _, f := range n.Figures {
		if f.Measure == m {
			return f, true
		}
	}
	return Figure{}, false
}

// Graph is a whole organisation: what seed/ holds and what a store is loaded from.
type Graph struct {
	Nodes         []*Node
	Relationships []*Relationship
}
