package domain

// Step is one relationship walked by a path. From and To follow the walk;
// Reversed is true when the stored relationship points from To to From
// (the walk went from a target group to the centre that SERVES it).
type Step struct {
	From     ID
	To       ID
	Rel      *Relationship
	Reversed bool
}

// Path is a walk through the graph, one step per relationship.
type Path struct {
	Steps []Step
	// Nodes are the nodes along the path, first to last (one more than
	// Steps), read with it so that its reader needs no second lookup; nil
	// when the store did not read them. Read only.
	Nodes []*Node
}

// Basis is EXPLICIT when every step is stated in the source.
func (p Path) Basis() Basis {
	for _, s := range p.Steps {
		if s.Rel.Basis != Explicit {
			return Inferred
		}
	}
	return Explicit
}

// End is the node the path arrives at.
func (p Path) End() ID {
	if len(p.Steps) == 0 {
		return ""
	}
	return p.Steps[len(p.Steps)-1].To
}

// Key identifies the path by the relationships it walks.
func (p Path) Key() string {
	k := ""
	for i, s := range p.Steps {
		if i > 0 {
			k += " / "
		}
		k += s.Rel.Key()
	}
	return k
}
