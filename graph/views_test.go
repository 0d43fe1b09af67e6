package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
)

// TestOneIDOneValue holds issue 14's rule: no field's value under an id
// hangs on an argument of a field above it. Each query asks for the same
// centres plainly and as of a day, in one answer; every object with an id
// must give every field it shares with another object of that id the same
// value, as a normalised cache would keep it.
func TestOneIDOneValue(t *testing.T) {
	h := newHandler(t, seededStore(t))
	tests := []struct {
		name  string
		query string
		ids   []string // ids the answer must hold, so the check compares something
	}{
		{
			"centre(asOf:) beside centre",
			`query { dated: centre(code: "CBA", asOf: "2026-03-01") { id targetGroups { id } tasks datedTasks { text } }
			         plain: centre(code: "CBA") { id targetGroups { id } tasks datedTasks { text } } }`,
			[]string{"centre:cba", "centre:cba@2026-03-01"},
		},
		{
			"centres(asOf:) beside centres",
			`query { dated: centres(asOf: "2026-03-01") { id targetGroups { id } interventions { id } partners { id } }
			         plain: centres { id targetGroups { id } interventions { id } partners { id } } }`,
			[]string{"centre:cba", "centre:cba@2026-03-01", "centre:ungecenteret@2026-03-01"},
		},
		{
			"dependencyMatrix(asOf:) beside a plain centre",
			`query { dependencyMatrix(asOf: "2025-06-01") { centres { id targetGroups { id } } rows { centre { id } cells { centre { id interventions { id } } } } }
			         centres { id targetGroups { id } interventions { id } } }`,
			[]string{"centre:ungecenteret", "centre:ungecenteret@2025-06-01"},
		},
		{
			"dependencies(asOf:): the other centre is seen as of that day",
			`query { centre(code: "CSI") { id dependencies(asOf: "2026-03-01") { centre { id targetGroups { id } } } }
			         centres { id targetGroups { id } } }`,
			[]string{"centre:cba", "centre:cba@2026-03-01"},
		},
		{
			"node(id:) of a dated view beside the plain node",
			`query { dated: node(id: "centre:cba@2026-03-01") { id ... on Centre { targetGroups { id } } }
			         plain: node(id: "centre:cba") { id ... on Centre { targetGroups { id } } } }`,
			[]string{"centre:cba", "centre:cba@2026-03-01"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data any
			if err := json.Unmarshal(mustData(t, h, tt.query, nil), &data); err != nil {
				t.Fatal(err)
			}
			seen := map[string]map[string]string{} // id → field → value as JSON
			walkObjects(data, func(obj map[string]any) {
				id, ok := obj["id"].(string)
				if !ok {
					return
				}
				if seen[id] == nil {
					seen[id] = map[string]string{}
				}
				for field, v := range obj {
					b, _ := json.Marshal(v)
					if was, ok := seen[id][field]; ok && was != string(b) {
						t.Errorf("%s.%s has two values:\n%s\n%s", id, field, was, b)
					}
					seen[id][field] = string(b)
				}
			})
			for _, id := range tt.ids {
				if seen[id] == nil {
					t.Errorf("no object with id %s in the answer", id)
				}
			}
		})
	}
}

// walkObjects calls f on every JSON object in v, outermost first.
func walkObjects(v any, f func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(v)
		for _, w := range v {
			walkObjects(w, f)
		}
	case []any:
		for _, w := range v {
			walkObjects(w, f)
		}
	}
}

// TestDatedViews: a centre seen as of a day has the id of that view, and
// node(id:) gives back the same view.
func TestDatedViews(t *testing.T) {
	h := newHandler(t, seededStore(t))
	type centre struct {
		ID           string `json:"id"`
		TargetGroups []struct {
			ID string `json:"id"`
		} `json:"targetGroups"`
	}
	var viaCode, viaNode, plain struct{ C *centre }
	decode := func(query string, into any) {
		t.Helper()
		if err := json.Unmarshal(mustData(t, h, query, nil), into); err != nil {
			t.Fatal(err)
		}
	}
	decode(`{ c: centre(code: "CBA", asOf: "2026-03-01") { id targetGroups { id } } }`, &viaCode)
	decode(`{ c: node(id: "centre:cba@2026-03-01") { id ... on Centre { targetGroups { id } } } }`, &viaNode)
	decode(`{ c: centre(code: "CBA") { id targetGroups { id } } }`, &plain)

	if viaCode.C == nil || viaCode.C.ID != "centre:cba@2026-03-01" {
		t.Fatalf("centre(asOf:) id: got %+v, want centre:cba@2026-03-01", viaCode.C)
	}
	if plain.C == nil || plain.C.ID != "centre:cba" {
		t.Fatalf("plain centre id: got %+v, want centre:cba", plain.C)
	}
	if viaNode.C == nil || fmt.Sprint(*viaNode.C) != fmt.Sprint(*viaCode.C) {
		t.Errorf("node(id:) of the view:\n got %+v\nwant %+v", viaNode.C, viaCode.C)
	}
	if len(viaCode.C.TargetGroups) >= len(plain.C.TargetGroups) {
		t.Errorf("on 2026-03-01 CBA serves %d target groups, plainly %d: the day should narrow them",
			len(viaCode.C.TargetGroups), len(plain.C.TargetGroups))
	}

	t.Run("a view of a day the centre does not exist is null", func(t *testing.T) {
		from, before := domain.Date("2027-01-01"), domain.Date("2026-12-31")
		n := &domain.Node{ID: "centre:ny", Kind: domain.KindCentre, ValidFrom: &from}
		got, err := model.View{Node: n.ID, Day: &before}.Wrap(n)
		if err != nil || got != nil {
			t.Errorf("Wrap on %s of a centre from %s = %v, %v; want nil, nil", before, from, got, err)
		}
		got, err = model.View{Node: n.ID, Day: &from}.Wrap(n)
		if c, ok := got.(*model.Centre); err != nil || !ok || c.ViewID() != "centre:ny@2027-01-01" {
			t.Errorf("Wrap on %s = %v, %v; want the centre seen as of that day", from, got, err)
		}
	})
}

// TestViewIDsRefused: ids node(id:) cannot read are BAD_USER_INPUT.
func TestViewIDsRefused(t *testing.T) {
	h := newHandler(t, seededStore(t))
	for _, id := range []string{
		"centre:cba@",
		"centre:cba@2026-13-01",
		"centre:cba@2026-3-1",
		"centre:cba@2026-03-01@2026-03-02",
		"@2026-03-01",
		"targetgroup:fleksjob@2026-03-01", // only a centre is seen as of a day
	} {
		t.Run(id, func(t *testing.T) {
			status, body, resp := do(t, h, http.MethodPost, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			if !slices.Equal(codes(resp), []string{apierr.BadUserInput}) {
				t.Errorf("status %d, codes %v, want [BAD_USER_INPUT]: %s", status, codes(resp), body)
			}
		})
	}
}

func TestViewRoundTrip(t *testing.T) {
	day := domain.Date("2026-03-01")
	for _, v := range []model.View{
		{Node: "centre:cba"},
		{Node: "centre:cba", Day: &day},
		{Node: "targetgroup:fleksjob"},
	} {
		got, err := model.ParseView(v.ID())
		if err != nil {
			t.Fatalf("ParseView(%q): %v", v.ID(), err)
		}
		if got.ID() != v.ID() {
			t.Errorf("ParseView(%q).ID() = %q", v.ID(), got.ID())
		}
	}
}
