package domain

// RelKind is a relationship kind. The set is closed: it doubles as the Neo4j
// relationship type, which Cypher cannot take as a parameter, so only names
// from this list are ever written into a statement.
type RelKind string

const (
	RelOversees      RelKind = "OVERSEES"       // Committee -> Administration
	RelHasCentre     RelKind = "HAS_CENTRE"     // Administration -> Centre
	RelHasUnit       RelKind = "HAS_UNIT"       // Centre -> Unit
	RelServes        RelKind = "SERVES"         // Centre -> TargetGroup
	RelDelivers      RelKind = "DELIVERS"       // Centre -> Intervention
	RelPays          RelKind = "PAYS"           // Centre -> Benefit
	RelPaidTo        RelKind = "PAID_TO"        // Benefit -> TargetGroup
	RelWorksWith     RelKind = "WORKS_WITH"     // Organisation -> Centre
	RelCooperatesOn  RelKind = "COOPERATES_ON"  // Organisation -> Intervention | Organisation | Transfer
	RelHasPhase      RelKind = "HAS_PHASE"      // Reform -> ReformPhase
	RelIncludes      RelKind = "INCLUDES"       // ReformPhase -> ReformChange
	RelHasInitiative RelKind = "HAS_INITIATIVE" // Reform -> ReformChange (undated)
	RelPhasesOut     RelKind = "PHASES_OUT"     // ReformChange -> TargetGroup
	RelAffects       RelKind = "AFFECTS"        // ReformChange -> Centre | Unit | TargetGroup | Intervention | Benefit | Organisation
	RelMovesTo       RelKind = "MOVES_TO"       // Transfer -> Centre (receiving centre)
	RelMoves         RelKind = "MOVES"          // Transfer -> Intervention | Organisation (task moved)
	RelCoordinates   RelKind = "COORDINATES"    // Unit -> Reform | Transfer
	RelHasBudget     RelKind = "HAS_BUDGET"     // Administration -> Budget
	RelHasFrame      RelKind = "HAS_FRAME"      // Budget -> BudgetFrame
	RelHasSavings    RelKind = "HAS_SAVINGS"    // Reform -> SavingsYear
)

// RelSpec says which node kinds a relationship kind may join, and whether
// impact flows along it.
type RelSpec struct {
	Kind RelKind
	From []Kind
	To   []Kind
	// Walk says how the impact traversal may walk this relationship.
	// Structural links (a reform's phases, the budget's frames) carry no
	// impact. A reform item's links, an organisation's COOPERATES_ON and a
	// unit's COORDINATES are walked forward only, so that nothing reaches a
	// centre by going back through a reform item, from KUI to everything SOF
	// also works on, or from one transfer to the other that the
	// Reformsekretariat also coordinates.
	Walk Walk
	// Meaning reads "<from> <Meaning> <to>" in an English sentence,
	// MeaningDa in a Danish one: "CBA betjener Ressourceforløb".
	Meaning   string
	MeaningDa string
}

// Walk is how impact may walk a relationship kind.
type Walk int

const (
	WalkNone    Walk = iota // carries no impact
	WalkForward             // only from From to To
	WalkBoth                // either way
)

// RelSpecs lists every relationship kind, in a fixed order.
var RelSpecs = []RelSpec{
	{RelOversees, []Kind{KindCommittee}, []Kind{KindAdministration}, WalkNone, "oversees", "fører tilsyn med"},
	{RelHasCentre, []Kind{KindAdministration}, []Kind{KindCentre}, WalkNone, "has the centre", "har centret"},
	{RelHasUnit, []Kind{KindCentre}, []Kind{KindUnit}, WalkBoth, "has the unit", "har enheden"},
	{RelServes, []Kind{KindCentre}, []Kind{KindTargetGroup}, WalkBoth, "serves", "betjener"},
	{RelDelivers, []Kind{KindCentre}, []Kind{KindIntervention}, WalkBoth, "delivers", "leverer"},
	{RelPays, []Kind{KindCentre}, []Kind{KindBenefit}, WalkBoth, "decides on and pays", "træffer afgørelse om og udbetaler"},
	{RelPaidTo, []Kind{KindBenefit}, []Kind{KindTargetGroup}, WalkBoth, "is paid to", "udbetales til"},
	{RelWorksWith, []Kind{KindOrganisation}, []Kind{KindCentre}, WalkBoth, "works with", "samarbejder med"},
	{RelCooperatesOn, []Kind{KindOrganisation}, []Kind{KindIntervention, KindOrganisation, KindTransfer}, WalkForward, "cooperates on", "samarbejder om"},
	{RelHasPhase, []Kind{KindReform}, []Kind{KindReformPhase}, WalkNone, "has the phase", "har fasen"},
	{RelIncludes, []Kind{KindReformPhase}, []Kind{KindReformChange}, WalkNone, "includes", "omfatter"},
	{RelHasInitiative, []Kind{KindReform}, []Kind{KindReformChange}, WalkNone, "has the initiative", "har initiativet"},
	{RelPhasesOut, []Kind{KindReformChange}, []Kind{KindTargetGroup}, WalkForward, "phases out", "udfaser"},
	{RelAffects, []Kind{KindReformChange}, []Kind{KindCentre, KindUnit, KindTargetGroup, KindIntervention, KindBenefit, KindOrganisation}, WalkForward, "affects", "påvirker"},
	{RelMovesTo, []Kind{KindTransfer}, []Kind{KindCentre}, WalkBoth, "moves tasks to", "flytter opgaver til"},
	{RelMoves, []Kind{KindTransfer}, []Kind{KindIntervention, KindOrganisation}, WalkBoth, "moves", "flytter"},
	{RelCoordinates, []Kind{KindUnit}, []Kind{KindReform, KindTransfer}, WalkForward, "coordinates", "koordinerer"},
	{RelHasBudget, []Kind{KindAdministration}, []Kind{KindBudget}, WalkNone, "has the budget", "har budgettet"},
	{RelHasFrame, []Kind{KindBudget}, []Kind{KindBudgetFrame}, WalkNone, "has the frame", "har rammen"},
	{RelHasSavings, []Kind{KindReform}, []Kind{KindSavingsYear}, WalkNone, "saves", "sparer"},
}

