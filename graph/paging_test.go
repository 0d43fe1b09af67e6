package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
)

// bothStores gives a test the seed in each store: the embedded one and the
// test Neo4j (which the test fails without, as every Neo4j test does).
func bothStores(t *testing.T) map[string]func(t *testing.T) store.Store {
	return map[string]func(t *testing.T) store.Store{
		"memory": func(t *testing.T) store.Store { return seededStore(t) },
		"neo4j": func(t *testing.T) store.Store {
			st := neo4jtest.Store(t)
			if err := st.Load(context.Background(), seedtest.Graph(t)); err != nil {
				t.Fatal(err)
			}
			return st
		},
	}
}

// pagedCase is a connection to page through: field is its selection with
// its own arguments and $first, $after, $last, $before (inside open and
// close, where it hangs below a root), node the selection of an edge's
// node that yields its id, list the plain list it must page through.
type pagedCase struct {
	name, open, field, node, list string
}

// pagedCases are every connection, over lists long enough to page.
func pagedCases() []pagedCase {
	const args = `first: $first, after: $after, last: $last, before: $before`
	out := []pagedCase{
		{name: "centres", field: `centresConnection(` + args + `)`, list: `{ centres { id } }`},
		{name: "centres by employees", field: `centresConnection(` + args + `, orderBy: [{ field: EMPLOYEES, direction: DESC }])`, list: `{ centresConnection(first: 100, orderBy: { field: EMPLOYEES, direction: DESC }) { edges { node { id } } } }`},
		{name: "units", field: `unitsConnection(` + args + `)`, list: `{ units { id } }`},
		{name: "CBE's target groups", open: `centre(code: "CBE") {`, field: `targetGroupsConnection(` + args + `)`, list: `{ centre(code: "CBE") { targetGroups { id } } }`},
		{name: "CBA's target groups on 1 March 2026", open: `centre(code: "CBA", asOf: "2026-03-01") {`, field: `targetGroupsConnection(` + args + `)`, list: `{ centre(code: "CBA", asOf: "2026-03-01") { targetGroups { id } } }`},
		{name: "CBA's interventions by name", open: `centre(code: "CBA") {`, field: `interventionsConnection(` + args + `, orderBy: [{ field: NAME }])`, list: `{ centre(code: "CBA") { interventionsConnection(first: 100, orderBy: [{ field: NAME }]) { edges { node { id } } } } }`},
		{name: "Centralforvaltningen's units", open: `centre(code: "Centralforvaltningen") {`, field: `unitsConnection(` + args + `)`, list: `{ centre(code: "Centralforvaltningen") { units { id } } }`},
		{name: "Ydelsesservice's benefits", open: `centre(code: "Ydelsesservice") {`, field: `benefitsConnection(` + args + `)`, list: `{ centre(code: "Ydelsesservice") { benefits { id } } }`},
		{name: "Ungecenteret's partners", open: `centre(code: "Ungecenteret") {`, field: `partnersConnection(` + args + `)`, list: `{ centre(code: "Ungecenteret") { partners { id } } }`},
		{name: "CBA's links", open: `node(id: "centre:cba") {`, field: `linksConnection(` + args + `)`, node: `node { id }`, list: `{ node(id: "centre:cba") { links { node { id } } } }`},
		{name: "CBA's outgoing SERVES links", open: `node(id: "centre:cba") {`, field: `linksConnection(relationship: SERVES, direction: OUTGOING, ` + args + `)`, node: `node { id }`, list: `{ node(id: "centre:cba") { links(relationship: SERVES, direction: OUTGOING) { node { id } } } }`},
		{name: "what affects CBE", open: `centre(code: "CBE") {`, field: `affectedByConnection(` + args + `)`, list: `{ centre(code: "CBE") { affectedBy { id } } }`},
		{name: "the changes of 1 February 2026", open: `node(id: "reformphase:2026-02-01") { ... on ReformPhase {`, field: `changesConnection(` + args + `)`, list: `{ node(id: "reformphase:2026-02-01") { ... on ReformPhase { changes { id } } } }`},
		{name: "search", field: `searchConnection(text: "fleks", ` + args + `)`, list: `{ search(text: "fleks", first: 100) { node { id } } }`},
		{name: "reform items by effective date", field: `reformChangesConnection(` + args + `, orderBy: [{ field: EFFECTIVE_DATE, direction: DESC }])`, list: `{ reformChangesConnection(first: 100, orderBy: [{ field: EFFECTIVE_DATE, direction: DESC }]) { edges { node { id } } } }`},
	}
	for _, c := range connectionCases {
		field := strings.ReplaceAll(c.field, "first: $first, after: $after", args)
		out = append(out, pagedCase{name: c.name, field: field, list: c.list})
	}
	return out
}

