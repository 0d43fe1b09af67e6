package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// WriteOp is what a write does.
type WriteOp string

const (
	CreateNode WriteOp = "CREATE_NODE"
	UpdateNode WriteOp = "UPDATE_NODE"
	DeleteNode WriteOp = "DELETE_NODE"
	CreateLink WriteOp = "CREATE_LINK"
	UpdateLink WriteOp = "UPDATE_LINK"
	DeleteLink WriteOp = "DELETE_LINK"
)

// Write is one change a planner makes. Every write is atomic, validated and
// audited.
type Write struct {
	Op    WriteOp
	Actor string // who asks, as the access token names them
	// Node is the whole new state for CreateNode and UpdateNode; for
	// DeleteNode only its ID is read.
	Node *Node
	// Rel is the whole new state for CreateLink and UpdateLink; for
	// DeleteLink only Kind, From and To are read.
	Rel *Relationship
	// ExpectedVersion is the version the writer read, for updates and
	// deletes: if the stored one differs, the write is a conflict.
	ExpectedVersion int64
	// IdempotencyKey, when set, names this write for its retries: a store
	// that already recorded a write under the key answers with that write's
	// audit entry and changes nothing (see Replay). RequestHash is a digest
	// of what the client asked, so that the key's reuse for another request
	// is told from a retry.
	IdempotencyKey string `json:",omitempty"`
	RequestHash    string `json:",omitempty"`
}

// MaxIdempotencyKey bounds a write's idempotency key, in bytes.
const MaxIdempotencyKey = 255

// Replay answers a retry of w that finds entry already recorded under w's
// idempotency key: entry itself when it recorded the same request by the
// same actor, ErrKeyReused when the key named another write.
func (w Write) Replay(entry AuditEntry) (*AuditEntry, error) {
	if entry.Actor != w.Actor || entry.Op != w.Op || entry.Target != w.Target() || entry.RequestHash != w.RequestHash {
		return nil, fmt.Errorf("%w: the idempotency key %q named another write (audit entry %d)", ErrKeyReused, w.IdempotencyKey, entry.Seq)
	}
	return &entry, nil
}

// Target names what the write changes: a node ID or a relationship key.
func (w Write) Target() string {
	if w.Node != nil {
		return string(w.Node.ID)
	}
	if w.Rel != nil {
		return w.Rel.Key()
	}
	return ""
}

// NextVersion is the versioning rule every store applies, given the stored
// version of w's target (exists is false when there is none, and stored is
// then the version it had when last deleted, 0 if it never existed: see
// AuditEntry.DeletedVersion). A creation continues from there, so a target
// created again never reuses a version a stale writer may hold, and
// conflicts with a target that exists; an update or a delete needs the
// target (ErrNotFound), and conflicts when the version the writer read
// (ExpectedVersion) is not the stored one, as someone wrote in between. An
// update makes the next version; a delete leaves none (0).
func (w Write) NextVersion(stored int64, exists bool) (int64, error) {
	switch {
	case w.Op == CreateNode || w.Op == CreateLink:
		if exists {
			return 0, fmt.Errorf("%s: %w: it exists already", w.Target(), ErrConflict)
		}
		return stored + 1, nil
	case !exists:
		return 0, fmt.Errorf("%s: %w", w.Target(), ErrNotFound)
	case stored != w.ExpectedVersion:
		return 0, fmt.Errorf("%s: %w: version %d was read, %d is current", w.Target(), ErrConflict, w.ExpectedVersion, stored)
	case w.Op == DeleteNode || w.Op == DeleteLink:
		return 0, nil
	default:
		return stored + 1, nil
	}
}

// AuditEntry records one write that happened: who, when, what, and the
// state before and after, as JSON (empty for a creation's before and a
// deletion's after).
type AuditEntry struct {
	Seq     int64
	At      time.Time
	Actor   string
	Op      WriteOp
	Target  string
	Before  string
	After   string
	Version int64 // the target's version after the write; 0 after a delete
	// IdempotencyKey and RequestHash are the write's (Write), kept with it
	// so that a retry finds it after a restart.
	IdempotencyKey string `json:",omitempty"`
	RequestHash    string `json:",omitempty"`
}

// DeletedVersion is the version a deletion's target had as it was deleted,
// read from the entry's state before; ok is false for any other entry.
// Versions only rise while a target exists, so it is the highest the target
// has had up to then.
func (e AuditEntry) DeletedVersion() (version int64, ok bool) {
	if e.Op != DeleteNode && e.Op != DeleteLink {
		return 0, false
	}
	var before struct{ Version int64 }
	_ = json.Unmarshal([]byte(e.Before), &before) // a Before every store wrote; unreadable, it counts as 0
	return before.Version, true
}

// NewEntry starts w's audit entry, as audit entry seq made at at; the store
// fills in the states before and after.
func (w Write) NewEntry(seq int64, at time.Time) *AuditEntry {
	return &AuditEntry{Seq: seq, At: at, Actor: w.Actor, Op: w.Op, Target: w.Target(),
		IdempotencyKey: w.IdempotencyKey, RequestHash: w.RequestHash}
}

