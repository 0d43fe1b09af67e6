package graph_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// seeded is the real seed in the embedded store, loaded once per test binary.
var seeded = sync.OnceValues(seedtest.Load)

func seededStore(t testing.TB) store.Store {
	t.Helper()
	st, err := seeded()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func newHandler(t testing.TB, st store.Store) http.Handler {
	t.Helper()
	return graph.NewHandler(slog.New(slog.DiscardHandler), st, graph.Options{})
}

// TestGolden replays testdata/*.graphql: DOMAIN.md's six questions, each in
// one request, and the lists and lookups widgets use.
func TestGolden(t *testing.T) {
	graphtest.RunGolden(t, newHandler(t, seededStore(t)), "testdata")
}

func TestCentreByCodeIgnoresCase(t *testing.T) {
	c := client.New(newHandler(t, seededStore(t)))
	tests := []struct {
		code string
		want string // "" for null
	}{
		{"CBE", "CBE"},
		{"cbe", "CBE"},
		{"cdø", "CDØ"},
		{"CDØ", "CDØ"},
		{"CDO", "CDØ"}, // typed plainly
		{"cdoe", "CDØ"},
		{"ungecenteret", "Ungecenteret"},
		{"UNGECENTERET", "Ungecenteret"},
		{"Centralforvaltningen", "Centralforvaltningen"},
		{"SOF", ""}, // an organisation, not a centre
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			var resp struct{ Centre *struct{ Code string } }
			c.MustPost(`query($code: String!) { centre(code: $code) { code } }`, &resp, client.Var("code", tt.code))
			switch {
			case tt.want == "" && resp.Centre != nil:
				t.Errorf("got %q, want null", resp.Centre.Code)
			case tt.want != "" && (resp.Centre == nil || resp.Centre.Code != tt.want):
				t.Errorf("got %+v, want %q", resp.Centre, tt.want)
			}
		})
	}
}

func TestOrganisationByCodeIgnoresCase(t *testing.T) {
	c := client.New(newHandler(t, seededStore(t)))
	for _, code := range []string{"SOF", "sof", "Sof"} {
		t.Run(code, func(t *testing.T) {
			var resp struct{ Organisation *struct{ Code string } }
			c.MustPost(`query($code: String!) { organisation(code: $code) { code } }`, &resp, client.Var("code", code))
			if resp.Organisation == nil || resp.Organisation.Code != "SOF" {
				t.Errorf("got %+v", resp.Organisation)
			}
		})
	}
}

