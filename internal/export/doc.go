// Package export owns orggraph's file exports for planners and their tools:
// the whole graph as JSON-LD in the W3C Organization Ontology with PROV
// sources (WriteJSONLD), the whole graph as GraphML for Gephi and yEd
// (WriteGraphML), and a node's impact as a spreadsheet (ImpactSheet). The
// graph exports are built from one store.Snapshot, so each is one consistent
// state of the graph, and they are deterministic: the same graph gives the
// same bytes, from either store, so an export can be cached and diffed.
package export

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
)

// The IRIs the JSON-LD names things by. They identify; they need not
// resolve. Node IRIs are IDBase followed by the node's ID, which is ASCII
// (domain.ParseID), so "centre:cbe" is https://orggraph.kk.dk/id/centre:cbe.
const (
	Base       = "https://orggraph.kk.dk/"
	IDBase     = Base + "id/"     // nodes
	RelBase    = Base + "rel/"    // relationships, as reified statements
	SourceBase = Base + "source/" // source documents and their sections
	Vocab      = Base + "vocab#"  // orggraph's own classes and properties, prefix og:
)

// NodeIRI is the IRI of the node with the given ID.
func NodeIRI(id domain.ID) string { return IDBase + url.PathEscape(string(id)) }

// RelIRI is the IRI of a relationship's reified statement:
// https://orggraph.kk.dk/rel/centre:cba/SERVES/targetgroup:ressourceforloeb.
func RelIRI(r *domain.Relationship) string {
	return RelBase + url.PathEscape(string(r.From)) + "/" + url.PathEscape(string(r.Kind)) + "/" + url.PathEscape(string(r.To))
}

// checkGraph refuses a graph an export would write wrongly: a node twice,
// or a relationship with an end that is not a node. A store's snapshot never
// holds either; checking first means a bad one fails before a byte is written.
func checkGraph(g *domain.Graph) error {
	seen := make(map[domain.ID]bool, len(g.Nodes))
	for _, n := range g.Nodes {
		if seen[n.ID] {
			return fmt.Errorf("export: node %s appears twice", n.ID)
		}
		seen[n.ID] = true
	}
	for _, r := range g.Relationships {
		if !seen[r.From] || !seen[r.To] {
			return fmt.Errorf("export: relationship %s has an end that is not in the graph", r.Key())
		}
	}
	return nil
}

// sourceText writes sources for a text column: "document: section, slide
// 15 (note)", several joined by " | ".
func sourceText(srcs []domain.Source) string {
	var b strings.Builder
	for i, s := range srcs {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(s.Document)
		b.WriteString(": ")
		b.WriteString(s.Section)
		if s.Slide != nil {
			fmt.Fprintf(&b, ", slide %d", *s.Slide)
		}
		if s.Note != "" {
			b.WriteString(" (")
			b.WriteString(s.Note)
			b.WriteString(")")
		}
	}
	return b.String()
}

func dateText(d *domain.Date) string {
	if d == nil {
		return ""
	}
	return string(*d)
}
