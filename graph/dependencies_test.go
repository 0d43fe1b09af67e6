package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/client"
)

type matrix struct {
	Centres []struct{ Code string }
	Rows    []struct {
		Centre struct{ Code string }
		Cells  []cell
	}
}

type cell struct {
	Centre                                                     struct{ Code string }
	Total, TargetGroups, Interventions, Partners, BenefitFlows int
}

func TestDependencyMatrix(t *testing.T) {
	h := newHandler(t, seededStore(t))
	orgChart := []string{"CBE", "CBA", "Ungecenteret", "CSI", "Ydelsesservice", "Centralforvaltningen", "CDØ"}
	for _, asOf := range []any{nil, "2025-06-01", "2026-03-01", "2027-06-01"} {
		t.Run(fmt.Sprint(asOf), func(t *testing.T) {
			var resp struct {
				DependencyMatrix matrix
				Centres          []struct {
					Code         string
					Dependencies []struct {
						Centre                                                     struct{ Code string }
						Total, TargetGroups, Interventions, Partners, BenefitFlows int
						Shared                                                     []struct{ Kind string }
					}
				}
			}
			q := `query($asOf: Date) {
				dependencyMatrix(asOf: $asOf) { centres { code } rows { centre { code } cells { centre { code } total targetGroups interventions partners benefitFlows } } }
				centres(asOf: $asOf) { code dependencies { centre { code } total targetGroups interventions partners benefitFlows shared { kind } } }
			}`
			if err := json.Unmarshal(mustData(t, h, q, map[string]any{"asOf": asOf}), &resp); err != nil {
				t.Fatal(err)
			}
			m := resp.DependencyMatrix
			at := map[[2]string]cell{}
			var codes []string
			for _, c := range m.Centres {
				codes = append(codes, c.Code)
			}
			if !slices.Equal(codes, orgChart) {
				t.Fatalf("centres %v", codes)
			}
			for i, row := range m.Rows {
				if row.Centre.Code != orgChart[i] {
					t.Fatalf("row %d is %s", i, row.Centre.Code)
				}
				var others []string
				for _, c := range row.Cells {
					others = append(others, c.Centre.Code)
					at[[2]string{row.Centre.Code, c.Centre.Code}] = c
					if c.Total != c.TargetGroups+c.Interventions+c.Partners+c.BenefitFlows {
						t.Errorf("%s/%s: total %d is not the sum of its parts", row.Centre.Code, c.Centre.Code, c.Total)
					}
				}
				if want := slices.DeleteFunc(slices.Clone(orgChart), func(c string) bool { return c == row.Centre.Code }); !slices.Equal(others, want) {
					t.Errorf("row %s: cells %v, want %v", row.Centre.Code, others, want)
				}
			}
			// Shared target groups, interventions and partners are shared
			// both ways; so is a benefit flow, seen from payer or server.
			for k, c := range at {
				back := at[[2]string{k[1], k[0]}]
				if c.TargetGroups != back.TargetGroups || c.Interventions != back.Interventions || c.Partners != back.Partners || c.BenefitFlows != back.BenefitFlows {
					t.Errorf("%s→%s %+v, but %s→%s %+v", k[0], k[1], c, k[1], k[0], back)
				}
			}
			// Centre.dependencies agrees with the matrix, most shared first.
			for _, c := range resp.Centres {
				nonzero := 0
				for i, d := range c.Dependencies {
					if i > 0 && d.Total > c.Dependencies[i-1].Total {
						t.Errorf("%s: dependencies not most shared first", c.Code)
					}
					kinds := map[string]int{}
					for _, s := range d.Shared {
						kinds[s.Kind]++
					}
					want := at[[2]string{c.Code, d.Centre.Code}]
					got := cell{Centre: d.Centre, Total: d.Total, TargetGroups: d.TargetGroups, Interventions: d.Interventions, Partners: d.Partners, BenefitFlows: d.BenefitFlows}
					if got != want || len(d.Shared) != d.Total || kinds["TARGET_GROUP"] != d.TargetGroups || kinds["INTERVENTION"] != d.Interventions || kinds["PARTNER"] != d.Partners || kinds["BENEFIT_FLOW"] != d.BenefitFlows {
						t.Errorf("%s→%s: dependency %+v (%d shared), matrix %+v", c.Code, d.Centre.Code, got, len(d.Shared), want)
					}
					nonzero++
				}
				zero := 0
				for k, cl := range at {
					if k[0] == c.Code && cl.Total > 0 {
						zero++
					}
				}
				if nonzero != zero {
					t.Errorf("%s: %d dependencies, %d nonzero cells", c.Code, nonzero, zero)
				}
			}
		})
	}
}