// connPage is one page of a connection as the tests read it.
type connPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []json.RawMessage
}

// fetchPage asks for one page of tc's connection.
func fetchPage(t *testing.T, h http.Handler, tc pagedCase, vars map[string]any) (connPage, []string) {
	t.Helper()
	node := tc.node
	if node == "" {
		node = "id"
	}
	close := strings.Repeat("}", strings.Count(tc.open, "{"))
	q := `query($first: Int, $after: String, $last: Int, $before: String) { ` + tc.open + ` c: ` + tc.field +
		` { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ` + node + ` } } } ` + close + ` }`
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(mustData(t, h, q, vars), &resp); err != nil {
		t.Fatal(err)
	}
	raw := resp["c"]
	for _, v := range resp {
		if raw == nil {
			var inner map[string]json.RawMessage
			if err := json.Unmarshal(v, &inner); err != nil {
				t.Fatal(err)
			}
			raw = inner["c"]
		}
	}
	var p connPage
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(p.Edges))
	for i, e := range p.Edges {
		var edge struct {
			Cursor string
			Node   json.RawMessage
		}
		if err := json.Unmarshal(e, &edge); err != nil {
			t.Fatal(err)
		}
		found := idsIn(t, edge.Node)
		if len(found) != 1 {
			t.Fatalf("an edge's node has ids %v", found)
		}
		ids[i] = found[0]
	}
	return p, ids
}

// TestConnectionsPageBothWays pages every connection two at a time from its
// start with first/after and from its end with last/before, on both stores:
// each way yields the plain list in order, and on every page
// hasPreviousPage and hasNextPage say exactly whether items lie before and
// after it.
func TestConnectionsPageBothWays(t *testing.T) {
	for storeName, open := range bothStores(t) {
		t.Run(storeName, func(t *testing.T) {
			h := newHandler(t, open(t))
			for _, tc := range pagedCases() {
				t.Run(tc.name, func(t *testing.T) {
					want := idsIn(t, mustData(t, h, tc.list, nil))
					if len(want) < 3 {
						t.Fatalf("the list has %d items, too few to page", len(want))
					}
					for _, backwards := range []bool{false, true} {
						var got []string
						vars := map[string]any{"first": 2}
						if backwards {
							vars = map[string]any{"last": 2}
						}
						for pages := 0; ; pages++ {
							if pages > len(want) {
								t.Fatal("the pages do not end")
							}
							p, ids := fetchPage(t, h, tc, vars)
							if p.TotalCount != len(want) {
								t.Errorf("totalCount %d, want %d", p.TotalCount, len(want))
							}
							var before, after int // items the page leaves on either side
							if backwards {
								got = append(ids, got...)
								before, after = len(want)-len(got), len(got)-len(ids)
							} else {
								got = append(got, ids...)
								before, after = len(got)-len(ids), len(want)-len(got)
							}
							if p.PageInfo.HasPreviousPage != (before > 0) || p.PageInfo.HasNextPage != (after > 0) {
								t.Fatalf("backwards %v, page %d: hasPreviousPage %v, hasNextPage %v, with %d items before and %d after",
									backwards, pages, p.PageInfo.HasPreviousPage, p.PageInfo.HasNextPage, before, after)
							}
							if backwards && !p.PageInfo.HasPreviousPage || !backwards && !p.PageInfo.HasNextPage {
								break
							}
							if backwards {
								vars = map[string]any{"last": 2, "before": *p.PageInfo.StartCursor}
							} else {
								vars = map[string]any{"first": 2, "after": *p.PageInfo.EndCursor}
							}
						}
						if !slices.Equal(got, want) {
							t.Errorf("backwards %v:\n%v\nwant\n%v", backwards, got, want)
						}
					}
				})
			}
		})
	}
}