// Check validates a write's own content: kinds from the closed lists, the
// fields each kind needs, sources, basis and rationale. What it cannot see
// (whether the nodes a relationship joins exist, and their kinds) the store
// checks inside the write's transaction.
func (w Write) Check() error {
	if strings.TrimSpace(w.Actor) == "" {
		return fmt.Errorf("%w: a write needs an actor", ErrInvalidInput)
	}
	if len(w.IdempotencyKey) > MaxIdempotencyKey {
		return fmt.Errorf("%w: an idempotency key has at most %d bytes", ErrInvalidInput, MaxIdempotencyKey)
	}
	if w.Actor == SeedActor {
		return fmt.Errorf("%w: the actor name %q is the seed's own", ErrInvalidInput, SeedActor)
	}
	switch w.Op {
	case CreateNode, UpdateNode, DeleteNode:
		if w.Node == nil {
			return fmt.Errorf("%w: %s needs a node", ErrInvalidInput, w.Op)
		}
		if w.Op == DeleteNode {
			_, _, err := ParseID(string(w.Node.ID))
			return err
		}
		return CheckNode(w.Node)
	case CreateLink, UpdateLink, DeleteLink:
		if w.Rel == nil {
			return fmt.Errorf("%w: %s needs a relationship", ErrInvalidInput, w.Op)
		}
		if w.Op == DeleteLink {
			return checkEnds(w.Rel)
		}
		return CheckRelationship(w.Rel)
	default:
		return fmt.Errorf("%w: unknown write %q", ErrInvalidInput, w.Op)
	}
}

// CheckNode holds a node to what its kind promises. seed/ and writes share it.
func CheckNode(n *Node) error {
	kind, _, err := ParseID(string(n.ID))
	if err != nil {
		return err
	}
	if n.Kind != kind {
		return fmt.Errorf("%w: %s: kind %q does not match its id", ErrInvalidInput, n.ID, n.Kind)
	}
	var missing []string
	need := func(ok bool, what string) {
		if !ok {
			missing = append(missing, what)
		}
	}
	need(strings.TrimSpace(n.Name) != "", "a name")
	need(len(n.Sources) > 0, "sources")
	for _, s := range n.Sources {
		need(s.Document != "" && s.Section != "", "a document and section for every source")
	}
	switch n.Kind {
	case KindAdministration, KindCommittee, KindCentre, KindOrganisation:
		need(n.Code != "", "a code")
	case KindIntervention:
		need(n.Audience.Valid(), "an audience (CITIZENS or BUSINESSES)")
	case KindReformPhase:
		need(n.EffectiveDate != nil, "an effectiveDate")
		need(n.LegalStatus != "", "a legalStatus")
	case KindBudget:
		need(n.Year != nil && n.Amount != nil, "a year and an amount")
	case KindBudgetFrame:
		need(n.Amount != nil && n.SharePercent != nil && n.UnderBudgetCeiling != nil, "an amount, a share and a ceiling flag")
	case KindSavingsYear:
		need(n.Label != "" && n.Service != nil && n.Indsats != nil && n.Total != nil, "a label and service, indsats and total amounts")
	}
	if n.Audience != "" && n.Kind != KindIntervention {
		missing = append(missing, "no audience (only an Intervention has one)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s needs %s", ErrInvalidInput, n.ID, strings.Join(missing, ", "))
	}
	if err := checkPeriod(n.ValidFrom, n.ValidTo); err != nil {
		return fmt.Errorf("%s: %w", n.ID, err)
	}
	for i, t := range n.Tasks {
		if err := checkPeriod(t.ValidFrom, t.ValidTo); err != nil {
			return fmt.Errorf("%s: task %d: %w", n.ID, i+1, err)
		}
	}
	return nil
}

// checkPeriod refuses a period that ends before it begins; either bound may
// be open. One that ends the day it begins is empty, and allowed.
func checkPeriod(from, to *Date) error {
	if from != nil && to != nil && to.Before(*from) {
		return fmt.Errorf("%w: validTo %s is before validFrom %s", ErrInvalidInput, *to, *from)
	}
	return nil
}

func checkEnds(r *Relationship) error {
	if !r.Kind.Valid() {
		return fmt.Errorf("%w: unknown relationship kind %q", ErrInvalidInput, r.Kind)
	}
	for _, id := range []ID{r.From, r.To} {
		if _, _, err := ParseID(string(id)); err != nil {
			return err
		}
	}
	return nil
}

// CheckRelationship holds a relationship to the closed lists and the basis
// rules: sources required, an INFERRED link needs its rationale.
func CheckRelationship(r *Relationship) error {
	if err := checkEnds(r); err != nil {
		return err
	}
	spec, _ := r.Kind.Spec()
	if !spec.Allows(r.From.Kind(), r.To.Kind()) {
		return fmt.Errorf("%w: %s cannot join a %s to a %s", ErrInvalidInput, r.Kind, r.From.Kind(), r.To.Kind())
	}
	switch {
	case !r.Basis.Valid():
		return fmt.Errorf("%w: basis must be EXPLICIT or INFERRED", ErrInvalidInput)
	case r.Basis == Inferred && strings.TrimSpace(r.Rationale) == "":
		return fmt.Errorf("%w: an INFERRED link needs a rationale", ErrInvalidInput)
	case len(r.Sources) == 0:
		return fmt.Errorf("%w: %s needs sources", ErrInvalidInput, r.Key())
	}
	if err := checkPeriod(r.ValidFrom, r.ValidTo); err != nil {
		return fmt.Errorf("%s: %w", r.Key(), err)
	}
	return nil
}
