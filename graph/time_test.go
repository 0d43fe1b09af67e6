package graph_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// TestCentreAsOf holds the behaviours the planners asked for: a centre read
// as of a day shows what holds that day, in every list.
func TestCentreAsOf(t *testing.T) {
	checkIDs(t, newHandler(t, seededStore(t)), []idCase{
		{
			"on 2026-03-01 CBA no longer serves ressourceforløb nor revalidering",
			`{ centre(code: "CBA", asOf: "2026-03-01") { targetGroups { id } } }`,
			[]string{"targetgroup:fleksjob", "targetgroup:aktivitetsparate-kontanthjaelpsmodtagere"},
			[]string{"targetgroup:ressourceforloeb", "targetgroup:revalidering"},
		},
		{
			"on 2026-01-31 it still serves both",
			`{ centre(code: "CBA", asOf: "2026-01-31") { targetGroups { id } } }`,
			[]string{"targetgroup:ressourceforloeb", "targetgroup:revalidering"}, nil,
		},
		{
			"without asOf, everything whatever its dates",
			`{ centre(code: "CBA") { targetGroups { id } } }`,
			[]string{"targetgroup:ressourceforloeb", "targetgroup:revalidering"}, nil,
		},
		{
			"a field's own asOf wins over the centre's",
			`{ centre(code: "CBA", asOf: "2026-03-01") { targetGroups(asOf: "2026-01-31") { id } } }`,
			[]string{"targetgroup:ressourceforloeb"}, nil,
		},
		{
			"a field's asOf works on an undated centre too",
			`{ centre(code: "CBA") { targetGroups(asOf: "2026-02-01") { id } } }`,
			nil, []string{"targetgroup:ressourceforloeb"},
		},
		{
			"Ungecenteret delivers UU vejledning from 2026-01-01",
			`{ centre(code: "Ungecenteret", asOf: "2026-01-01") { interventions { id } } }`,
			[]string{"intervention:uu-vejledning", "intervention:drift-af-stu-institutioner"}, nil,
		},
		{
			"and not on 2025-12-31",
			`{ centre(code: "Ungecenteret", asOf: "2025-12-31") { interventions { id } } }`,
			[]string{"intervention:samtaler-med-unge"},
			[]string{"intervention:uu-vejledning", "intervention:drift-af-stu-institutioner"},
		},
		{
			"before 2026 no BIF centre delivers the moved task",
			`{ centres(asOf: "2025-06-01") { interventions { id } } }`,
			[]string{"intervention:samtaler-med-unge"},
			[]string{"intervention:uu-vejledning", "intervention:drift-af-stu-institutioner"},
		},
		{
			"partners and transfers that join with the ressortaftale",
			`{ before: centre(code: "Ungecenteret", asOf: "2025-12-31") { partners { id } receives { id } } }`,
			[]string{"organisation:sof"},
			[]string{"organisation:fgu", "organisation:uiu", "transfer:ungeindsats"},
		},
		{
			"the same on the day they join",
			`{ after: centre(code: "Ungecenteret", asOf: "2026-01-01") { partners { id } receives { id } } }`,
			[]string{"organisation:fgu", "organisation:uiu", "transfer:ungeindsats"}, nil,
		},
		{
			"affectedBy is never narrowed: the items still to come show",
			`{ centre(code: "CBA", asOf: "2025-01-01") { affectedBy { id } } }`,
			[]string{"reformchange:afskaffelse-af-ressourceforloeb", "reformchange:afskaffelse-af-rehabiliteringsteams"}, nil,
		},
	})
}

