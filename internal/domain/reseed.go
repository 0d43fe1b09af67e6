package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SeedActor is the actor a re-seed writes as. No planner may take the name
// (Write.Check refuses it), so an audit entry by it is always the seed's.
const SeedActor = "seed"

// Provenance says who set a node's or a relationship's facts: the seed
// document or a planner. It is kept per node and per relationship, not per
// field: a planner's write sets the whole state, so the whole state is
// theirs.
type Provenance struct {
	// EditedBy names the planner whose write set the facts; empty while
	// they are the document's.
	EditedBy string `json:",omitempty"`
	// SeedFacts fingerprints the document's facts as last seeded, so a
	// re-seed can tell whether the document changed under a planner's edit.
	// Empty if the seed never wrote it (a planner created it, or it was
	// loaded before provenance was kept).
	SeedFacts string `json:",omitempty"`
}

// Provenance gives the state w sets its provenance, from the one before
// and the fingerprint of its facts (zero and "" for a creation): the seed's
// own writes arrive stamped; a planner's names the planner and keeps what
// the document said. A state before with no provenance at all was loaded
// from the document as it stands, so its own facts are the document's.
func (w Write) Provenance(before Provenance, beforeFacts string) Provenance {
	if w.Actor == SeedActor {
		if w.Node != nil {
			return w.Node.Provenance
		}
		return w.Rel.Provenance
	}
	if before == (Provenance{}) {
		before.SeedFacts = beforeFacts
	}
	return Provenance{EditedBy: w.Actor, SeedFacts: before.SeedFacts}
}

// Seeded is a node or a relationship as Write.Place sets it: its facts,
// its place in seed order (a node's Order, a relationship's Seq) and its
// provenance.
type Seeded interface {
	Facts() string
	seeded() (place *int, provenance *Provenance)
}

func (n *Node) seeded() (*int, *Provenance)         { return &n.Order, &n.Provenance }
func (r *Relationship) seeded() (*int, *Provenance) { return &r.Seq, &r.Provenance }

// Place sets the place in seed order and the provenance of next, the state
// w writes of its target: a target the store holds (stored, as old) keeps
// its place and passes its provenance and facts on (Write.Provenance); a
// new one takes fresh's place, which fresh is asked for only then.
func (w Write) Place(next, old Seeded, stored bool, fresh func() (int, error)) error {
	place, prov := next.seeded()
	if !stored {
		n, err := fresh()
		if err != nil {
			return err
		}
		*place, *prov = n, w.Provenance(Provenance{}, "")
		return nil
	}
	oldPlace, oldProv := old.seeded()
	*place, *prov = *oldPlace, w.Provenance(*oldProv, old.Facts())
	return nil
}

// Facts fingerprints what n states, leaving out its version, its place in
// seed order and its provenance.
func (n *Node) Facts() string {
	c := *n
	c.Version, c.Order, c.Provenance = 0, 0, Provenance{}
	return fingerprint(&c)
}

// Facts fingerprints what r states, as Node.Facts does.
func (r *Relationship) Facts() string {
	c := *r
	c.Version, c.Seq, c.Provenance = 0, 0, Provenance{}
	return fingerprint(&c)
}

func fingerprint(v any) string {
	sum := sha256.Sum256([]byte(stateJSON(v)))
	return hex.EncodeToString(sum[:16])
}

// stateJSON is a node or relationship as an audit entry holds it.
func stateJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // domain values always encode
	}
	return string(b)
}

// ReseedOptions tune a re-seed.
type ReseedOptions struct {
	// Overwrite writes the document's facts over planners' edits.
	Overwrite bool
	// Prune removes the document's nodes and links it no longer holds.
	// Planners' own creations are never pruned.
	Prune bool
}

// SeedStep is one change a re-seed makes: a write as SeedActor whose node or
// relationship is the whole state after it, version included, and the state
// it replaces (nil for a creation).
type SeedStep struct {
	Write      Write
	BeforeNode *Node
	BeforeRel  *Relationship
}

// Entry is the audit entry the step leaves.
func (s SeedStep) Entry(seq int64, at time.Time) AuditEntry {
	e := AuditEntry{Seq: seq, At: at, Actor: SeedActor, Op: s.Write.Op, Target: s.Write.Target()}
	switch {
	case s.BeforeNode != nil:
		e.Before = stateJSON(s.BeforeNode)
	case s.BeforeRel != nil:
		e.Before = stateJSON(s.BeforeRel)
	}
	switch s.Write.Op {
	case CreateNode, UpdateNode:
		e.After, e.Version = stateJSON(s.Write.Node), s.Write.Node.Version
	case CreateLink, UpdateLink:
		e.After, e.Version = stateJSON(s.Write.Rel), s.Write.Rel.Version
	}
	return e
}

