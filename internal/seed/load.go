package seed

import (
	"cmp"
	"io/fs"
	"os"
	"path"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/bif-kk/orggraph/internal/domain"
)

// LoadDir reads and validates every *.yaml file in dir.
func LoadDir(dir string) (*domain.Graph, error) {
	return LoadFS(os.DirFS(dir), dir)
}

// located is a raw item with where it was written.
type located[T any] struct {
	file string
	at   at
	raw  T
}

// parsed is everything read from the files, before cross-checks.
type parsed struct {
	sections map[string]located[rawSection]
	docs     map[string]string // file -> its default document
	nodes    []located[rawNode]
	links    []located[rawLink]
}

// fileRead is what one file holds, read on its own.
type fileRead struct {
	file     string
	document string
	sections []located[rawSection]
	nodes    []located[rawNode]
	links    []located[rawLink]
	problems problems
}

// LoadFS reads and validates every *.yaml file at the root of fsys. Files are
// named in errors as display/<name>.
//
// The files are parsed side by side, up to one a core: at a thousand times
// the seed they are 74 MB of YAML, and parsing is most of a start. Each
// file's YAML tree is dropped once its items are decoded, so only one tree a
// core is held at a time; what comes out does not depend on the order the
// files finish in. They are begun largest first.
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
	// The largest first, so that the last file to finish is a small one
	// rather than one core parsing the largest alone.
	size := make([]int64, len(names))
	for i, name := range names {
		if info, err := fs.Stat(fsys, name); err == nil {
			size[i] = info.Size()
		}
	}
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size[b], size[a]) })
	reads := make([]fileRead, len(names))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, i := range order {
		name := names[i]
		g.Go(func() error {
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			reads[i] = readFile(path.Join(display, name), data)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	nodes, links := 0, 0
	for _, r := range reads {
		nodes, links = nodes+len(r.nodes), links+len(r.links)
	}
	p := &parsed{
		sections: map[string]located[rawSection]{}, docs: map[string]string{},
		nodes: make([]located[rawNode], 0, nodes), links: make([]located[rawLink], 0, links),
	}
	for _, r := range reads {
		p.add(r, &ps)
	}
	built := build(p, &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return built, nil
}

// add joins one file's items to what the files before it held.
func (p *parsed) add(r fileRead, ps *problems) {
	*ps = append(*ps, r.problems...)
	p.docs[r.file] = r.document
	for _, s := range r.sections {
		if prev, dup := p.sections[s.raw.Key]; dup {
			ps.add(r.file, s.at.line, s.raw.Key, "duplicate source key (first at %s:%d)", prev.file, prev.at.line)
			continue
		}
		p.sections[s.raw.Key] = s
	}
	p.nodes = append(p.nodes, r.nodes...)
	p.links = append(p.links, r.links...)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func readFile(file string, data []byte) fileRead {
	out := fileRead{file: file}
	ps := &out.problems
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		ps.add(file, line, "yaml", "%s", decodeErr(err))
		return out
	}
	if len(doc.Content) == 0 {
		return out // an empty file holds nothing
	}
	root := doc.Content[0]
	f, ok := decodeStrict(ps, file, root, "unknown key (a file holds document, sections, nodes and links)",
		func(rawFile) string { return "yaml" })
	if !ok {
		return out
	}
	out.document = f.Document
	if secs := field(root, "sections"); secs != nil {
		for i, s := range f.Sections {
			s.Document = cmpOr(s.Document, f.Document)
			out.sections = append(out.sections, located[rawSection]{file, atOf(secs.Content[i]), s})
		}
	}
	items := func(key string, seq *yaml.Node) []*yaml.Node {
		if seq.Kind != 0 && seq.Kind != yaml.SequenceNode && seq.Tag != "!!null" {
			ps.add(file, seq.Line, key, "%s must be a list", key)
			return nil
		}
		return seq.Content
	}
	nodes, links := items("nodes", &f.Nodes), items("links", &f.Links)
	// Each item's YAML is let go once it is decoded, so the collector can
	// take a large file's tree back as its items are read rather than after.
	out.nodes = make([]located[rawNode], 0, len(nodes))
	for i, n := range nodes {
		nodes[i] = nil
		r, ok := decodeStrict(ps, file, n, "unknown node key", func(r rawNode) string { return cmpOr(r.ID, "node") })
		if !ok {
			continue
		}
		out.nodes = append(out.nodes, located[rawNode]{file, atOf(n), r})
	}
	out.links = make([]located[rawLink], 0, len(links))
	for i, n := range links {
		links[i] = nil
		r, ok := decodeStrict(ps, file, n, "unknown link key", func(rawLink) string { return "link" })
		if !ok {
			continue
		}
		out.links = append(out.links, located[rawLink]{file, atOf(n), r})
	}
	return out
}

func decodeStrict[T any](ps *problems, file string, n *yaml.Node, unknown string, subject func(T) string) (T, bool) {
	unknownKeys(n, reflect.TypeFor[T](), func(line int, key string) {
		ps.add(file, line, key, "%s", unknown)
	})
	var v T
	if decodeFlat(n, &v) {
		return v, true
	}
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
