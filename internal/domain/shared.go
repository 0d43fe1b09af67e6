package domain

// SharedKind is what two centres can have in common.
type SharedKind string

const (
	SharesTargetGroup  SharedKind = "TARGET_GROUP" // both serve it
	SharesIntervention SharedKind = "INTERVENTION" // both deliver it
	SharesPartner      SharedKind = "PARTNER"      // an organisation works with both
	SharesBenefitFlow  SharedKind = "BENEFIT_FLOW" // one pays a benefit to a group the other serves
)

// SharedKinds lists them in a fixed order.
var SharedKinds = []SharedKind{SharesTargetGroup, SharesIntervention, SharesPartner, SharesBenefitFlow}

// Shared is one thing a centre has in common with another.
type Shared struct {
	Centre ID // the centre asked about
	Other  ID // the other centre
	Kind   SharedKind
	Via    ID // the shared node: a target group, an intervention, an organisation, or the benefit that flows
	Also   ID // for a benefit flow, the target group it is paid to; else empty
	// Rels are the relationships that make it so, from Centre's side to Other's.
	Rels []*Relationship
}

// PathStopKinds are the hubs a path between two nodes may not pass through:
// through them everything is two steps from everything. A reform phase is
// no such hub: that two items take effect together is worth showing.
var PathStopKinds = []Kind{KindAdministration, KindCommittee, KindReform, KindBudget}

// MaxPathSteps bounds Query.paths.
const MaxPathSteps = 5