var relSpecByKind = func() map[RelKind]RelSpec {
	m := make(map[RelKind]RelSpec, len(RelSpecs))
	for _, s := range RelSpecs {
		m[s.Kind] = s
	}
	return m
}()

// Spec returns the relationship kind's spec; ok is false for an unknown kind.
func (k RelKind) Spec() (RelSpec, bool) {
	s, ok := relSpecByKind[k]
	return s, ok
}

// Valid reports whether k is one of the closed set.
func (k RelKind) Valid() bool { _, ok := relSpecByKind[k]; return ok }

// Allows reports whether the spec lets a relationship run from a node of
// kind from to one of kind to.
func (s RelSpec) Allows(from, to Kind) bool {
	return containsKind(s.From, from) && containsKind(s.To, to)
}

// ImpactRelKinds lists the relationship kinds impact flows along with w.
func ImpactRelKinds(w Walk) []RelKind {
	var out []RelKind
	for _, s := range RelSpecs {
		if s.Walk == w {
			out = append(out, s.Kind)
		}
	}
	return out
}

// Walkable reports whether impact may walk a relationship of this kind, in
// the stored direction (forward) or against it.
func (s RelSpec) Walkable(forward bool) bool {
	return s.Walk == WalkBoth || s.Walk == WalkForward && forward
}

// ImpactStopKinds are the kinds a path to a centre may not pass through: the
// centres themselves (each is an end), reform items and the reform's and the
// administration's structure, which would join everything to everything.
var ImpactStopKinds = []Kind{
	KindCentre, KindReformChange, KindReformPhase, KindReform, KindAdministration,
	KindCommittee, KindBudget, KindBudgetFrame, KindSavingsYear,
}

// ImpactMaxSteps bounds an explaining path. Three steps reach from a reform
// item through a target group and its benefit to the centre that pays it; a
// fourth mostly adds detours through shared benefits.
const ImpactMaxSteps = 3

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// Basis says whether a relationship is stated in the source or inferred.
type Basis string

const (
	Explicit Basis = "EXPLICIT"
	Inferred Basis = "INFERRED"
)

// Valid reports whether b is EXPLICIT or INFERRED.
func (b Basis) Valid() bool { return b == Explicit || b == Inferred }

// Relationship is a directed, sourced link between two nodes.
type Relationship struct {
	Kind      RelKind
	From      ID
	To        ID
	Basis     Basis
	Rationale string // required when Basis is Inferred
	// RationaleDa is Rationale in Danish, the planners' language; the seed
	// gives it for every inferred link (internal/seed's tests hold it to that).
	RationaleDa string
	Note        string // what the link is about, e.g. "KUI – Københavns Ungeindsats"
	Sources     []Source
	ValidFrom   *Date
	ValidTo     *Date
	// Seq orders relationships as the seed lists them, so every store returns
	// a node's links in the same, document-like order.
	Seq int
	// Version counts the writes to the relationship, as Node.Version does.
	Version int64
	Provenance
}

// Key identifies a relationship: one of each kind between two nodes.
func (r *Relationship) Key() string {
	return string(r.From) + "|" + string(r.Kind) + "|" + string(r.To)
}

// Statement reads r as a sentence, in its stored direction with its kind's
// name, given the names of its start and its end: "CBA SERVES
// Ressourceforløb". The API's statement fields and the exports all read a
// relationship this way.
func (r *Relationship) Statement(fromName, toName string) string {
	return fromName + " " + string(r.Kind) + " " + toName
}

// Direction selects which end of a relationship a lookup starts from.
type Direction int

const (
	Outgoing Direction = iota // the node is the relationship's From
	Incoming                  // the node is the relationship's To
)

// Link is a relationship seen from one of its ends.
type Link struct {
	Rel   *Relationship
	Other ID // the node at the far end
	Dir   Direction
	// Node is the node at the far end, read along with the link, so that a
	// caller walking the graph needs no second lookup. Read only.
	Node *Node
}
