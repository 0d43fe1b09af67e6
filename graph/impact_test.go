package graph_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
)

func TestPaths(t *testing.T) {
	h := newHandler(t, seededStore(t))
	type step struct {
		From, To     struct{ ID string }
		Basis        string
		Relationship string
	}
	type path struct {
		Basis string
		Steps []step
	}
	query := `query($from: ID!, $to: ID!, $maxLength: Int, $first: Int) {
		paths(from: $from, to: $to, maxLength: $maxLength, first: $first) { basis steps { from { id } to { id } basis relationship } }
	}`
	tests := []struct {
		name       string
		from, to   string
		maxLength  any // nil: the default
		first      any
		wantCode   string
		wantMin    int // at least this many paths
		wantMax    int // at most (0: first's bound)
		wantMaxLen int // longest path allowed
	}{
		{"SOF to Ydelsesservice, defaults", "organisation:sof", "centre:ydelsesservice", nil, nil, "", 5, 10, 4},
		{"at most one", "organisation:sof", "centre:ydelsesservice", nil, 1, "", 1, 1, 4},
		{"a hundred", "organisation:sof", "centre:ydelsesservice", 5, 100, "", 11, 100, 5},
		{"one step: SOF works with CBA", "organisation:sof", "centre:cba", 1, nil, "", 1, 1, 1},
		{"none within one step", "organisation:sof", "centre:ydelsesservice", 1, nil, "", 0, 0, 1},
		{"explicit nulls take the defaults", "organisation:sof", "centre:ydelsesservice", nil, nil, "", 5, 10, 4},
		{"maxLength 0", "organisation:sof", "centre:cba", 0, nil, apierr.BadUserInput, 0, 0, 0},
		{"maxLength 6", "organisation:sof", "centre:cba", 6, nil, apierr.BadUserInput, 0, 0, 0},
		{"first 0", "organisation:sof", "centre:cba", nil, 0, apierr.BadUserInput, 0, 0, 0},
		{"first 101", "organisation:sof", "centre:cba", nil, 101, apierr.BadUserInput, 0, 0, 0},
		{"unknown from", "organisation:atlantis", "centre:cba", nil, nil, apierr.NotFound, 0, 0, 0},
		{"unknown to", "organisation:sof", "centre:atlantis", nil, nil, apierr.NotFound, 0, 0, 0},
		{"malformed id", "sof", "centre:cba", nil, nil, apierr.BadUserInput, 0, 0, 0},
		{"the same node", "centre:cba", "centre:cba", nil, nil, apierr.BadUserInput, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]any{"from": tt.from, "to": tt.to, "maxLength": tt.maxLength, "first": tt.first}
			_, body, resp := do(t, h, http.MethodPost, query, vars)
			if tt.wantCode != "" {
				if got := codes(resp); !slices.Equal(got, []string{tt.wantCode}) {
					t.Fatalf("codes %v, want [%s]:\n%s", got, tt.wantCode, body)
				}
				if strings.Contains(body, "memstore") || strings.Contains(body, "planner") {
					t.Errorf("the message names the store or planner:\n%s", body)
				}
				return
			}
			if len(resp.Errors) > 0 {
				t.Fatalf("errors:\n%s", body)
			}
			var out struct{ Paths []path }
			if err := json.Unmarshal(resp.Data, &out); err != nil {
				t.Fatal(err)
			}
			if n := len(out.Paths); n < tt.wantMin || n > tt.wantMax {
				t.Fatalf("%d paths, want %d to %d", n, tt.wantMin, tt.wantMax)
			}
			for i, p := range out.Paths {
				if len(p.Steps) == 0 || len(p.Steps) > tt.wantMaxLen {
					t.Errorf("path %d has %d steps", i, len(p.Steps))
				}
				if i > 0 && len(p.Steps) < len(out.Paths[i-1].Steps) {
					t.Errorf("path %d is shorter than the one before", i)
				}
				explicit := true
				for j, s := range p.Steps {
					explicit = explicit && s.Basis == "EXPLICIT"
					if j == 0 && s.From.ID != tt.from || j == len(p.Steps)-1 && s.To.ID != tt.to || j > 0 && s.From.ID != p.Steps[j-1].To.ID {
						t.Errorf("path %d does not chain from %s to %s: %+v", i, tt.from, tt.to, p.Steps)
					}
				}
				if (p.Basis == "EXPLICIT") != explicit {
					t.Errorf("path %d basis %s, steps explicit %v", i, p.Basis, explicit)
				}
			}
		})
	}
}

// aggregates is what Impact and CombinedImpact share.
const aggregates = `centres { centre { code } basis } targetGroups { id } interventions { id } benefits { id } items { id }
	fullTimePersons fullTimePersonsComplete centreFullTimePersons centreEmployees centreBudget { amountDKK }`

