package domain

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A scenario is a named overlay of changes on the baseline graph: planners'
// writes (Write), kept in order, that the baseline never sees until an
// admin promotes the scenario. The stores keep scenarios and their changes;
// what the graph looks like inside one is worked out from the baseline and
// the changes (internal/scenario), so every read answers inside a scenario
// as it does outside.

// Scenario is one what-if: its changes, in the order they were made.
type Scenario struct {
	ID          string // "s1": a scenario's own id is ScenarioIDPrefix + ID
	Name        string
	Description string
	Version     int64 // 1 as created; each change, update and promotion adds 1
	CreatedBy   string
	CreatedAt   time.Time
	Changes     []Write
	// PromotedAt and PromotedBy are set once an admin has applied the
	// changes to the baseline; a promoted scenario changes no more.
	PromotedAt *time.Time `json:",omitempty"`
	PromotedBy string     `json:",omitempty"`
}

// ScenarioIDPrefix begins a scenario's id as the API shows it, and every id
// of a node seen inside one: "scenario:s1", "scenario:s1/centre:cba".
const ScenarioIDPrefix = "scenario:"

// ScenarioRef is the scenario id ("s1") a scenario's own id names
// ("scenario:s1"; "s1" alone is read as well); "" for an id that names no
// scenario.
func ScenarioRef(id string) string {
	sid := strings.TrimPrefix(id, ScenarioIDPrefix)
	if sid == "" || strings.ContainsAny(sid, "/:@") {
		return ""
	}
	return sid
}

// NodeID is the scenario's id as a node id, "scenario:s1".
func (s *Scenario) NodeID() ID { return ID(ScenarioIDPrefix + s.ID) }

// Scenario writes: what a ScenarioWrite does. They share the audit trail
// with the baseline's writes; their target is the scenario's id.
const (
	CreateScenario  WriteOp = "CREATE_SCENARIO"
	UpdateScenario  WriteOp = "UPDATE_SCENARIO"
	DeleteScenario  WriteOp = "DELETE_SCENARIO"
	ChangeScenario  WriteOp = "CHANGE_SCENARIO"
	PromoteScenario WriteOp = "PROMOTE_SCENARIO"
)

// IsScenarioOp says whether op writes a scenario record (its target is the
// scenario's id) rather than the baseline.
func IsScenarioOp(op WriteOp) bool {
	switch op {
	case CreateScenario, UpdateScenario, DeleteScenario, ChangeScenario, PromoteScenario:
		return true
	}
	return false
}

// ScenarioWrite is one change to a scenario record: its creation, a new
// name or description, its deletion, one more change in it, or its
// promotion to the baseline.
type ScenarioWrite struct {
	Op    WriteOp
	Actor string
	// ID names the scenario; a creation leaves it empty and the store
	// gives it the next free one.
	ID          string
	Name        string
	Description string
	// ExpectedVersion is the scenario's version the writer read, for every
	// op but a creation.
	ExpectedVersion int64
	// Change is the write ChangeScenario adds to the scenario's changes.
	Change *Write `json:",omitempty"`
}

// Target is what the write's audit entry names: the scenario's id.
func (w ScenarioWrite) Target() string { return ScenarioIDPrefix + w.ID }

// Check validates a scenario write's own content.
func (w ScenarioWrite) Check() error {
	if strings.TrimSpace(w.Actor) == "" {
		return fmt.Errorf("%w: a write needs an actor", ErrInvalidInput)
	}
	switch w.Op {
	case CreateScenario, UpdateScenario:
		if strings.TrimSpace(w.Name) == "" {
			return fmt.Errorf("%w: a scenario needs a name", ErrInvalidInput)
		}
	case ChangeScenario:
		if w.Change == nil {
			return fmt.Errorf("%w: a scenario change needs a write", ErrInvalidInput)
		}
		return w.Change.Check()
	case DeleteScenario, PromoteScenario:
	default:
		return fmt.Errorf("%w: unknown scenario write %q", ErrInvalidInput, w.Op)
	}
	if w.Op != CreateScenario && w.ID == "" {
		return fmt.Errorf("%w: %s needs a scenario id", ErrInvalidInput, w.Op)
	}
	return nil
}

// Next is the scenario as w leaves it, given the stored one (nil for none)
// and, for a creation, its id; nil after a deletion. Both stores apply
// this one rule: a creation needs no scenario of its id, everything else
// needs the scenario (ErrNotFound) at the version the writer read
// (ErrConflict), and a promoted scenario changes no more but may be
// deleted.
func (w ScenarioWrite) Next(stored *Scenario, id string, at time.Time) (*Scenario, error) {
	if w.Op == CreateScenario {
		if stored != nil {
			return nil, fmt.Errorf("%s%s: %w: it exists already", ScenarioIDPrefix, id, ErrConflict)
		}
		return &Scenario{ID: id, Name: w.Name, Description: w.Description, Version: 1, CreatedBy: w.Actor, CreatedAt: at}, nil
	}
	switch {
	case stored == nil:
		return nil, fmt.Errorf("%s: %w", w.Target(), ErrNotFound)
	case stored.Version != w.ExpectedVersion:
		return nil, fmt.Errorf("%s: %w: version %d was read, %d is current", w.Target(), ErrConflict, w.ExpectedVersion, stored.Version)
	case w.Op == DeleteScenario:
		return nil, nil
	case stored.PromotedAt != nil:
		return nil, fmt.Errorf("%s: %w: it was promoted to the baseline and changes no more", w.Target(), ErrConflict)
	}
	next := *stored
	next.Version++
	switch w.Op {
	case UpdateScenario:
		next.Name, next.Description = w.Name, w.Description
	case ChangeScenario:
		next.Changes = append(append([]Write{}, stored.Changes...), *w.Change)
	case PromoteScenario:
		next.PromotedAt, next.PromotedBy = &at, w.Actor
	}
	return &next, nil
}

// NewEntry starts w's audit entry; the store fills in the states.
func (w ScenarioWrite) NewEntry(id string, seq int64, at time.Time) *AuditEntry {
	return &AuditEntry{Seq: seq, At: at, Actor: w.Actor, Op: w.Op, Target: ScenarioIDPrefix + id}
}

// Promotion is a promoted scenario's changes as the baseline's writes, made
// by actor, each with the version it was checked against in the scenario:
// a baseline that moved underneath makes one of them conflict.
func (s *Scenario) Promotion(actor string) []Write {
	out := make([]Write, len(s.Changes))
	for i, c := range s.Changes {
		c.Actor, c.IdempotencyKey, c.RequestHash = actor, "", ""
		out[i] = c
	}
	return out
}

// NthScenarioID is the id a store gives the nth scenario it creates ("s3"),
// counting from 1 and never again after a deletion.
func NthScenarioID(n int) string { return "s" + strconv.Itoa(n) }

// ScenarioNumber is n of a scenario id NthScenarioID gave ("s3": 3).
func ScenarioNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "s"))
	return n
}

// SortScenarios orders scenarios as their store created them.
func SortScenarios(ss []*Scenario) {
	slices.SortFunc(ss, func(a, b *Scenario) int { return cmp.Compare(ScenarioNumber(a.ID), ScenarioNumber(b.ID)) })
}
