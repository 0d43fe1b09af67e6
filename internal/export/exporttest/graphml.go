package exporttest

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
)

// The GraphML the checks read, declared here rather than taken from the
// export package, so a check reads the file as a tool would.
type (
	graphML struct {
		XMLName xml.Name `xml:"graphml"`
		Keys    []struct {
			ID   string `xml:"id,attr"`
			For  string `xml:"for,attr"`
			Name string `xml:"attr.name,attr"`
			Type string `xml:"attr.type,attr"`
		} `xml:"key"`
		Graphs []struct {
			EdgeDefault string    `xml:"edgedefault,attr"`
			Nodes       []element `xml:"node"`
			Edges       []element `xml:"edge"`
		} `xml:"graph"`
	}
	element struct {
		ID     string `xml:"id,attr"`
		Source string `xml:"source,attr"`
		Target string `xml:"target,attr"`
		Data   []struct {
			Key   string `xml:"key,attr"`
			Value string `xml:",chardata"`
		} `xml:"data"`
	}
)

// attrTypes are GraphML's attr.type values.
var attrTypes = map[string]bool{"boolean": true, "int": true, "long": true, "float": true, "double": true, "string": true}

// CheckGraphML checks a GraphML export of g, read with encoding/xml: the
// GraphML namespace, one directed graph, every key declared with for,
// attr.name and attr.type, every node of g exactly once (in seed order) with
// its label and kind, every relationship exactly once as an edge between
// declared nodes with its kind, basis, rationale and note, and no data of an
// undeclared key.
func CheckGraphML(t *testing.T, body []byte, g *domain.Graph) {
	t.Helper()
	var doc graphML
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if doc.XMLName.Space != "http://graphml.graphdrawing.org/xmlns" || doc.XMLName.Local != "graphml" {
		t.Errorf("root element is %v", doc.XMLName)
	}
	if len(doc.Graphs) != 1 {
		t.Fatalf("%d graphs, want 1", len(doc.Graphs))
	}
	gr := doc.Graphs[0]
	if gr.EdgeDefault != "directed" {
		t.Errorf("edgedefault = %q", gr.EdgeDefault)
	}

	// key id → for; attr.name per for → key id.
	keyFor := map[string]string{}
	keyByName := map[[2]string]string{}
	for _, k := range doc.Keys {
		if k.ID == "" || k.Name == "" || !attrTypes[k.Type] || (k.For != "node" && k.For != "edge") {
			t.Errorf("badly declared key %+v", k)
		}
		if _, twice := keyFor[k.ID]; twice {
			t.Errorf("key %s declared twice", k.ID)
		}
		if _, twice := keyByName[[2]string{k.For, k.Name}]; twice {
			t.Errorf("%s attribute %s declared twice", k.For, k.Name)
		}
		keyFor[k.ID] = k.For
		keyByName[[2]string{k.For, k.Name}] = k.ID
	}
	for _, want := range [][2]string{
		{"node", "label"}, {"node", "kind"}, {"node", "description"}, {"node", "code"}, {"node", "sources"},
		{"edge", "kind"}, {"edge", "basis"}, {"edge", "rationale"}, {"edge", "note"}, {"edge", "validFrom"}, {"edge", "validTo"},
	} {
		if keyByName[want] == "" {
			t.Errorf("no %s attribute %q declared", want[0], want[1])
		}
	}
	data := func(e element, kind string) map[string]string {
		m := map[string]string{}
		for _, d := range e.Data {
			if keyFor[d.Key] != kind {
				t.Errorf("%s %s: data key %q is not declared for %ss", kind, e.ID, d.Key, kind)
			}
			if _, twice := m[d.Key]; twice {
				t.Errorf("%s %s: data key %q twice", kind, e.ID, d.Key)
			}
			m[d.Key] = d.Value
		}
		return m
	}
	attr := func(m map[string]string, kind, name string) string { return m[keyByName[[2]string{kind, name}]] }

	if len(gr.Nodes) != len(g.Nodes) {
		t.Errorf("%d nodes, the graph has %d", len(gr.Nodes), len(g.Nodes))
	}
	declared := map[string]int{}
	for _, n := range gr.Nodes {
		declared[n.ID]++
	}
	for i, n := range g.Nodes {
		if declared[string(n.ID)] != 1 {
			t.Errorf("node %s appears %d times", n.ID, declared[string(n.ID)])
		}
		if i >= len(gr.Nodes) || gr.Nodes[i].ID != string(n.ID) {
			t.Errorf("node %d is not %s: not in seed order", i, n.ID)
			continue
		}
		m := data(gr.Nodes[i], "node")
		if attr(m, "node", "label") != n.Name || attr(m, "node", "kind") != string(n.Kind) ||
			attr(m, "node", "code") != n.Code || attr(m, "node", "description") != n.Description {
			t.Errorf("node %s: data %v", n.ID, m)
		}
		if attr(m, "node", "sources") == "" {
			t.Errorf("node %s has no sources", n.ID)
		}
	}

	if len(gr.Edges) != len(g.Relationships) {
		t.Errorf("%d edges, the graph has %d relationships", len(gr.Edges), len(g.Relationships))
	}
	edgeIDs := map[string]bool{}
	seen := map[string]int{}
	for _, e := range gr.Edges {
		if declared[e.Source] != 1 || declared[e.Target] != 1 {
			t.Errorf("edge %s joins undeclared nodes %s, %s", e.ID, e.Source, e.Target)
		}
		if edgeIDs[e.ID] {
			t.Errorf("edge id %s twice", e.ID)
		}
		edgeIDs[e.ID] = true
		m := data(e, "edge")
		seen[e.Source+"|"+attr(m, "edge", "kind")+"|"+e.Target]++
	}
	for i, r := range g.Relationships {
		if seen[r.Key()] != 1 {
			t.Errorf("relationship %s is %d edges", r.Key(), seen[r.Key()])
		}
		if i >= len(gr.Edges) {
			continue
		}
		e := gr.Edges[i]
		m := data(e, "edge")
		if e.Source != string(r.From) || e.Target != string(r.To) || attr(m, "edge", "kind") != string(r.Kind) {
			t.Errorf("edge %d is %s -%s-> %s, want %s: not in seed order", i, e.Source, attr(m, "edge", "kind"), e.Target, r.Key())
			continue
		}
		if attr(m, "edge", "basis") != string(r.Basis) || attr(m, "edge", "rationale") != r.Rationale || attr(m, "edge", "note") != r.Note ||
			attr(m, "edge", "validFrom") != dateString(r.ValidFrom) || attr(m, "edge", "validTo") != dateString(r.ValidTo) {
			t.Errorf("edge %s: data %v", r.Key(), m)
		}
	}
}

func dateString(d *domain.Date) string {
	if d == nil {
		return ""
	}
	return string(*d)
}