func TestCentresInOrgChartOrder(t *testing.T) {
	c := client.New(newHandler(t, seededStore(t)))
	var resp struct{ Centres []struct{ Code string } }
	c.MustPost(`{ centres { code } }`, &resp)
	var got []string
	for _, c := range resp.Centres {
		got = append(got, c.Code)
	}
	want := "CBE CBA Ungecenteret CSI Ydelsesservice Centralforvaltningen CDØ"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

// TestNodeServesEveryKind asks node(id:) for the first node of every kind
// in the seed and expects the GraphQL type of that kind.
func TestNodeServesEveryKind(t *testing.T) {
	st := seededStore(t)
	c := client.New(newHandler(t, st))
	for _, kind := range domain.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ns, err := st.NodesByKind(context.Background(), kind)
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) == 0 {
				t.Skipf("the seed has no %s", kind)
			}
			var resp struct {
				Node *struct {
					Typename string `json:"__typename"`
					ID       string
					Links    []struct{ Statement string }
				}
			}
			c.MustPost(`query($id: ID!) { node(id: $id) { __typename id links { statement } } }`, &resp, client.Var("id", string(ns[0].ID)))
			if resp.Node == nil || resp.Node.Typename != string(kind) || resp.Node.ID != string(ns[0].ID) {
				t.Errorf("got %+v", resp.Node)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	h := newHandler(t, seededStore(t))
	tests := []struct {
		name     string
		query    string
		vars     map[string]any
		wantCode string // "" for no error
		wantData string // the data, when it matters
	}{
		{"unknown but well-formed id is null", `{ node(id: "centre:atlantis") { id } }`, nil, "", `{"node":null}`},
		{"id without a kind", `{ node(id: "cbe") { id } }`, nil, apierr.BadUserInput, ""},
		{"id of an unknown kind", `{ node(id: "planet:mars") { id } }`, nil, apierr.BadUserInput, ""},
		{"id with a bad key", `{ node(id: "centre:CBE!") { id } }`, nil, apierr.BadUserInput, ""},
		{"impact of an unknown id", `{ impact(of: "reformchange:atlantis") { fullTimePersons } }`, nil, apierr.NotFound, ""},
		{"impact of a malformed id", `{ impact(of: "atlantis") { fullTimePersons } }`, nil, apierr.BadUserInput, ""},
		{"impossible date", `{ reformChanges(from: "2026-02-30") { id } }`, nil, apierr.BadUserInput, ""},
		{"date in another format", `{ reformChanges(to: "1/7/2026") { id } }`, nil, apierr.BadUserInput, ""},
		{"date as a number", `{ reformChanges(to: 20260701) { id } }`, nil, apierr.BadUserInput, ""},
		{"bad date in a variable", `query($d: Date) { reformChanges(from: $d) { id } }`, map[string]any{"d": "2026-7-1"}, apierr.BadUserInput, ""},
		{"empty search", `{ search(text: "  ") { score } }`, nil, apierr.BadUserInput, ""},
		{"search asking for too many", `{ search(text: "fleksjob", first: 1000) { score } }`, nil, apierr.BadUserInput, ""},
		{"search asking for none", `{ search(text: "fleksjob", first: 0) { score } }`, nil, apierr.BadUserInput, ""},
		{"unknown relationship kind", `{ centres { links(relationship: EMPLOYS) { note } } }`, nil, "GRAPHQL_VALIDATION_FAILED", ""},
		{"unknown field", `{ centres { headcount } }`, nil, "GRAPHQL_VALIDATION_FAILED", ""},
		{"malformed query", `{ centres { code }`, nil, "GRAPHQL_PARSE_FAILED", ""},
		{"impact repeated under aliases", aliases(20, `impact(of: "reformchange:afskaffelse-af-ressourceforloeb") { fullTimePersons }`), nil, apierr.ComplexityLimit, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body, resp := do(t, h, http.MethodPost, tt.query, tt.vars)
			checkCode(t, body, resp, tt.wantCode)
			if tt.wantData != "" && string(resp.Data) != tt.wantData {
				t.Errorf("data = %s, want %s", resp.Data, tt.wantData)
			}
		})
	}
}

func TestReformChangesByDate(t *testing.T) {
	c := client.New(newHandler(t, seededStore(t)))
	tests := []struct {
		name    string
		from    any
		to      any
		want    int
		undated bool // whether the undated initiatives may appear
	}{
		{"everything", nil, nil, 31, true},
		{"1 February 2026", "2026-02-01", "2026-02-01", 13, false},
		{"1 July 2026", "2026-07-01", "2026-07-01", 5, false},
		{"from 2027", "2027-01-01", nil, 11, false},
		{"until mid 2026", nil, "2026-06-30", 13, false},
		{"through 2026", "2026-01-01", "2026-12-31", 18, false},
		{"an empty window", "2026-03-01", "2026-06-30", 0, false},
		// Bounds reversed are BAD_USER_INPUT: TestBackwardQuestionsAreBadUserInput.
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				ReformChanges []struct {
					ID            string
					EffectiveDate *string
				}
			}
			c.MustPost(`query($from: Date, $to: Date) { reformChanges(from: $from, to: $to) { id effectiveDate } }`,
				&resp, client.Var("from", tt.from), client.Var("to", tt.to))
			if len(resp.ReformChanges) != tt.want {
				t.Errorf("got %d items, want %d", len(resp.ReformChanges), tt.want)
			}
			for _, rc := range resp.ReformChanges {
				if rc.EffectiveDate == nil && !tt.undated {
					t.Errorf("undated %s in a dated window", rc.ID)
				}
			}
		})
	}
}

// batchingHandler waits long for loader keys: these tests count store
// calls, and a busy machine must not split a batch. It is gqlgen alone, as
// the direct path (direct.go) would serve the plain listings.
func batchingHandler(t testing.TB, st store.Store) http.Handler {
	t.Helper()
	return graph.NewHandler(slog.New(slog.DiscardHandler), st, graph.Options{LoaderWait: 50 * time.Millisecond, GQLGenOnly: true})
}

