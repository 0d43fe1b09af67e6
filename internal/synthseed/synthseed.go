// Package synthseed makes synthetic organisations for measuring orggraph at
// scale: N municipalities' worth of administrations in the seed format, each
// a copy of the real seed's shape, so the real loader validates them.
//
// Municipality 0 is the real seed unchanged, so queries written against the
// real ids (the load harness's mix) answer at every scale. Municipality m > 0
// copies every node and link with "-mNNN" appended to each id's key, to
// every code and to every name, keeping the relationship structure and the
// sources. A few partner links cross municipalities: each copy's first
// partner organisation also works with the next municipality's centre.
package synthseed

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed"
)

// Write reads the seed in src and writes scale municipalities' worth of it
// to out, one file for each of src's, the copies after the original.
func Write(src, out string, scale int) error {
	if scale < 1 {
		return errors.New("synthseed: the scale must be at least 1")
	}
	files, err := filepath.Glob(filepath.Join(src, "*.yaml"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("synthseed: no seed files in %s", src)
	}
	slices.Sort(files)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("synthseed: %w", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("synthseed: %w", err)
		}
		b, err = scaleFile(b, scale)
		if err != nil {
			return fmt.Errorf("synthseed: %s: %w", filepath.Base(f), err)
		}
		if err := os.WriteFile(filepath.Join(out, filepath.Base(f)), b, 0o644); err != nil {
			return fmt.Errorf("synthseed: %w", err)
		}
	}
	return nil
}

// Graph loads the seed in src at scale municipalities' worth, written to
// the folder tmp first when scale is above 1: the graph a test measures or
// compares at a size.
func Graph(src, tmp string, scale int) (*domain.Graph, error) {
	dir := src
	if scale > 1 {
		if err := Write(src, tmp, scale); err != nil {
			return nil, err
		}
		dir = tmp
	}
	return seed.LoadDir(dir)
}

// scaleFile copies a file's nodes and links for municipalities 1…scale-1;
// a file without them (the sources) is written as it is.
func scaleFile(b []byte, scale int) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return b, nil
	}
	top := doc.Content[0]
	nodes, links := value(top, "nodes"), value(top, "links")
	if nodes == nil && links == nil {
		return b, nil
	}
	for _, list := range []*yaml.Node{nodes, links} {
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		orig := list.Content
		for m := 1; m < scale; m++ {
			for _, item := range orig {
				list.Content = append(list.Content, copyItem(item, m))
			}
		}
	}
	if links != nil && scale > 1 {
		links.Content = append(links.Content, crossLinks(links.Content, scale)...)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// suffix is municipality m's mark.
func suffix(m int) string { return fmt.Sprintf("-m%03d", m) }

// ID is municipality m's copy of id ("centre:cbe" → "centre:cbe-m007").
func ID(id string, m int) string {
	if m == 0 {
		return id
	}
	return id + suffix(m)
}

// copyItem is a node or link for municipality m.
func copyItem(item *yaml.Node, m int) *yaml.Node {
	c := deepCopy(item)
	if c.Kind != yaml.MappingNode {
		return c
	}
	for i := 0; i+1 < len(c.Content); i += 2 {
		k, v := c.Content[i].Value, c.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			continue
		}
		switch k {
		case "id", "from", "to":
			v.Value = ID(v.Value, m)
		case "code":
			v.Value += strings.ToUpper(suffix(m))
		case "name":
			v.Value += fmt.Sprintf(" (K%03d)", m)
		}
	}
	return c
}

// crossLinks adds, sparingly, partners that work across municipalities: the
// first WORKS_WITH link's organisation in each municipality also works with
// the next municipality's centre.
func crossLinks(links []*yaml.Node, scale int) []*yaml.Node {
	var tmpl *yaml.Node
	for _, l := range links {
		if r := value(l, "rel"); r != nil && r.Value == "WORKS_WITH" {
			tmpl = l
			break
		}
	}
	if tmpl == nil {
		return nil
	}
	from, to := value(tmpl, "from").Value, value(tmpl, "to").Value
	var out []*yaml.Node
	for m := range scale {
		l := deepCopy(tmpl)
		value(l, "from").Value = ID(from, m)
		value(l, "to").Value = ID(to, (m+1)%scale)
		set(l, "basis", "INFERRED")
		set(l, "rationale", "Synthetic: a partner that works with the neighbouring municipality's centre too, for load tests.")
		out = append(out, l)
	}
	return out
}

func value(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func set(m *yaml.Node, key, v string) {
	if n := value(m, key); n != nil {
		n.Value, n.Tag, n.Style = v, "!!str", 0
		return
	}
	m.Content = append(m.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
}

func deepCopy(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = deepCopy(k)
	}
	return &c
}