// TestConnectionWindows: after and before together, and first with last,
// cut the window the Relay spec describes.
func TestConnectionWindows(t *testing.T) {
	h := newHandler(t, seededStore(t))
	tc := pagedCase{field: `targetGroupsConnection(first: $first, after: $after, last: $last, before: $before)`}
	all := idsIn(t, mustData(t, h, `{ targetGroups { id } }`, nil))
	if len(all) < 6 {
		t.Fatalf("%d target groups", len(all))
	}
	_, first := fetchPage(t, h, tc, map[string]any{"first": 100})
	p, _ := fetchPage(t, h, tc, map[string]any{"first": 100})
	cursors := make([]string, len(p.Edges))
	for i, e := range p.Edges {
		var edge struct{ Cursor string }
		if err := json.Unmarshal(e, &edge); err != nil {
			t.Fatal(err)
		}
		cursors[i] = edge.Cursor
	}
	if !slices.Equal(first, all) {
		t.Fatalf("first 100: %v, want %v", first, all)
	}
	tests := []struct {
		name       string
		vars       map[string]any
		want       []string
		prev, next bool
	}{
		{"after 1 and before 5", map[string]any{"after": cursors[1], "before": cursors[5]}, all[2:5], true, true},
		{"after 1 and before 5, first 2", map[string]any{"after": cursors[1], "before": cursors[5], "first": 2}, all[2:4], true, true},
		{"after 1 and before 5, last 2", map[string]any{"after": cursors[1], "before": cursors[5], "last": 2}, all[3:5], true, true},
		{"first 4 then last 2", map[string]any{"first": 4, "last": 2}, all[2:4], true, true},
		{"before the first", map[string]any{"before": cursors[0]}, nil, false, true},
		{"after the last", map[string]any{"after": cursors[len(cursors)-1]}, nil, true, false},
		{"before before after", map[string]any{"after": cursors[3], "before": cursors[2]}, nil, true, true},
		{"last covers everything", map[string]any{"last": 100}, all, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ids := fetchPage(t, h, tc, tt.vars)
			if !slices.Equal(ids, tt.want) || p.PageInfo.HasPreviousPage != tt.prev || p.PageInfo.HasNextPage != tt.next {
				t.Errorf("%v prev %v next %v, want %v prev %v next %v", ids, p.PageInfo.HasPreviousPage, p.PageInfo.HasNextPage, tt.want, tt.prev, tt.next)
			}
			if len(ids) == 0 && (p.PageInfo.StartCursor != nil || p.PageInfo.EndCursor != nil) {
				t.Error("an empty page has cursors")
			}
		})
	}
}

func TestConnectionsRefuseBadBackwardPaging(t *testing.T) {
	h := newHandler(t, seededStore(t))
	cba := `"` + mustCursor(t, h, `{ c: centresConnection(first: 1, after: null) { edges { cursor } } }`) + `"`
	tests := []struct {
		name, query, wantCode string
	}{
		{"last 0", `{ targetGroupsConnection(last: 0) { totalCount } }`, apierr.BadUserInput},
		{"last 101", `{ unitsConnection(last: 101) { totalCount } }`, apierr.BadUserInput},
		{"last 100", `{ unitsConnection(last: 100) { totalCount } }`, ""},
		{"garbled before", `{ centresConnection(before: "%%%") { totalCount } }`, apierr.BadUserInput},
		{"before from another list", `{ unitsConnection(before: ` + cba + `) { totalCount } }`, apierr.BadUserInput},
		{"before from this list", `{ centresConnection(before: ` + cba + `) { totalCount } }`, ""},
		{"a link cursor from another node", `{ node(id: "centre:csi") { linksConnection(before: ` + cba + `) { totalCount } } }`, apierr.BadUserInput},
		{"unknown kind in a links filter", `{ node(id: "centre:cba") { linksConnection(filter: { kind: "Planet" }) { totalCount } } }`, apierr.BadUserInput},
		{"unknown kind in a search filter", `{ searchConnection(text: "fleks", filter: { kind: "Planet" }) { totalCount } }`, apierr.BadUserInput},
		{"search without letters", `{ searchConnection(text: " – ") { totalCount } }`, apierr.BadUserInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body, resp := do(t, h, http.MethodPost, tt.query, nil)
			checkCode(t, body, resp, tt.wantCode)
		})
	}
}

func mustCursor(t *testing.T, h http.Handler, query string) string {
	t.Helper()
	var resp struct {
		C struct{ Edges []struct{ Cursor string } }
	}
	if err := json.Unmarshal(mustData(t, h, query, nil), &resp); err != nil || len(resp.C.Edges) == 0 {
		t.Fatalf("no cursor: %v", err)
	}
	return resp.C.Edges[0].Cursor
}

