package graph_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// connectionCase is one connection to walk: the query's field (with its
// arguments, where first and after are $first and $after), and the plain
// list it must page through.
type connectionCase struct {
	name, field, list string
}

var connectionCases = []connectionCase{
	{"target groups", `targetGroupsConnection(first: $first, after: $after)`, `{ targetGroups { id } }`},
	{"interventions", `interventionsConnection(first: $first, after: $after)`, `{ interventions { id } }`},
	{"benefits", `benefitsConnection(first: $first, after: $after)`, `{ benefits { id } }`},
	{"organisations", `organisationsConnection(first: $first, after: $after)`, `{ organisations { id } }`},
	{"reform items", `reformChangesConnection(first: $first, after: $after)`, `{ reformChanges { id } }`},
	{"served by CBA", `targetGroupsConnection(first: $first, after: $after, filter: { servedBy: "CBA" })`, `{ centre(code: "CBA") { targetGroups { id } } }`},
	{"paid by Ydelsesservice", `benefitsConnection(first: $first, after: $after, filter: { paidBy: "ydelsesservice" })`, `{ centre(code: "Ydelsesservice") { benefits { id } } }`},
	{"working with Ungecenteret in 2025", `organisationsConnection(first: $first, after: $after, filter: { worksWith: "Ungecenteret", asOf: "2025-06-01" })`, `{ centre(code: "Ungecenteret", asOf: "2025-06-01") { partners { id } } }`},
	{"items of 1 February 2026", `reformChangesConnection(first: $first, after: $after, filter: { phase: "reformphase:2026-02-01" })`, `{ reformChanges(from: "2026-02-01", to: "2026-02-01") { id } }`},
}

// TestConnectionsWalkEveryPage pages through each connection two at a time
// and expects every item of its plain list once, in order.
func TestConnectionsWalkEveryPage(t *testing.T) {
	h := newHandler(t, seededStore(t))
	cases := append(slices.Clone(connectionCases),
		connectionCase{"CBA's interventions", `centre(code: "CBA") { interventionsConnection(first: $first, after: $after)`, `{ centre(code: "CBA") { interventions { id } } }`})
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			want := idsIn(t, mustData(t, h, tt.list, nil))
			if len(want) < 3 {
				t.Fatalf("the list has %d items, too few to page", len(want))
			}
			field, close := tt.field, ""
			if strings.HasPrefix(field, "centre(") {
				close = " }"
			}
			query := `query($first: Int, $after: String) { c: ` + field +
				` { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }` + close + ` }`
			var got []string
			var after any
			for page := 0; ; page++ {
				if page > len(want) {
					t.Fatal("the pages do not end")
				}
				data := mustData(t, h, query, map[string]any{"first": 2, "after": after})
				var conn struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage, HasPreviousPage bool
						StartCursor, EndCursor       *string
					}
					Edges []struct {
						Cursor string
						Node   struct{ ID string }
					}
				}
				var resp map[string]json.RawMessage
				if err := json.Unmarshal(data, &resp); err != nil {
					t.Fatal(err)
				}
				raw := resp["c"]
				if strings.HasPrefix(field, "centre(") {
					var inner map[string]json.RawMessage
					if err := json.Unmarshal(raw, &inner); err != nil {
						t.Fatal(err)
					}
					raw = inner["interventionsConnection"]
				}
				if err := json.Unmarshal(raw, &conn); err != nil {
					t.Fatal(err)
				}
				if conn.TotalCount != len(want) {
					t.Errorf("page %d: totalCount %d, want %d", page, conn.TotalCount, len(want))
				}
				if conn.PageInfo.HasPreviousPage != (page > 0) {
					t.Errorf("page %d: hasPreviousPage %v", page, conn.PageInfo.HasPreviousPage)
				}
				if len(conn.Edges) == 0 || len(conn.Edges) > 2 {
					t.Fatalf("page %d has %d edges", page, len(conn.Edges))
				}
				if *conn.PageInfo.StartCursor != conn.Edges[0].Cursor || *conn.PageInfo.EndCursor != conn.Edges[len(conn.Edges)-1].Cursor {
					t.Errorf("page %d: start and end cursors are not the edges'", page)
				}
				for _, e := range conn.Edges {
					got = append(got, e.Node.ID)
				}
				if !conn.PageInfo.HasNextPage {
					break
				}
				after = *conn.PageInfo.EndCursor
			}
			if !slices.Equal(got, want) {
				t.Errorf("paged:\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func TestConnectionsRefuseBadPaging(t *testing.T) {
	h := newHandler(t, seededStore(t))
	cursor := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name     string
		query    string
		wantCode string
	}{
		{"first 0", `{ targetGroupsConnection(first: 0) { totalCount } }`, apierr.BadUserInput},
		{"first -1", `{ interventionsConnection(first: -1) { totalCount } }`, apierr.BadUserInput},
		{"first 101", `{ benefitsConnection(first: 101) { totalCount } }`, apierr.BadUserInput},
		{"first 100", `{ benefitsConnection(first: 100) { totalCount } }`, ""},
		{"first 1", `{ benefitsConnection(first: 1) { totalCount } }`, ""},
		{"explicit null first takes the default", `{ benefitsConnection(first: null) { edges { cursor } } }`, ""},
		{"garbled cursor", `{ targetGroupsConnection(after: "%%%") { totalCount } }`, apierr.BadUserInput},
		{"cursor of another version", `{ targetGroupsConnection(after: "` + cursor("v2:targetgroup:fleksjob") + `") { totalCount } }`, apierr.BadUserInput},
		{"empty cursor", `{ targetGroupsConnection(after: "") { totalCount } }`, apierr.BadUserInput},
		{"cursor of an unknown node", `{ targetGroupsConnection(after: "` + cursor("v1:targetgroup:atlantis") + `") { totalCount } }`, apierr.BadUserInput},
		{"cursor of another list", `{ interventionsConnection(after: "` + cursor("v1:targetgroup:fleksjob") + `") { totalCount } }`, apierr.BadUserInput},
		{"cursor outside the filter", `{ targetGroupsConnection(after: "` + cursor("v1:targetgroup:a-dagpenge") + `", filter: { servedBy: "CBA" }) { totalCount } }`, apierr.BadUserInput},
		{"a good cursor", `{ targetGroupsConnection(after: "` + cursor("v1:targetgroup:fleksjob") + `") { totalCount } }`, ""},
		{"unknown centre code", `{ targetGroupsConnection(filter: { servedBy: "CXX" }) { totalCount } }`, apierr.BadUserInput},
		{"text without letters", `{ organisationsConnection(filter: { text: " – " }) { totalCount } }`, apierr.BadUserInput},
		{"text too long", `{ organisationsConnection(filter: { text: "` + strings.Repeat("a", 201) + `" }) { totalCount } }`, apierr.BadUserInput},
		{"phase that is not a phase", `{ reformChangesConnection(filter: { phase: "centre:cbe" }) { totalCount } }`, apierr.BadUserInput},
		{"unknown phase", `{ reformChangesConnection(filter: { phase: "reformphase:2030-01-01" }) { totalCount } }`, apierr.BadUserInput},
		{"malformed phase", `{ reformChangesConnection(filter: { phase: "next year" }) { totalCount } }`, apierr.BadUserInput},
		{"bad date in a filter", `{ targetGroupsConnection(filter: { asOf: "2026-13-01" }) { totalCount } }`, apierr.BadUserInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body, resp := do(t, h, http.MethodPost, tt.query, nil)
			checkCode(t, body, resp, tt.wantCode)
		})
	}
}