// SeedReport says what a re-seed did: the targets it changed (each with its
// audit entry), the planners' edits it kept, and the conflicts it found: a
// planner edited a fact the document also changed. A conflict is kept as
// the planner left it unless Overwrite was asked for, and is reported at
// every re-seed until it is resolved: by overwriting, or by a planner making
// the fact what the document says.
type SeedReport struct {
	Changed     []string // "UPDATE_NODE centre:cba", in the order written
	Kept        []string // targets a planner edited and the document did not change
	Conflicts   []string // targets a planner edited and the document changed too
	Overwritten bool     // Overwrite was asked for: conflicts and kept edits were written over
	Unchanged   int      // the document's targets already as it says
}

// String is the report as `orggraph seed` prints it and the embedded store
// logs it: a summary line, then a line for each target named.
func (r SeedReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed: %d changed, %d planners' edits kept, %d in conflict, %d unchanged",
		len(r.Changed), len(r.Kept), len(r.Conflicts), r.Unchanged)
	if r.Overwritten {
		b.WriteString(" (overwrite: the document's facts written over planners' edits)")
	}
	for _, part := range []struct {
		label   string
		targets []string
	}{{"changed", r.Changed}, {"kept", r.Kept}, {"conflict", r.Conflicts}} {
		for _, t := range part.targets {
			fmt.Fprintf(&b, "\n  %s: %s", part.label, t)
		}
	}
	return b.String()
}

// PlannerDeletions folds an audit trail (in any order) into the targets a
// planner deleted last, with the provenance they had then, so a re-seed
// does not bring back what a planner removed.
func PlannerDeletions(entries []AuditEntry) map[string]Provenance {
	out := map[string]Provenance{}
	for t, e := range lastEntries(entries) {
		if e.Actor == SeedActor {
			continue
		}
		var p Provenance
		var facts string
		switch e.Op {
		case DeleteNode:
			var n Node
			_ = json.Unmarshal([]byte(e.Before), &n) // an unreadable Before leaves no fingerprint: a conflict, not a loss
			p, facts = n.Provenance, n.Facts()
		case DeleteLink:
			var r Relationship
			_ = json.Unmarshal([]byte(e.Before), &r)
			p, facts = r.Provenance, r.Facts()
		default:
			continue
		}
		out[t] = Write{Actor: e.Actor}.Provenance(p, facts)
	}
	return out
}

// DeletedVersions folds an audit trail (in any order) into the version each
// target whose last entry is a deletion had as it was deleted
// (AuditEntry.DeletedVersion), the seed's deletions and planners' alike, so
// a target created again continues from it (Write.NextVersion).
func DeletedVersions(entries []AuditEntry) map[string]int64 {
	out := map[string]int64{}
	for t, e := range lastEntries(entries) {
		if v, ok := e.DeletedVersion(); ok {
			out[t] = v
		}
	}
	return out
}

// lastEntries keeps, of an audit trail in any order, each target's last
// entry (by Seq).
func lastEntries(entries []AuditEntry) map[string]AuditEntry {
	last := map[string]AuditEntry{}
	for _, e := range entries {
		if prev, ok := last[e.Target]; !ok || e.Seq > prev.Seq {
			last[e.Target] = e
		}
	}
	return last
}

