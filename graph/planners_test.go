package graph_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// Helpers for the planners' tests: the fields of schema/impact, time,
// dependencies and connections.

// idsIn collects every "id" value in a response's data: lists in order, an
// object's fields by name.
func idsIn(t *testing.T, data json.RawMessage) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if id, ok := v[k].(string); ok && k == "id" {
					out = append(out, id)
				} else {
					walk(v[k])
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return out
}

// mustData posts query and fails the test on any error.
func mustData(t *testing.T, h http.Handler, query string, vars map[string]any) json.RawMessage {
	t.Helper()
	_, body, resp := do(t, h, http.MethodPost, query, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors:\n%s", body)
	}
	return resp.Data
}

// idCase is a query and the ids its answer must and must not hold.
type idCase struct {
	name   string
	query  string
	want   []string // ids that must appear
	absent []string // ids that must not
}

// checkIDs runs each case against h.
func checkIDs(t *testing.T, h http.Handler, tests []idCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := idsIn(t, mustData(t, h, tt.query, nil))
			for _, id := range tt.want {
				if !slices.Contains(got, id) {
					t.Errorf("missing %s in %v", id, got)
				}
			}
			for _, id := range tt.absent {
				if slices.Contains(got, id) {
					t.Errorf("%s should be absent: %v", id, got)
				}
			}
		})
	}
}