// TestConnectionOrders sorts by each field and checks the order against
// the values the plain fields show, missing values last either way.
func TestConnectionOrders(t *testing.T) {
	h := newHandler(t, seededStore(t))
	type item struct {
		ID, Name      string
		Code          *string
		Employees     *float64
		Budget        *struct{ AmountDKK float64 }
		EffectiveDate *string
	}
	read := func(t *testing.T, query string) []item {
		var resp struct {
			C struct{ Edges []struct{ Node item } }
		}
		if err := json.Unmarshal(mustData(t, h, query, nil), &resp); err != nil {
			t.Fatal(err)
		}
		out := make([]item, len(resp.C.Edges))
		for i, e := range resp.C.Edges {
			out[i] = e.Node
		}
		return out
	}
	// ordered checks that key never decreases (increases for desc) along
	// items, and that every item without a value comes after those with one.
	ordered := func(t *testing.T, items []item, key func(item) (float64, bool), desc bool) {
		t.Helper()
		missing := false
		last := math.Inf(-1)
		if desc {
			last = math.Inf(1)
		}
		for _, it := range items {
			v, ok := key(it)
			switch {
			case !ok:
				missing = true
			case missing:
				t.Fatalf("%s has a value after items without one", it.ID)
			case desc && v > last || !desc && v < last:
				t.Fatalf("%s (%v) out of order after %v", it.ID, v, last)
			}
			if ok {
				last = v
			}
		}
	}
	employees := func(it item) (float64, bool) {
		if it.Employees == nil {
			return 0, false
		}
		return *it.Employees, true
	}
	budget := func(it item) (float64, bool) {
		if it.Budget == nil {
			return 0, false
		}
		return it.Budget.AmountDKK, true
	}
	const centres = `{ edges { node { id name code employees budget { amountDKK } } } }`
	const changes = `{ edges { node { id name effectiveDate } } }`
	for _, desc := range []bool{false, true} {
		dir := map[bool]string{false: "ASC", true: "DESC"}[desc]
		t.Run("employees "+dir, func(t *testing.T) {
			items := read(t, `{ c: centresConnection(first: 100, orderBy: [{ field: EMPLOYEES, direction: `+dir+` }]) `+centres+` }`)
			if len(items) != 7 {
				t.Fatalf("%d centres", len(items))
			}
			ordered(t, items, employees, desc)
		})
		t.Run("budget "+dir, func(t *testing.T) {
			ordered(t, read(t, `{ c: centresConnection(first: 100, orderBy: [{ field: BUDGET, direction: `+dir+` }]) `+centres+` }`), budget, desc)
		})
		t.Run("effective date "+dir, func(t *testing.T) {
			items := read(t, `{ c: reformChangesConnection(first: 100, orderBy: [{ field: EFFECTIVE_DATE, direction: `+dir+` }]) `+changes+` }`)
			ordered(t, items, func(it item) (float64, bool) {
				if it.EffectiveDate == nil {
					return 0, false
				}
				var y, m, d float64
				fmt.Sscanf(*it.EffectiveDate, "%4f-%2f-%2f", &y, &m, &d)
				return y*10000 + m*100 + d, true
			}, desc)
		})
	}
	t.Run("names in Danish order", func(t *testing.T) {
		items := read(t, `{ c: centresConnection(first: 100, orderBy: [{ field: CODE }]) `+centres+` }`)
		var got []string
		for _, it := range items {
			got = append(got, *it.Code)
		}
		// Case ignored: CDØ (C, D) before Centralforvaltningen (C, E).
		want := []string{"CBA", "CBE", "CDØ", "Centralforvaltningen", "CSI", "Ungecenteret", "Ydelsesservice"}
		if !slices.Equal(got, want) {
			t.Errorf("by code: %v, want %v", got, want)
		}
	})
	t.Run("two keys", func(t *testing.T) {
		// Every reform item by date, then by name within a date.
		items := read(t, `{ c: reformChangesConnection(first: 100, orderBy: [{ field: EFFECTIVE_DATE }, { field: NAME, direction: DESC }]) `+changes+` }`)
		for i := 1; i < len(items); i++ {
			a, b := items[i-1], items[i]
			if a.EffectiveDate != nil && b.EffectiveDate != nil && *a.EffectiveDate == *b.EffectiveDate && strings.ToLower(a.Name) < strings.ToLower(b.Name) {
				t.Errorf("%q before %q on %s", a.Name, b.Name, *a.EffectiveDate)
			}
		}
	})
}

