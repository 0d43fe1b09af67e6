package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
)

// Alike reports whether two answers to one kind of question in the mix,
// orggraph's and another server's, carry the same facts; nil when they do.
// Each answer is read as GraphQL's JSON, must carry data and no errors, and
// is compared after these rules:
//
//   - a connection ({edges: [{node}]}) is read as the list of its nodes, so a
//     server that pages a list answers like one that does not;
//   - for search, the hits are compared as a set of node ids: each server
//     ranks by its own score, so order and scores are not the facts;
//   - for deep, every list is compared as a multiset: the peer cannot order
//     nested lists by a relationship property the way orggraph does.
//
// Everything else, order included, must be equal.
func Alike(kind string, a, b []byte) error {
	da, err := answerData(a)
	if err != nil {
		return fmt.Errorf("the first answer: %w", err)
	}
	db, err := answerData(b)
	if err != nil {
		return fmt.Errorf("the second answer: %w", err)
	}
	da, db = unwrapConnections(da), unwrapConnections(db)
	switch kind {
	case KindSearch:
		da, db = hitIDs(da), hitIDs(db)
	case KindDeep:
		da, db = unordered(da), unordered(db)
	}
	if path, ok := firstDifference("data", da, db); !ok {
		return fmt.Errorf("%s: the answers differ at %s", kind, path)
	}
	return nil
}

func answerData(body []byte) (any, error) {
	var r struct {
		Data   any               `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not GraphQL's JSON: %w", err)
	}
	if len(r.Errors) > 0 {
		return nil, fmt.Errorf("it carries errors: %s", r.Errors[0])
	}
	if r.Data == nil {
		return nil, fmt.Errorf("it carries no data")
	}
	return r.Data, nil
}

func unwrapConnections(v any) any {
	m, _ := v.(map[string]any)
	if edges, ok := m["edges"].([]any); ok {
		nodes := make([]any, 0, len(edges))
		for _, e := range edges {
			em, _ := e.(map[string]any)
			nodes = append(nodes, unwrapConnections(em["node"]))
		}
		return nodes
	}
	return inside(v, unwrapConnections)
}

// inside is v, a decoded JSON value, with f applied to each value directly
// inside it, in a new map or list; a scalar is itself.
func inside(v any, f func(any) any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = f(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = f(e)
		}
		return out
	}
	return v
}

// hitIDs reads {search: [{node: {id}}]} as the sorted ids of the hits.
func hitIDs(v any) any {
	m, _ := v.(map[string]any)
	hits, _ := m["search"].([]any)
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		hm, _ := h.(map[string]any)
		node, _ := hm["node"].(map[string]any)
		id, _ := node["id"].(string)
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return map[string]any{"search": out}
}

// unordered sorts every list by its elements' JSON, deepest first.
func unordered(v any) any {
	out := inside(v, unordered)
	if list, ok := out.([]any); ok {
		keys := make([]string, len(list))
		for i, e := range list {
			b, _ := json.Marshal(e)
			keys[i] = string(b)
		}
		sort.Sort(byKey{list, keys})
	}
	return out
}

type byKey struct {
	v    []any
	keys []string
}

func (s byKey) Len() int           { return len(s.v) }
func (s byKey) Less(i, j int) bool { return s.keys[i] < s.keys[j] }
func (s byKey) Swap(i, j int) {
	s.v[i], s.v[j] = s.v[j], s.v[i]
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
}

// firstDifference walks a and b together and names the first place they
// differ; ok when they do not.
func firstDifference(path string, a, b any) (string, bool) {
	switch x := a.(type) {
	case map[string]any:
		y, isMap := b.(map[string]any)
		if !isMap {
			return path, false
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, dup := x[k]; !dup {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if p, ok := firstDifference(path+"."+k, x[k], y[k]); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		y, isList := b.([]any)
		if !isList {
			return path, false
		}
		if len(x) != len(y) {
			return fmt.Sprintf("%s (%d items against %d)", path, len(x), len(y)), false
		}
		for i := range x {
			if p, ok := firstDifference(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); !ok {
				return p, false
			}
		}
		return "", true
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("%s (%v against %v)", path, a, b), false
	}
	return "", true
}