// TestCentreTasksAsOf dates two of CDØ's tasks in a copy of the seed (the
// document dates none of a centre's own) and reads them on either side.
func TestCentreTasksAsOf(t *testing.T) {
	g := seedtest.Graph(t)
	day := domain.Date("2026-01-01")
	var tasks []domain.Task
	for _, n := range g.Nodes {
		if n.ID == "centre:cdoe" {
			n.Tasks[0].ValidTo = &day   // ends on 2026-01-01
			n.Tasks[1].ValidFrom = &day // starts on 2026-01-01
			tasks = n.Tasks
		}
	}
	st := seedtest.Mem(t, g)
	h := newHandler(t, st)
	all := make([]string, len(tasks))
	for i, tk := range tasks {
		all[i] = tk.Text
	}
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"undated: every task", `{ centre(code: "CDØ") { tasks } }`, all},
		{"2025: the first, not the second", `{ centre(code: "CDØ", asOf: "2025-12-31") { tasks } }`, slices.Delete(slices.Clone(all), 1, 2)},
		{"2026: the second, not the first", `{ centre(code: "CDØ", asOf: "2026-01-01") { tasks } }`, all[1:]},
		{"the field's own day", `{ centre(code: "CDØ", asOf: "2026-01-01") { tasks(asOf: "2025-12-31") } }`, slices.Delete(slices.Clone(all), 1, 2)},
		{"datedTasks alike", `{ centre(code: "CDØ", asOf: "2026-01-01") { tasks: datedTasks { text } } }`, all[1:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Centre struct{ Tasks json.RawMessage }
			}
			if err := json.Unmarshal(mustData(t, h, tt.query, nil), &resp); err != nil {
				t.Fatal(err)
			}
			var got []string
			if err := json.Unmarshal(resp.Centre.Tasks, &got); err != nil {
				got = nil
				var dated []struct{ Text string }
				if err := json.Unmarshal(resp.Centre.Tasks, &dated); err != nil {
					t.Fatal(err)
				}
				for _, d := range dated {
					got = append(got, d.Text)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCentreChanges(t *testing.T) {
	c := client.New(newHandler(t, seededStore(t)))
	tests := []struct {
		name, code, from, to string
		want                 []string // "date CHANGE RELATIONSHIP node [because...]"
	}{
		{"CBA early 2026", "CBA", "2026-01-01", "2026-03-01", []string{
			"2026-02-01 REMOVED SERVES targetgroup:ressourceforloeb [reformchange:afskaffelse-af-ressourceforloeb]",
			"2026-02-01 REMOVED SERVES targetgroup:revalidering [reformchange:afskaffelse-af-revalidering]",
		}},
		{"CBA after the phase-outs", "CBA", "2026-03-01", "2026-12-31", nil},
		{"CBE to 2027", "CBE", "2026-01-01", "2027-01-01", []string{
			"2027-01-01 REMOVED SERVES targetgroup:jobafklaringsforloeb [reformchange:afskaffelse-af-jobafklaringsforloeb]",
		}},
		{"one day: from is excluded, to included", "CBE", "2027-01-01", "2027-01-01", nil},
		{"Ungecenteret at the ressortaftale", "Ungecenteret", "2025-12-31", "2026-01-01", []string{
			"2026-01-01 ADDED DELIVERS intervention:uu-vejledning [transfer:ungeindsats]",
			"2026-01-01 ADDED DELIVERS intervention:drift-af-stu-institutioner [transfer:ungeindsats]",
			"2026-01-01 ADDED WORKS_WITH organisation:uiu [transfer:ungeindsats]",
			"2026-01-01 ADDED WORKS_WITH organisation:csv [transfer:ungeindsats]",
			"2026-01-01 ADDED WORKS_WITH organisation:lavuk []",
			"2026-01-01 ADDED WORKS_WITH organisation:fgu []",
			"2026-01-01 ADDED MOVES_TO transfer:ungeindsats []",
		}},
		{"a centre with no dated links", "CDØ", "2025-01-01", "2030-01-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Centre struct {
					Changes []struct {
						Date, Change, Statement string
						Relationship            *string
						Node                    *struct{ ID string }
						Because                 []struct{ ID string }
					}
				}
			}
			c.MustPost(`query($code: String!, $from: Date!, $to: Date!) {
				centre(code: $code) { changes(from: $from, to: $to) { date change relationship node { id } because { id } statement } }
			}`, &resp, client.Var("code", tt.code), client.Var("from", tt.from), client.Var("to", tt.to))
			var got []string
			for _, ch := range resp.Centre.Changes {
				var because []string
				for _, b := range ch.Because {
					because = append(because, b.ID)
				}
				if ch.Relationship == nil || ch.Node == nil {
					t.Fatalf("a link change without relationship or node: %+v", ch)
				}
				got = append(got, fmt.Sprintf("%s %s %s %s [%s]", ch.Date, ch.Change, *ch.Relationship, ch.Node.ID, strings.Join(because, " ")))
				if !strings.HasPrefix(ch.Statement, "From "+ch.Date+" ") || strings.Contains(ch.Statement, "no longer") != (ch.Change == "REMOVED") {
					t.Errorf("statement %q does not say %s on %s", ch.Statement, ch.Change, ch.Date)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("changes:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCentreChangesStatement(t *testing.T) {
	c := client.New(newHandler(t, seededStore(t)))
	var resp struct {
		Centre struct{ Changes []struct{ Statement string } }
	}
	c.MustPost(`{ centre(code: "CBA") { changes(from: "2026-01-01", to: "2026-03-01") { statement } } }`, &resp)
	want := "From 2026-02-01 CBA no longer SERVES Ressourceforløb, because of Afskaffelse af ressourceforløb"
	if len(resp.Centre.Changes) == 0 || resp.Centre.Changes[0].Statement != want {
		t.Errorf("got %+v, want first %q", resp.Centre.Changes, want)
	}
}

func TestTimelineOrder(t *testing.T) {
	h := newHandler(t, seededStore(t))
	kindRank := []string{"REFORM_PHASE", "REFORM_CHANGE", "TRANSFER", "STARTS", "ENDS", "SAVINGS_YEAR"}
	type entry struct {
		Date, Kind string
		Node       struct{ ID, Typename string }
	}
	read := func(t *testing.T, from, to any) []entry {
		var resp struct{ Timeline []entry }
		data := mustData(t, h, `query($from: Date, $to: Date) { timeline(from: $from, to: $to) { date kind node { id } } }`,
			map[string]any{"from": from, "to": to})
		if err := json.Unmarshal(data, &resp); err != nil {
			t.Fatal(err)
		}
		return resp.Timeline
	}
	all := read(t, nil, nil)
	t.Run("date order, then kind", func(t *testing.T) {
		if len(all) == 0 {
			t.Fatal("empty timeline")
		}
		for i := 1; i < len(all); i++ {
			a, b := all[i-1], all[i]
			if c := cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(slices.Index(kindRank, a.Kind), slices.Index(kindRank, b.Kind))); c > 0 {
				t.Errorf("out of order at %d: %+v before %+v", i, a, b)
			}
		}
	})
	t.Run("every kind of event", func(t *testing.T) {
		count := map[string]int{}
		for _, e := range all {
			count[e.Kind]++
		}
		want := map[string]int{"REFORM_PHASE": 3, "REFORM_CHANGE": 29, "TRANSFER": 2, "SAVINGS_YEAR": 5, "STARTS": 2, "ENDS": 3}
		if !reflect.DeepEqual(count, want) {
			t.Errorf("counts %v, want %v", count, want)
		}
	})
	windows := []struct {
		name     string
		from, to any
		want     int
		first    string // the first entry's node
	}{
		{"1 July 2026", "2026-07-01", "2026-07-01", 6, "reformphase:2026-07-01"},
		{"the ressortaftale's day", "2026-01-01", "2026-01-01", 5, "transfer:erhvervsindsats"},
		{"from 2027", "2027-01-01", nil, 17, "reformphase:2027-01-01"}, // the phase, 11 items, an end, 4 savings years
		{"until 2025", nil, "2025-12-31", 0, ""},
	}
	for _, w := range windows {
		t.Run(w.name, func(t *testing.T) {
			got := read(t, w.from, w.to)
			if len(got) != w.want {
				t.Fatalf("got %d entries, want %d: %+v", len(got), w.want, got)
			}
			if w.want > 0 && got[0].Node.ID != w.first {
				t.Errorf("first %s, want %s", got[0].Node.ID, w.first)
			}
			for _, e := range got {
				if s, ok := w.from.(string); ok && e.Date < s {
					t.Errorf("%+v before from", e)
				}
				if s, ok := w.to.(string); ok && e.Date > s {
					t.Errorf("%+v after to", e)
				}
			}
		})
	}
	t.Run("to before from", func(t *testing.T) {
		_, body, resp := do(t, h, http.MethodPost, `{ timeline(from: "2027-01-01", to: "2026-01-01") { date } }`, nil)
		if got := codes(resp); !slices.Equal(got, []string{apierr.BadUserInput}) {
			t.Errorf("codes %v:\n%s", got, body)
		}
	})
}