// TestConnectionAggregates: each aggregate equals what the plain list's
// figures add up to, over every item, not only the page.
func TestConnectionAggregates(t *testing.T) {
	h := newHandler(t, seededStore(t))
	var plain struct {
		Centres []struct {
			Employees, FullTimePersons *float64
			Budget                     *struct{ AmountDKK float64 }
		}
		TargetGroups []struct{ FullTimePersons *float64 }
	}
	if err := json.Unmarshal(mustData(t, h, `{ centres { employees fullTimePersons budget { amountDKK } } targetGroups { fullTimePersons } }`, nil), &plain); err != nil {
		t.Fatal(err)
	}
	type fact struct {
		Count              int
		Sum, Min, Max, Avg *float64
	}
	expect := func(vs []float64) fact {
		f := fact{Count: len(vs)}
		if len(vs) == 0 {
			return f
		}
		sum := 0.0
		for _, v := range vs {
			sum += v
		}
		lo, hi, avg := slices.Min(vs), slices.Max(vs), sum/float64(len(vs))
		f.Sum, f.Min, f.Max, f.Avg = &sum, &lo, &hi, &avg
		return f
	}
	var employees, budget, ftp, groupFTP []float64
	for _, c := range plain.Centres {
		if c.Employees != nil {
			employees = append(employees, *c.Employees)
		}
		if c.FullTimePersons != nil {
			ftp = append(ftp, *c.FullTimePersons)
		}
		if c.Budget != nil {
			budget = append(budget, c.Budget.AmountDKK)
		}
	}
	for _, g := range plain.TargetGroups {
		if g.FullTimePersons != nil {
			groupFTP = append(groupFTP, *g.FullTimePersons)
		}
	}
	if len(employees) == 0 || len(budget) == 0 || len(groupFTP) == 0 {
		t.Fatal("the seed gives no figures to add up")
	}
	const facts = `{ count sum min max avg }`
	var resp struct {
		C struct {
			Aggregate struct {
				Count                              int
				Employees, Budget, FullTimePersons fact
			}
		}
		G struct {
			Aggregate struct {
				Count           int
				FullTimePersons fact
			}
		}
	}
	q := `{ c: centresConnection(first: 1) { aggregate { count employees ` + facts + ` budget ` + facts + ` fullTimePersons ` + facts + ` } }
		g: targetGroupsConnection(last: 1) { aggregate { count fullTimePersons ` + facts + ` } } }`
	if err := json.Unmarshal(mustData(t, h, q, nil), &resp); err != nil {
		t.Fatal(err)
	}
	same := func(name string, got, want fact) {
		t.Helper()
		eq := func(a, b *float64) bool {
			return a == nil && b == nil || a != nil && b != nil && math.Abs(*a-*b) < 1e-6
		}
		if got.Count != want.Count || !eq(got.Sum, want.Sum) || !eq(got.Min, want.Min) || !eq(got.Max, want.Max) || !eq(got.Avg, want.Avg) {
			t.Errorf("%s: got %+v, want %+v", name, show(got), show(want))
		}
	}
	if resp.C.Aggregate.Count != len(plain.Centres) || resp.G.Aggregate.Count != len(plain.TargetGroups) {
		t.Errorf("counts %d and %d, want %d and %d", resp.C.Aggregate.Count, resp.G.Aggregate.Count, len(plain.Centres), len(plain.TargetGroups))
	}
	same("centres' employees", resp.C.Aggregate.Employees, expect(employees))
	same("centres' budget", resp.C.Aggregate.Budget, expect(budget))
	same("centres' full-time persons", resp.C.Aggregate.FullTimePersons, expect(ftp))
	same("target groups' full-time persons", resp.G.Aggregate.FullTimePersons, expect(groupFTP))

	t.Run("a filter narrows the aggregate", func(t *testing.T) {
		var r struct {
			C struct {
				TotalCount int
				Aggregate  struct {
					Count     int
					Employees fact
				}
			}
		}
		if err := json.Unmarshal(mustData(t, h, `{ c: unitsConnection(filter: { centre: "centralforvaltningen" }) { totalCount aggregate { count employees `+facts+` } } }`, nil), &r); err != nil {
			t.Fatal(err)
		}
		if r.C.Aggregate.Count != r.C.TotalCount || r.C.TotalCount == 0 {
			t.Errorf("count %d, totalCount %d", r.C.Aggregate.Count, r.C.TotalCount)
		}
		if r.C.Aggregate.Employees.Count != 0 || r.C.Aggregate.Employees.Sum != nil {
			t.Errorf("units state no employees, got %+v", show(r.C.Aggregate.Employees))
		}
	})
}

