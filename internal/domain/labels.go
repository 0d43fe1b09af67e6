package domain

// Lang is a language the graph's labels are given in: Danish, the planners'
// language and the default, or English.
type Lang string

const (
	Danish  Lang = "da"
	English Lang = "en"
)

// kindLabels names each node kind for people, in Danish and in English.
var kindLabels = map[Kind][2]string{
	KindAdministration: {"Forvaltning", "Administration"},
	KindCommittee:      {"Udvalg", "Committee"},
	KindCentre:         {"Center", "Centre"},
	KindUnit:           {"Enhed", "Unit"},
	KindTargetGroup:    {"Målgruppe", "Target group"},
	KindIntervention:   {"Indsats", "Intervention"},
	KindBenefit:        {"Ydelse", "Benefit"},
	KindOrganisation:   {"Samarbejdspartner", "Organisation"},
	KindReform:         {"Reform", "Reform"},
	KindReformPhase:    {"Reformfase", "Reform phase"},
	KindReformChange:   {"Reformelement", "Reform item"},
	KindTransfer:       {"Opgaveoverførsel", "Transfer"},
	KindBudget:         {"Budget", "Budget"},
	KindBudgetFrame:    {"Budgetramme", "Budget frame"},
	KindSavingsYear:    {"Besparelsesår", "Savings year"},
}

// Label is the kind's name for people in l: "Målgruppe" for TargetGroup.
func (k Kind) Label(l Lang) string {
	names, ok := kindLabels[k]
	if !ok {
		return string(k)
	}
	if l == English {
		return names[1]
	}
	return names[0]
}

// Verb is the relationship kind as a verb in l: "betjener" for SERVES.
func (k RelKind) Verb(l Lang) string {
	s, ok := k.Spec()
	switch {
	case !ok:
		return string(k)
	case l == English:
		return s.Meaning
	default:
		return s.MeaningDa
	}
}

// Sentence reads r in l, in its stored direction, given the names of its
// ends: "CBA betjener Ressourceforløb". Statement keeps the kind's code.
func (r *Relationship) Sentence(l Lang, fromName, toName string) string {
	return fromName + " " + r.Kind.Verb(l) + " " + toName
}

// Reason is why r holds, in l; empty for an explicit relationship. A
// relationship written without a Danish rationale (by a planner's write)
// gives its English one.
func (r *Relationship) Reason(l Lang) string {
	if l == Danish && r.RationaleDa != "" {
		return r.RationaleDa
	}
	return r.Rationale
}

// UnlinkedReasonIn is why the reform item n reaches nothing, in l.
func (n *Node) UnlinkedReasonIn(l Lang) string {
	if l == Danish && n.UnlinkedReasonDa != "" {
		return n.UnlinkedReasonDa
	}
	return n.UnlinkedReason
}