func TestConnectionFilters(t *testing.T) {
	h := newHandler(t, seededStore(t))
	tests := []struct {
		name, query string
		want        []string // every id, in order
	}{
		{"text ignores case, folds ø and reads notes too", `{ c: targetGroupsConnection(filter: { text: "RESSOURCEFORLOEB" }) { edges { node { id } } } }`,
			[]string{"targetgroup:ressourceforloeb", "targetgroup:revalidering"}}, // "ressourceforløb og revalidering udfases"
		{"servedBy on a day", `{ c: targetGroupsConnection(filter: { servedBy: "cba", asOf: "2026-03-01" }) { edges { node { id } } } }`,
			[]string{"targetgroup:aktivitetsparate-kontanthjaelpsmodtagere", "targetgroup:fleksjob", "targetgroup:ledighedsydelsesmodtagere"}},
		{"asOf alone drops what has ended", `{ c: targetGroupsConnection(filter: { asOf: "2027-01-01", text: "forloeb" }) { edges { node { id } } } }`,
			nil},
		{"deliveredBy and text together", `{ c: interventionsConnection(filter: { deliveredBy: "Ungecenteret", text: "vejledning" }) { edges { node { id } } } }`,
			[]string{"intervention:uu-vejledning"}},
		{"the same before the transfer", `{ c: interventionsConnection(filter: { deliveredBy: "Ungecenteret", text: "vejledning", asOf: "2025-12-31" }) { edges { node { id } } } }`,
			nil},
		{"reform items by window and text", `{ c: reformChangesConnection(filter: { from: "2026-07-01", to: "2026-07-01", text: "afskaffelse" }) { edges { node { id } } } }`,
			[]string{"reformchange:afskaffelse-af-den-saerlige-indsats-for-unge", "reformchange:afskaffelse-af-rehabiliteringsteams", "reformchange:afskaffelse-af-saerlig-stoette"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := idsIn(t, mustData(t, h, tt.query, nil)); !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestConnectionsAsOf: a centre's connection reads on the centre's day.
func TestConnectionsAsOf(t *testing.T) {
	checkIDs(t, newHandler(t, seededStore(t)), []idCase{
		{
			"interventionsConnection inherits the centre's day",
			`{ centre(code: "Ungecenteret", asOf: "2025-12-31") { interventionsConnection { edges { node { id } } } } }`,
			[]string{"intervention:samtaler-med-unge"}, []string{"intervention:uu-vejledning"},
		},
	})
}
