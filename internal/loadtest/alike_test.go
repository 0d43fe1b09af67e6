package loadtest

import (
	"strings"
	"testing"
)

func TestAlike(t *testing.T) {
	tests := []struct {
		name, kind, a, b string
		differ           string // "" when alike; else a part of the error
	}{
		{"equal", KindWidget, `{"data":{"centre":{"code":"CBE","employees":608}}}`, `{"data":{"centre":{"employees":608,"code":"CBE"}}}`, ""},
		{"a connection is its nodes", KindWidget,
			`{"data":{"centre":{"targetGroups":[{"name":"A"},{"name":"B"}]}}}`,
			`{"data":{"centre":{"targetGroups":{"edges":[{"node":{"name":"A"}},{"node":{"name":"B"}}]}}}}`, ""},
		{"order counts", KindWidget,
			`{"data":{"centre":{"targetGroups":[{"name":"A"},{"name":"B"}]}}}`,
			`{"data":{"centre":{"targetGroups":[{"name":"B"},{"name":"A"}]}}}`, "data.centre.targetGroups[0].name"},
		{"a different number", KindImpact, `{"data":{"x":1}}`, `{"data":{"x":2}}`, "data.x (1 against 2)"},
		{"a missing field", KindImpact, `{"data":{"x":1,"y":null}}`, `{"data":{"x":1}}`, ""},
		{"a missing value", KindImpact, `{"data":{"x":1,"y":2}}`, `{"data":{"x":1}}`, "data.y"},
		{"a longer list", KindDependencies, `{"data":{"l":[1]}}`, `{"data":{"l":[1,2]}}`, "1 items against 2"},
		{"errors are no answer", KindWidget, `{"data":{"x":1}}`, `{"errors":[{"message":"no"}],"data":{"x":1}}`, "carries errors"},
		{"no data is no answer", KindWidget, `{"data":null}`, `{"data":null}`, "no data"},
		{"not JSON", KindWidget, `{"data":{"x":1}}`, `<html>`, "not GraphQL's JSON"},
		{"search: the same hits, other scores and order", KindSearch,
			`{"data":{"search":[{"score":120,"node":{"id":"a","name":"A"}},{"score":3,"node":{"id":"b","name":"B"}}]}}`,
			`{"data":{"search":[{"score":0.9,"node":{"id":"b","name":"B"}},{"score":0.8,"node":{"id":"a","name":"A"}}]}}`, ""},
		{"search: another hit", KindSearch,
			`{"data":{"search":[{"score":1,"node":{"id":"a"}}]}}`, `{"data":{"search":[{"score":1,"node":{"id":"c"}}]}}`, "data.search[0]"},
		{"deep: lists in any order", KindDeep,
			`{"data":{"centres":[{"code":"A","tg":[{"n":"x"},{"n":"y"}]},{"code":"B","tg":[]}]}}`,
			`{"data":{"centres":[{"code":"B","tg":[]},{"code":"A","tg":[{"n":"y"},{"n":"x"}]}]}}`, ""},
		{"deep: a fact missing", KindDeep,
			`{"data":{"centres":[{"code":"A","tg":[{"n":"x"},{"n":"y"}]}]}}`,
			`{"data":{"centres":[{"code":"A","tg":[{"n":"x"}]}]}}`, "items against"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Alike(tt.kind, []byte(tt.a), []byte(tt.b))
			switch {
			case tt.differ == "" && err != nil:
				t.Fatalf("want alike, got %v", err)
			case tt.differ != "" && err == nil:
				t.Fatalf("want a difference at %q, got alike", tt.differ)
			case tt.differ != "" && !strings.Contains(err.Error(), tt.differ):
				t.Fatalf("want %q in %v", tt.differ, err)
			}
		})
	}
}