func show[F any](f F) string { b, _ := json.Marshal(f); return string(b) }

func TestNodesByIDs(t *testing.T) {
	h := newHandler(t, seededStore(t))
	var resp struct{ Nodes []*struct{ ID, Name string } }
	if err := json.Unmarshal(mustData(t, h, `{ nodes(ids: ["targetgroup:fleksjob", "centre:atlantis", "centre:cba", "targetgroup:fleksjob"]) { id name } }`, nil), &resp); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range resp.Nodes {
		if n == nil {
			got = append(got, "null")
		} else {
			got = append(got, n.ID)
		}
	}
	if want := []string{"targetgroup:fleksjob", "null", "centre:cba", "targetgroup:fleksjob"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = `"centre:cba"`
	}
	for name, q := range map[string]string{
		"a malformed id": `{ nodes(ids: ["centre:cba", "not an id"]) { id } }`,
		"101 ids":        `{ nodes(ids: [` + strings.Join(many, ",") + `]) { id } }`,
	} {
		t.Run(name, func(t *testing.T) {
			_, body, r := do(t, h, http.MethodPost, q, nil)
			if !slices.Equal(codes(r), []string{apierr.BadUserInput}) {
				t.Errorf("codes %v, want [%s]:\n%s", codes(r), apierr.BadUserInput, body)
			}
		})
	}
}

func TestConnectionFiltersOfLinksAndSearch(t *testing.T) {
	checkExact := func(t *testing.T, h http.Handler, query string, keep func(map[string]any) bool, atLeast int) {
		t.Helper()
		var resp struct {
			C struct {
				TotalCount int
				Edges      []struct{ Node map[string]any }
			}
			Node *json.RawMessage // where c hangs below node(id:)
		}
		if err := json.Unmarshal(mustData(t, h, query, nil), &resp); err != nil {
			t.Fatal(err)
		}
		if resp.Node != nil {
			if err := json.Unmarshal(*resp.Node, &resp); err != nil {
				t.Fatal(err)
			}
		}
		if len(resp.C.Edges) < atLeast || resp.C.TotalCount != len(resp.C.Edges) {
			t.Fatalf("%d edges, totalCount %d, want at least %d", len(resp.C.Edges), resp.C.TotalCount, atLeast)
		}
		for _, e := range resp.C.Edges {
			if !keep(e.Node) {
				t.Errorf("%v does not pass the filter", e.Node)
			}
		}
	}
	h := newHandler(t, seededStore(t))
	t.Run("links by basis", func(t *testing.T) {
		checkExact(t, h, `{ node(id: "centre:cba") { c: linksConnection(first: 100, filter: { basis: INFERRED }) { totalCount edges { node { basis } } } } }`,
			func(n map[string]any) bool { return n["basis"] == "INFERRED" }, 1)
	})
	t.Run("links by the far node's kind", func(t *testing.T) {
		checkExact(t, h, `{ node(id: "centre:cba") { c: linksConnection(first: 100, filter: { kind: "TargetGroup" }) { totalCount edges { node { node { __typename } } } } } }`,
			func(n map[string]any) bool { return n["node"].(map[string]any)["__typename"] == "TargetGroup" }, 3)
	})
	t.Run("search by kind", func(t *testing.T) {
		checkExact(t, h, `{ c: searchConnection(text: "fleks", first: 100, filter: { kind: "Benefit" }) { totalCount edges { node { __typename } } } }`,
			func(n map[string]any) bool { return n["__typename"] == "Benefit" }, 1)
	})
	t.Run("interventions by audience", func(t *testing.T) {
		checkExact(t, h, `{ c: interventionsConnection(first: 100, filter: { audience: BUSINESSES }) { totalCount edges { node { audience } } } }`,
			func(n map[string]any) bool { return n["audience"] == "BUSINESSES" }, 1)
	})
}
