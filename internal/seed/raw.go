package seed

import (
	"reflect"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The raw types mirror the YAML exactly (seed/README.md documents them);
// build.go turns them into domain values once every reference is checked.

// rawFile is a file's outline: its nodes and links stay YAML here, to be
// decoded one by one against their own types (readFile).
type rawFile struct {
	Document string       `yaml:"document"`
	Sections []rawSection `yaml:"sections"`
	Nodes    yaml.Node    `yaml:"nodes"`
	Links    yaml.Node    `yaml:"links"`
}

type rawSection struct {
	Key      string `yaml:"key"`
	Section  string `yaml:"section"`
	Document string `yaml:"document"`
	Slide    *int   `yaml:"slide"`
	Note     string `yaml:"note"`
}

type rawNode struct {
	ID                 string      `yaml:"id"`
	Name               string      `yaml:"name"`
	Description        string      `yaml:"description"`
	Sources            []string    `yaml:"sources"`
	Code               string      `yaml:"code"`
	FullName           string      `yaml:"fullName"`
	Aliases            []string    `yaml:"aliases"`
	Notes              []string    `yaml:"notes"`
	Tasks              []rawTask   `yaml:"tasks"`
	Figures            []rawFigure `yaml:"figures"`
	Audience           string      `yaml:"audience"`
	ValidFrom          string      `yaml:"validFrom"`
	ValidTo            string      `yaml:"validTo"`
	EffectiveDate      string      `yaml:"effectiveDate"`
	Legislation        string      `yaml:"legislation"`
	LegalStatus        string      `yaml:"legalStatus"`
	UnlinkedReason     string      `yaml:"unlinkedReason"`
	UnlinkedReasonDa   string      `yaml:"unlinkedReasonDa"`
	Year               *int        `yaml:"year"`
	Label              string      `yaml:"label"`
	AmountDKK          *int64      `yaml:"amountDKK"`
	SharePercent       *float64    `yaml:"sharePercent"`
	UnderBudgetCeiling *bool       `yaml:"underBudgetCeiling"`
	ServiceDKK         *int64      `yaml:"serviceDKK"`
	IndsatsDKK         *int64      `yaml:"indsatsDKK"`
	TotalDKK           *int64      `yaml:"totalDKK"`
}

// rawTask is written either as a plain string or as a map with dates.
type rawTask struct {
	Text      string `yaml:"text"`
	ValidFrom string `yaml:"validFrom"`
	ValidTo   string `yaml:"validTo"`
}

func (t *rawTask) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		t.Text = n.Value
		return nil
	}
	type plain rawTask // without the method, to avoid recursion
	return n.Decode((*plain)(t))
}

type rawFigure struct {
	Name    string   `yaml:"name"`
	Measure string   `yaml:"measure"`
	Value   *float64 `yaml:"value"`
	Unit    string   `yaml:"unit"`
	Year    *int     `yaml:"year"`
	Source  string   `yaml:"source"`
	Note    string   `yaml:"note"`
}

type rawLink struct {
	From        string   `yaml:"from"`
	Rel         string   `yaml:"rel"`
	To          string   `yaml:"to"`
	Sources     []string `yaml:"sources"`
	Basis       string   `yaml:"basis"`
	Rationale   string   `yaml:"rationale"`
	RationaleDa string   `yaml:"rationaleDa"`
	Note        string   `yaml:"note"`
	ValidFrom   string   `yaml:"validFrom"`
	ValidTo     string   `yaml:"validTo"`
}

// unknownKeys walks a YAML value alongside the Go type it decodes into and
// reports every mapping key the type has no field for, with its line, so a
// misspelt key ("sorces") is an error rather than a silently missing fact.
func unknownKeys(n *yaml.Node, t reflect.Type, report func(line int, key string)) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.SequenceNode && t.Kind() == reflect.Slice:
		for _, item := range n.Content {
			unknownKeys(item, t.Elem(), report)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		if t == reflect.TypeFor[yaml.Node]() {
			return // checked later, against its own type
		}
		fields := keysOf(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				report(k.Line, k.Value)
				continue
			}
			unknownKeys(v, ft, report)
		}
	}
}

// yamlKeys holds, for each raw type, its YAML keys and their types: asked
// for once an item of the seed, they are worked out once a type.
var yamlKeys sync.Map // reflect.Type -> map[string]reflect.Type

func keysOf(t reflect.Type) map[string]reflect.Type {
	if m, ok := yamlKeys.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	fields := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		fields[name] = f.Type
	}
	yamlKeys.Store(t, fields)
	return fields
}

// at is where an item and each of its keys were written: what the checks
// after decoding need of the YAML tree, which is dropped once its file is
// read.
type at struct {
	line int
	keys []keyAt
}

// keyAt is the line of one key's value and, for a list, of its elements.
type keyAt struct {
	key   string
	line  int
	items []int
}

// atOf records where the mapping n and its keys' values were written.
func atOf(n *yaml.Node) at {
	a := at{line: n.Line}
	if n.Kind != yaml.MappingNode {
		return a
	}
	a.keys = make([]keyAt, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		v := n.Content[i+1]
		k := keyAt{key: n.Content[i].Value, line: v.Line}
		if v.Kind == yaml.SequenceNode {
			k.items = make([]int, len(v.Content))
			for j, e := range v.Content {
				k.items[j] = e.Line
			}
		}
		a.keys = append(a.keys, k)
	}
	return a
}

// of is the line of key's value, or the item's own line.
func (a at) of(key string) int {
	for _, k := range a.keys {
		if k.key == key {
			return k.line
		}
	}
	return a.line
}

// item is the line of element i of the list under key, or the item's own
// line.
func (a at) item(key string, i int) int {
	for _, k := range a.keys {
		if k.key == key && i < len(k.items) {
			return k.items[i]
		}
	}
	return a.line
}

// field returns the value node of key in a mapping, for precise line numbers.
func field(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// decodeErr shortens a yaml decode error to what the reader needs.
func decodeErr(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	return strings.TrimSpace(strings.ReplaceAll(msg, "\n ", ";"))
}