// TestLoadersBatch: a selection over every centre costs one store call,
// however many centres and target groups there are.
func TestLoadersBatch(t *testing.T) {
	st := &storetest.CountingReads{Store: seededStore(t)}
	c := client.New(batchingHandler(t, st))
	var resp struct {
		Centres []struct {
			TargetGroups []struct{ ServedBy []struct{ Code string } }
			Partners     []struct{ Code string }
		}
	}
	c.MustPost(`{ centres { targetGroups { servedBy { code } } partners { code } } }`, &resp)
	if len(resp.Centres) != 7 {
		t.Fatalf("got %d centres", len(resp.Centres))
	}
	// One read for the whole tree the root field selects (readplan): SERVES
	// out and WORKS_WITH in, and SERVES in below. The nodes at the far ends
	// come with the links.
	if n := st.Of(storetest.Links, storetest.Expand); n != 1 {
		t.Errorf("%d link reads, want 1", n)
	}
	if n := st.Of(storetest.NodesByID); n != 0 {
		t.Errorf("%d NodesByID calls, want none", n)
	}
}

// TestPlannerFieldsBatch: what every centre shares costs one Dependencies
// call, for the list and the matrix alike; impacts asked side by side cost
// one traversal.
func TestPlannerFieldsBatch(t *testing.T) {
	tests := []struct {
		name                         string
		query                        string
		dependencies, impactTraverse int64
	}{
		{"every centre's dependencies", `{ centres { dependencies { total shared { statement } } } }`, 1, 0},
		{"the matrix", `{ dependencyMatrix { rows { cells { total } } } }`, 1, 0},
		{"both, on one day", `{ centres(asOf: "2026-03-01") { dependencies { total } } dependencyMatrix(asOf: "2026-03-01") { rows { cells { total } } } }`, 1, 0},
		{"impacts side by side", `{ a: impact(of: "reformphase:2026-07-01") { centreEmployees } b: impact(of: "reformchange:afskaffelse-af-ressourceforloeb") { centreEmployees } }`, 0, 1},
		{"every reform item's impact", `{ reformChanges { impact { centreEmployees items { id } } } }`, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &storetest.CountingReads{Store: seededStore(t)}
			h := batchingHandler(t, st)
			if _, errs := graphtest.Post(t, h, tt.query, nil); errs {
				t.Fatal("query failed")
			}
			if n := st.Of(storetest.Dependencies); n != tt.dependencies {
				t.Errorf("%d Dependencies calls, want %d", n, tt.dependencies)
			}
			if n := st.Of(storetest.ImpactPaths); n != tt.impactTraverse {
				t.Errorf("%d ImpactPaths calls, want %d", n, tt.impactTraverse)
			}
		})
	}
}

// TestAnItemsImpactIsOneStoreCall: the paths carry the nodes on them, so the
// centres and the steps' statements need no lookup of their own.
func TestAnItemsImpactIsOneStoreCall(t *testing.T) {
	st := &storetest.CountingReads{Store: seededStore(t)}
	h := batchingHandler(t, st)
	body, errs := graphtest.Post(t, h, `{ impact(of: "reformchange:afskaffelse-af-ressourceforloeb") { centres { centre { code } paths { steps { statement } } } } }`, nil)
	if errs || !strings.Contains(string(body), "Ydelsesservice PAYS ressourceforløbsydelse") {
		t.Fatalf("answer: %s", body)
	}
	if n := st.Of(storetest.ImpactPaths); n != 1 {
		t.Errorf("%d ImpactPaths calls, want 1", n)
	}
	if n := st.Of(storetest.NodesByID, storetest.Links, storetest.Expand); n != 0 {
		t.Errorf("%d other store calls, want none", n)
	}
}

// centreCard is what the intranet's centre widget asks for.
const centreCard = `{
  centres {
    id code name description employees fullTimePersons
    budget { amountDKK display }
    targetGroups { id name phasedOutBy { name effectiveDate } }
    interventions { id name audience }
    partners { code }
    units { name }
    figures { name value unit year }
  }
}`

func BenchmarkCentresQuery(b *testing.B) {
	h := newHandler(b, seededStore(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := graphtest.Post(b, h, centreCard, nil); errs {
			b.Fatal("query failed")
		}
	}
}
