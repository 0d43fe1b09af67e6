package seed

import (
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDecodeFlatAgrees holds decodeFlat to go-yaml's own decoding: where it
// decodes an item, n.Decode decodes it alike and without error; where
// anything is not a plain string or a list of them, it leaves the item to
// n.Decode. The usual items of the seed take the fast way.
func TestDecodeFlatAgrees(t *testing.T) {
	cases := []struct {
		doc  string
		fast bool // decodeFlat must take it
	}{
		{"id: centre:cba\nname: CBA\nsources: [cbe, cba]\n", true},
		{"id: x\nname: \"Quoted: name\"\nnotes:\n  - 'one'\n  - two\n", true},
		{"id: x\nname: |\n  block\n  text\ndescription: >\n  folded\n", true},
		{"id: x\nsources: []\naliases: []\n", true},
		{"id: x\nunknownKey: {a: [1, 2]}\nname: n\n", true}, // unknown keys are skipped, as n.Decode does
		{"id: x\nname: 5\n", false},
		{"id: x\nname: 2026-01-01\n", true},
		{"id: x\nvalidFrom: 2026-01-01\nvalidTo: 2026-02-01T10:00:00Z\n", true},
		{"id: x\nvalidFrom: !!timestamp 2026-01-01\n", true},
		{"id: x\nvalidFrom: &d 2026-01-01\n", false},
		{"id: x\nsources: [2026-01-01]\n", false},
		{"id: x\nname: true\n", false},
		{"id: x\nname:\n", false},
		{"id: x\nname: ~\n", false},
		{"id: x\nname: !!str 5\n", true}, // a string, tagged so
		{"id: x\nname: !!binary aGVsbG8=\n", false},
		{"id: x\nname: &a anchored\ndescription: *a\n", false},
		{"base: &b {name: n}\n<<: *b\nid: x\n", false},
		{"id: x\nid: y\n", false},
		{"id: x\nsources: [a, 5]\n", false},
		{"id: x\nsources: [a, [b]]\n", false},
		{"id: x\nsources: a\n", false},
		{"id: x\nyear: 2026\n", false},
		{"id: x\ntasks: [a, {text: b, validFrom: 2026-01-01}]\n", false},
		{"id: x\nfigures: [{name: f, value: 1.5, unit: DKK}]\n", false},
		{"- a\n- b\n", false},
		{"plain\n", false},
		{"!tagged {id: x}\n", false},
		{"{id: x, name: y}\n", true},
	}
	for _, c := range cases {
		checkFlat[rawNode](t, c.doc, c.fast)
	}
	links := []struct {
		doc  string
		fast bool
	}{
		{"from: a\nrel: SERVES\nto: b\nsources: [s]\nbasis: INFERRED\nrationale: because\n", true},
		{"from: a\nrel: SERVES\nto: b\nvalidFrom: 2026-01-01\n", true},
		{"from: a\nrel: SERVES\nto: b\nvalidFrom: '2026-01-01'\n", true},
	}
	for _, c := range links {
		checkFlat[rawLink](t, c.doc, c.fast)
	}
}

// checkFlat decodes the one item of doc both ways, as a T, and holds
// decodeFlat to n.Decode; fast is whether decodeFlat must take it.
func checkFlat[T any](t *testing.T, doc string, fast bool) {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatalf("%q: %v", doc, err)
	}
	n := root.Content[0]
	var slow T
	err := n.Decode(&slow)
	var flat T
	took := decodeFlat(n, &flat)
	if took != fast {
		t.Errorf("%q: decodeFlat took it: %v, want %v", doc, took, fast)
	}
	if !took {
		if !reflect.DeepEqual(flat, *new(T)) {
			t.Errorf("%q: decodeFlat left %+v where it declined", doc, flat)
		}
		return
	}
	if err != nil {
		t.Errorf("%q: decodeFlat decoded what n.Decode refuses (%v)", doc, err)
	}
	if !reflect.DeepEqual(flat, slow) {
		t.Errorf("%q: decodeFlat gave %+v, n.Decode %+v", doc, flat, slow)
	}
}
