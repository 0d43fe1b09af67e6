package export

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"

	"github.com/bif-kk/orggraph/internal/domain"
)

// GraphMLContentType is the media type of WriteGraphML's output.
const GraphMLContentType = "application/xml; charset=utf-8"

// GraphML's document structure, as far as the export uses it.
type (
	graphML struct {
		XMLName xml.Name   `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
		Keys    []graphKey `xml:"key"`
		Graph   graphElem  `xml:"graph"`
	}
	// graphKey declares an attribute: Gephi and yEd read attr.name and
	// attr.type, and For says whether nodes or edges carry it.
	graphKey struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	}
	graphElem struct {
		ID          string      `xml:"id,attr"`
		EdgeDefault string      `xml:"edgedefault,attr"`
		Nodes       []graphNode `xml:"node"`
		Edges       []graphEdge `xml:"edge"`
	}
	graphNode struct {
		ID   string      `xml:"id,attr"`
		Data []graphData `xml:"data"`
	}
	graphEdge struct {
		ID     string      `xml:"id,attr"`
		Source string      `xml:"source,attr"`
		Target string      `xml:"target,attr"`
		Data   []graphData `xml:"data"`
	}
	graphData struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	}
)

// An attribute of a node or an edge: its GraphML name and how to read it.
type nodeAttr struct {
	name  string
	value func(*domain.Node) string
}

type edgeAttr struct {
	name  string
	value func(*domain.Relationship) string
}

// The attributes, in key order: nodes' first (d0…), then edges'. Gephi
// takes a node's "label" as its label, and an edge's "label" likewise, so an
// edge's label is its kind. Every attribute is a string; one that is empty
// is left out.
var (
	nodeAttrs = []nodeAttr{
		{"label", func(n *domain.Node) string { return n.Name }},
		{"kind", func(n *domain.Node) string { return string(n.Kind) }},
		{"code", func(n *domain.Node) string { return n.Code }},
		{"fullName", func(n *domain.Node) string { return n.FullName }},
		{"description", func(n *domain.Node) string { return n.Description }},
		{"validFrom", func(n *domain.Node) string { return dateText(n.ValidFrom) }},
		{"validTo", func(n *domain.Node) string { return dateText(n.ValidTo) }},
		{"effectiveDate", func(n *domain.Node) string { return dateText(n.EffectiveDate) }},
		{"sources", func(n *domain.Node) string { return sourceText(n.Sources) }},
	}
	edgeAttrs = []edgeAttr{
		{"label", func(r *domain.Relationship) string { return string(r.Kind) }},
		{"kind", func(r *domain.Relationship) string { return string(r.Kind) }},
		{"basis", func(r *domain.Relationship) string { return string(r.Basis) }},
		{"rationale", func(r *domain.Relationship) string { return r.Rationale }},
		{"note", func(r *domain.Relationship) string { return r.Note }},
		{"validFrom", func(r *domain.Relationship) string { return dateText(r.ValidFrom) }},
		{"validTo", func(r *domain.Relationship) string { return dateText(r.ValidTo) }},
		{"sources", func(r *domain.Relationship) string { return sourceText(r.Sources) }},
	}
)

// edgeID is a relationship's GraphML edge id: "centre:cba-SERVES-targetgroup:ressourceforloeb".
// IDs are lower case and kinds upper case, so it is unique, and it is an
// XML NMTOKEN, as GraphML's schema wants.
func edgeID(r *domain.Relationship) string {
	return string(r.From) + "-" + string(r.Kind) + "-" + string(r.To)
}

// WriteGraphML writes g as a directed GraphML graph: one <node> per node
// (id = the node's ID) in seed order, then one <edge> per relationship in
// seed order, their attributes declared as <key>s first. Output is written
// through a buffered writer and is the same for the same graph.
func WriteGraphML(w io.Writer, g *domain.Graph) error {
	if err := checkGraph(g); err != nil {
		return err
	}
	doc := graphML{Graph: graphElem{ID: "orggraph", EdgeDefault: "directed"}}
	for i, a := range nodeAttrs {
		doc.Keys = append(doc.Keys, graphKey{ID: keyID(i), For: "node", Name: a.name, Type: "string"})
	}
	for i, a := range edgeAttrs {
		doc.Keys = append(doc.Keys, graphKey{ID: keyID(len(nodeAttrs) + i), For: "edge", Name: a.name, Type: "string"})
	}
	doc.Graph.Nodes = make([]graphNode, len(g.Nodes))
	for i, n := range g.Nodes {
		gn := graphNode{ID: string(n.ID)}
		for j, a := range nodeAttrs {
			if v := a.value(n); v != "" {
				gn.Data = append(gn.Data, graphData{Key: keyID(j), Value: v})
			}
		}
		doc.Graph.Nodes[i] = gn
	}
	doc.Graph.Edges = make([]graphEdge, len(g.Relationships))
	for i, r := range g.Relationships {
		ge := graphEdge{ID: edgeID(r), Source: string(r.From), Target: string(r.To)}
		for j, a := range edgeAttrs {
			if v := a.value(r); v != "" {
				ge.Data = append(ge.Data, graphData{Key: keyID(len(nodeAttrs) + j), Value: v})
			}
		}
		doc.Graph.Edges[i] = ge
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export: graphml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("export: graphml: %w", err)
	}
	if _, err := bw.WriteString("\n"); err != nil {
		return err
	}
	return bw.Flush()
}

func keyID(i int) string { return fmt.Sprintf("d%d", i) }