// PlanReseed is the one rule by which every store re-seeds: it compares the
// stored graph cur with the document doc and returns the writes that bring
// the document's changes in, and its report. deleted holds the targets a
// planner deleted (PlannerDeletions), versions the versions deleted targets had
// (DeletedVersions), from which one created again continues.
//
// A target whose facts are already the document's is left alone: its
// version stays. One the document changed, and no planner edited, is
// written with version+1. One a planner edited is kept as the planner left
// it (reported kept, or in conflict if the document changed it too), unless
// opts.Overwrite. Nodes are created and updated before links, and links
// deleted before nodes, so each write holds on its own.
func PlanReseed(cur, doc *Graph, deleted map[string]Provenance, versions map[string]int64, opts ReseedOptions) ([]SeedStep, SeedReport) {
	rep := SeedReport{Overwritten: opts.Overwrite}
	var upserts, linkUpserts, linkDeletes, nodeDeletes []SeedStep

	// decide says what becomes of one target: write the document's state,
	// or keep what is stored.
	decide := func(target string, stored *Provenance, storedFacts string, docFacts string, wasDeleted *Provenance) bool {
		switch {
		case stored != nil && storedFacts == docFacts:
			rep.Unchanged++
			return false
		case stored != nil && stored.EditedBy == "" || stored == nil && wasDeleted == nil:
			return true
		}
		p := stored
		if p == nil {
			p = wasDeleted
		}
		if p.SeedFacts != docFacts {
			rep.Conflicts = append(rep.Conflicts, target)
		} else if !opts.Overwrite {
			rep.Kept = append(rep.Kept, target)
		}
		return opts.Overwrite
	}

	nodes := make(map[ID]*Node, len(cur.Nodes))
	for _, n := range cur.Nodes {
		nodes[n.ID] = n
	}
	// In seed order, so a store that numbers creations as they come keeps it.
	docNodes := slices.SortedStableFunc(slices.Values(doc.Nodes), func(a, b *Node) int { return a.Order - b.Order })
	docRels := slices.SortedStableFunc(slices.Values(doc.Relationships), func(a, b *Relationship) int { return a.Seq - b.Seq })
	inDoc := make(map[ID]bool, len(doc.Nodes))
	// upserted holds the nodes written, so a link's ends are looked up
	// rather than searched for among the writes.
	upserted := make(map[ID]bool)
	for _, d := range docNodes {
		inDoc[d.ID] = true
		facts := d.Facts()
		old := nodes[d.ID]
		var stored, gone *Provenance
		var storedFacts string
		if old != nil {
			stored, storedFacts = &old.Provenance, old.Facts()
		} else if p, ok := deleted[string(d.ID)]; ok {
			gone = &p
		}
		if !decide(string(d.ID), stored, storedFacts, facts, gone) {
			continue
		}
		next := *d
		next.Provenance = Provenance{SeedFacts: facts}
		w := Write{Op: CreateNode, Actor: SeedActor, Node: &next}
		last := versions[string(d.ID)]
		if old != nil {
			w.Op, w.ExpectedVersion = UpdateNode, old.Version
			next.Order, last = old.Order, old.Version
		}
		next.Version, _ = w.NextVersion(last, old != nil) // planned to hold: it cannot fail
		upserts = append(upserts, SeedStep{Write: w, BeforeNode: old})
		upserted[d.ID] = true
	}

	rels := make(map[string]*Relationship, len(cur.Relationships))
	for _, r := range cur.Relationships {
		rels[r.Key()] = r
	}
	relInDoc := make(map[string]bool, len(doc.Relationships))
	for _, d := range docRels {
		key := d.Key()
		relInDoc[key] = true
		facts := d.Facts()
		old := rels[key]
		var stored, gone *Provenance
		var storedFacts string
		if old != nil {
			stored, storedFacts = &old.Provenance, old.Facts()
		} else if p, ok := deleted[key]; ok {
			gone = &p
		}
		if !decide(key, stored, storedFacts, facts, gone) {
			continue
		}
		if old == nil && (nodes[d.From] == nil && !upserted[d.From] || nodes[d.To] == nil && !upserted[d.To]) {
			// An end the document holds was kept deleted by a planner: the
			// link stays away with it.
			rep.Kept = append(rep.Kept, key)
			continue
		}
		next := *d
		next.Provenance = Provenance{SeedFacts: facts}
		w := Write{Op: CreateLink, Actor: SeedActor, Rel: &next}
		last := versions[key]
		if old != nil {
			w.Op, w.ExpectedVersion = UpdateLink, old.Version
			next.Seq, last = old.Seq, old.Version
		}
		next.Version, _ = w.NextVersion(last, old != nil)
		linkUpserts = append(linkUpserts, SeedStep{Write: w, BeforeRel: old})
	}

	if opts.Prune {
		// prunable says whether a stored target the document no longer
		// holds goes: the document's own do; a planner's edit of one is a
		// conflict; a planner's creation was never the document's.
		prunable := func(target string, p Provenance) bool {
			switch {
			case p.EditedBy == "":
				return true
			case p.SeedFacts == "":
				return false
			}
			rep.Conflicts = append(rep.Conflicts, target)
			return opts.Overwrite
		}
		goes := map[ID]bool{}
		for _, n := range cur.Nodes {
			if !inDoc[n.ID] && prunable(string(n.ID), n.Provenance) {
				goes[n.ID] = true
			}
		}
		var gone []*Relationship
		for _, r := range cur.Relationships {
			switch key := r.Key(); {
			case relInDoc[key]:
			case prunable(key, r.Provenance):
				gone = append(gone, r)
			default:
				// A link kept holds its ends in place.
				for _, end := range []ID{r.From, r.To} {
					if goes[end] {
						goes[end] = false
						rep.Conflicts = append(rep.Conflicts, string(end))
					}
				}
			}
		}
		for _, r := range gone {
			linkDeletes = append(linkDeletes, SeedStep{Write: Write{Op: DeleteLink, Actor: SeedActor, Rel: r, ExpectedVersion: r.Version}, BeforeRel: r})
		}
		for _, n := range cur.Nodes {
			if goes[n.ID] {
				nodeDeletes = append(nodeDeletes, SeedStep{Write: Write{Op: DeleteNode, Actor: SeedActor, Node: n, ExpectedVersion: n.Version}, BeforeNode: n})
			}
		}
	}

	steps := slices.Concat(upserts, linkUpserts, linkDeletes, nodeDeletes)
	for _, s := range steps {
		rep.Changed = append(rep.Changed, string(s.Write.Op)+" "+s.Write.Target())
	}
	return steps, rep
}