func TestSharedItemStatement(t *testing.T) {
	c := client.New(newHandler(t, seededStore(t)))
	var resp struct {
		CBA, Ydelsesservice struct {
			Dependencies []struct {
				Centre struct{ Code string }
				Shared []struct {
					Kind, Basis, Statement string
					Node                   struct{ ID string }
					TargetGroup            *struct{ ID string }
					Rationales             []string
				}
			}
		}
	}
	c.MustPost(`{
		cba: centre(code: "CBA") { dependencies { centre { code } shared { kind basis statement node { id } targetGroup { id } rationales } } }
		ydelsesservice: centre(code: "Ydelsesservice") { dependencies { centre { code } shared { kind basis statement node { id } targetGroup { id } rationales } } }
	}`, &resp)
	statements := map[string]bool{}
	for _, side := range []string{"CBA", "Ydelsesservice"} {
		deps := resp.CBA.Dependencies
		if side == "Ydelsesservice" {
			deps = resp.Ydelsesservice.Dependencies
		}
		for _, d := range deps {
			for _, s := range d.Shared {
				statements[side+": "+s.Statement] = true
				if (s.Kind == "BENEFIT_FLOW") != (s.TargetGroup != nil) {
					t.Errorf("%s: targetGroup %v on a %s", s.Statement, s.TargetGroup, s.Kind)
				}
				if (s.Basis == "EXPLICIT") != (len(s.Rationales) == 0) {
					t.Errorf("%s: basis %s with rationales %q", s.Statement, s.Basis, s.Rationales)
				}
			}
		}
	}
	for _, want := range []string{
		// A benefit flow reads from the payer, from either side.
		"CBA: Ydelsesservice PAYS kontanthjælp PAID_TO Aktivitetsparate kontanthjælpsmodtagere, whom CBA SERVES",
		"Ydelsesservice: Ydelsesservice PAYS kontanthjælp PAID_TO Aktivitetsparate kontanthjælpsmodtagere, whom CBA SERVES",
		"CBA: CBA DELIVERS Samtaler med borgere, which CBE DELIVERS",
		"CBA: SOF WORKS_WITH CBA and WORKS_WITH Ungecenteret",
	} {
		if !statements[want] {
			t.Errorf("missing %q among\n%q", want, slices.Sorted(func(yield func(string) bool) {
				for s := range statements {
					if !yield(s) {
						return
					}
				}
			}))
		}
	}
}

// TestDependenciesAsOf: dependencies, and the centres they lead to, read on
// the day their centre or the matrix was fetched as of.
func TestDependenciesAsOf(t *testing.T) {
	checkIDs(t, newHandler(t, seededStore(t)), []idCase{
		{
			"dependencies inherit the centres' day",
			`{ centres(asOf: "2026-03-01") { dependencies { shared { targetGroup { id } } } } }`,
			[]string{"targetgroup:aktivitetsparate-kontanthjaelpsmodtagere"},
			[]string{"targetgroup:ressourceforloeb", "targetgroup:revalidering"},
		},
		{
			"the dependency's centre inherits the day too",
			`{ centre(code: "Ydelsesservice", asOf: "2026-03-01") { dependencies { centre { targetGroups { id } } } } }`,
			[]string{"targetgroup:fleksjob"}, []string{"targetgroup:ressourceforloeb"},
		},
		{
			"the matrix's centres carry its day",
			`{ dependencyMatrix(asOf: "2026-03-01") { centres { targetGroups { id } } } }`,
			[]string{"targetgroup:fleksjob"}, []string{"targetgroup:ressourceforloeb"},
		},
	})
}
