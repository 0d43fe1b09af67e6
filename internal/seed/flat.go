package seed

import (
	"reflect"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// decodeFlat decodes the mapping n into v without go-yaml's decoder when
// every key of it that v's type knows holds a string scalar or a list of
// them, for a string or []string field (or a date, for a string field): most items of the seed are written
// so (an id, a name, sources, notes), and at a thousand times the seed
// go-yaml's reflective decoding of them was a tenth of a start. It reports
// false, leaving v as it was, for anything else (another kind of value, a
// tag, an alias, a merge or a repeated key), which n.Decode then decodes,
// and words the errors of. Keys v's type does not know are skipped, as
// n.Decode skips them; unknownKeys reports them. TestDecodeFlatAgrees
// holds it to n.Decode.
func decodeFlat[T any](n *yaml.Node, v *T) bool {
	if n.Kind != yaml.MappingNode || n.Tag != "!!map" || n.Anchor != "" {
		return false
	}
	fields := flatFieldsOf(reflect.TypeFor[T]())
	var out T
	rv := reflect.ValueOf(&out).Elem()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if !isPlainString(k) {
			return false
		}
		for j := 0; j < i; j += 2 {
			if n.Content[j].Value == k.Value {
				return false
			}
		}
		f, known := fields[k.Value]
		if !known {
			continue
		}
		switch {
		case f.index < 0:
			return false
		case !f.list:
			// A date written plain (validFrom: 2026-02-01) is a timestamp to
			// go-yaml, which puts its text in a string field as written.
			if !isPlainString(val) && (val.Kind != yaml.ScalarNode || val.Tag != "!!timestamp" || val.Anchor != "") {
				return false
			}
			rv.Field(f.index).SetString(val.Value)
		default:
			if val.Kind != yaml.SequenceNode || val.Tag != "!!seq" || val.Anchor != "" {
				return false
			}
			list := make([]string, len(val.Content))
			for j, e := range val.Content {
				if !isPlainString(e) {
					return false
				}
				list[j] = e.Value
			}
			rv.Field(f.index).Set(reflect.ValueOf(list))
		}
	}
	*v = out
	return true
}

// isPlainString is a scalar that go-yaml took for a string (quoted, or
// plain and no number, date, boolean or null), with no anchor.
func isPlainString(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Anchor == ""
}

// flatField is how decodeFlat sets one key: the index of a string field,
// or of a []string one (list), or -1 for a field of any other type.
type flatField struct {
	index int
	list  bool
}

var flatFields sync.Map // reflect.Type -> map[string]flatField

func flatFieldsOf(t reflect.Type) map[string]flatField {
	if m, ok := flatFields.Load(t); ok {
		return m.(map[string]flatField)
	}
	fields := map[string]flatField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		ff := flatField{index: -1}
		switch {
		case opts != "" || name == "" || name == "-" || !f.IsExported():
		case f.Type.Kind() == reflect.String && f.Type == reflect.TypeFor[string]():
			ff.index = i
		case f.Type == reflect.TypeFor[[]string]():
			ff.index, ff.list = i, true
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = ff
	}
	flatFields.Store(t, fields)
	return fields
}
