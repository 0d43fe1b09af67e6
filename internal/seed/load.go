package seed

import (
	"io/fs"
	"os"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/bif-kk/orggraph/internal/domain"
)

// LoadDir reads and validates every *.yaml file in dir.
func LoadDir(dir string) (*domain.Graph, error) {
	return LoadFS(os.DirFS(dir), dir)
}

// located is a raw item with where it was written.
type located[T any] struct {
	file string
	node *yaml.Node
	raw  T
}

// parsed is everything read from the files, before cross-checks.
type parsed struct {
	sections map[string]located[rawSection]
	docs     map[string]string // file -> its default document
	nodes    []located[rawNode]
	links    []located[rawLink]
}

// LoadFS reads and validates every *.yaml file at the root of fsys. Files are
// named in errors as display/<name>.
func LoadFS(fsys fs.FS, display string) (*domain.Graph, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var ps problems
	if len(names) == 0 {
		ps.add(display, 0, "seed", "no *.yaml files")
		return nil, ps.err()
	}
	slices.Sort(names)
	p := &parsed{sections: map[string]located[rawSection]{}, docs: map[string]string{}}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		p.readFile(path.Join(display, name), data, &ps)
	}
	g := build(p, &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return g, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func (p *parsed) readFile(file string, data []byte, ps *problems) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		ps.add(file, line, "yaml", "%s", decodeErr(err))
		return
	}
	if len(doc.Content) == 0 {
		return // an empty file holds nothing
	}
	root := doc.Content[0]
	f, ok := decodeStrict(ps, file, root, "unknown key (a file holds document, sections, nodes and links)",
		func(rawFile) string { return "yaml" })
	if !ok {
		return
	}
	p.docs[file] = f.Document
	if secs := field(root, "sections"); secs != nil {
		for i, s := range f.Sections {
			n := secs.Content[i]
			s.Document = cmpOr(s.Document, f.Document)
			if prev, dup := p.sections[s.Key]; dup {
				ps.add(file, n.Line, s.Key, "duplicate source key (first at %s:%d)", prev.file, prev.node.Line)
				continue
			}
			p.sections[s.Key] = located[rawSection]{file, n, s}
		}
	}
	for i := range f.Nodes {
		n := &f.Nodes[i]
		r, ok := decodeStrict(ps, file, n, "unknown node key", func(r rawNode) string { return cmpOr(r.ID, "node") })
		if !ok {
			continue
		}
		p.nodes = append(p.nodes, located[rawNode]{file, n, r})
	}
	for i := range f.Links {
		n := &f.Links[i]
		r, ok := decodeStrict(ps, file, n, "unknown link key", func(rawLink) string { return "link" })
		if !ok {
			continue
		}
		p.links = append(p.links, located[rawLink]{file, n, r})
	}
}

// decodeStrict decodes n into a T. Each key T has no field for is a problem
// (unknown says so), and so is a value that does not decode, reported under
// the key subject names from what did.
func decodeStrict[T any](ps *problems, file string, n *yaml.Node, unknown string, subject func(T) string) (T, bool) {
	unknownKeys(n, reflect.TypeFor[T](), func(line int, key string) {
		ps.add(file, line, key, "%s", unknown)
	})
	var v T
	if err := n.Decode(&v); err != nil {
		ps.add(file, n.Line, subject(v), "%s", decodeErr(err))
		return v, false
	}
	return v, true
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