func TestImpactOfAllCountsNothingTwice(t *testing.T) {
	h := newHandler(t, seededStore(t))
	same := func(t *testing.T, single string, ids ...string) {
		t.Helper()
		var one struct{ Impact json.RawMessage }
		if err := json.Unmarshal(mustData(t, h, `query($of: ID!) { impact(of: $of) { `+aggregates+` } }`, map[string]any{"of": single}), &one); err != nil {
			t.Fatal(err)
		}
		var all struct{ ImpactOfAll json.RawMessage }
		if err := json.Unmarshal(mustData(t, h, `query($ids: [ID!]!) { impactOfAll(ids: $ids) { `+aggregates+` } }`, map[string]any{"ids": ids}), &all); err != nil {
			t.Fatal(err)
		}
		// Items come in the order the ids give them; the rest is the same.
		var a, b map[string]any
		if err := json.Unmarshal(one.Impact, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(all.ImpactOfAll, &b); err != nil {
			t.Fatal(err)
		}
		items := func(m map[string]any) []string {
			var out []string
			for _, it := range m["items"].([]any) {
				out = append(out, it.(map[string]any)["id"].(string))
			}
			slices.Sort(out)
			delete(m, "items")
			return out
		}
		itemsA, itemsB := items(a), items(b)
		if !reflect.DeepEqual(a, b) || !slices.Equal(itemsA, itemsB) {
			t.Errorf("impactOfAll(%v) differs from impact(%s):\n%s\n%s", ids, single, all.ImpactOfAll, one.Impact)
		}
	}
	tests := []struct {
		name   string
		single string
		ids    []string
	}{
		{"a phase and one of its items", "reformphase:2026-07-01", []string{"reformphase:2026-07-01", "reformchange:afskaffelse-af-rehabiliteringsteams"}},
		{"the item first", "reformphase:2026-07-01", []string{"reformchange:afskaffelse-af-rehabiliteringsteams", "reformphase:2026-07-01"}},
		{"a phase alone", "reformphase:2026-02-01", []string{"reformphase:2026-02-01"}},
		{"a phase twice", "reformphase:2026-02-01", []string{"reformphase:2026-02-01", "reformphase:2026-02-01"}},
		{"the reform and a phase", "reform:beskaeftigelsesreform", []string{"reform:beskaeftigelsesreform", "reformphase:2027-01-01"}},
		{"an item alone", "reformchange:afskaffelse-af-ressourceforloeb", []string{"reformchange:afskaffelse-af-ressourceforloeb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { same(t, tt.single, tt.ids...) })
	}

	t.Run("two items reaching the same centres count each centre once", func(t *testing.T) {
		var resp struct {
			A, B, Both struct{ CentreEmployees int }
		}
		q := `{ a: impact(of: "reformchange:afskaffelse-af-ressourceforloeb") { centreEmployees }
			b: impact(of: "reformchange:afskaffelse-af-revalidering") { centreEmployees }
			both: impactOfAll(ids: ["reformchange:afskaffelse-af-ressourceforloeb", "reformchange:afskaffelse-af-revalidering"]) { centreEmployees } }`
		if err := json.Unmarshal(mustData(t, h, q, nil), &resp); err != nil {
			t.Fatal(err)
		}
		// Both reach CBA and Ydelsesservice: 480 + 246 employees, once.
		if resp.A.CentreEmployees != 726 || resp.B.CentreEmployees != 726 || resp.Both.CentreEmployees != 726 {
			t.Errorf("employees %+v, want 726 each", resp)
		}
	})

	many := make([]string, 101)
	for i := range many {
		many[i] = "centre:cbe"
	}
	errs := []struct {
		name     string
		ids      []string
		wantCode string
	}{
		{"none", []string{}, apierr.BadUserInput},
		{"too many", many, apierr.BadUserInput},
		{"a hundred", many[:100], ""},
		{"an unknown id", []string{"reformphase:2026-07-01", "reformchange:atlantis"}, apierr.NotFound},
		{"a malformed id", []string{"reformphase:2026-07-01", "atlantis"}, apierr.BadUserInput},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, body, resp := do(t, h, http.MethodPost, `query($ids: [ID!]!) { impactOfAll(ids: $ids) { centreEmployees } }`, map[string]any{"ids": tt.ids})
			checkCode(t, body, resp, tt.wantCode)
			if tt.wantCode == apierr.NotFound && !strings.Contains(body, `no node has id \"reformchange:atlantis\"`) {
				t.Errorf("the message does not name the unknown id:\n%s", body)
			}
		})
	}
}
