package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

// NewStore builds a store holding exactly g. Each call may reuse the same
// backing database: it must replace what was there. One store package's
// NewStore serves every suite its store passes (Run, RunWrites, RunReseed).
type NewStore[S store.Store] func(t *testing.T, g *domain.Graph) S

// Run runs the contract suite against the stores newStore builds.
func Run[S store.Store](t *testing.T, newStore NewStore[S]) {
	g := Fixture()
	var st store.Store = newStore(t, g)
	ctx := context.Background()
	byID := map[domain.ID]*domain.Node{}
	for _, n := range g.Nodes {
		byID[n.ID] = n
	}

	t.Run("NodesByID returns every field as loaded", func(t *testing.T) {
		ids := []domain.ID{"nosuch:thing", "centre:nowhere"}
		for _, n := range g.Nodes {
			ids = append(ids, n.ID)
		}
		got, err := st.NodesByID(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(g.Nodes) {
			t.Fatalf("got %d nodes, want %d (unknown ids must be absent)", len(got), len(g.Nodes))
		}
		for _, want := range g.Nodes {
			if !reflect.DeepEqual(got[want.ID], want) {
				t.Errorf("%s round trip:\n got %+v\nwant %+v", want.ID, got[want.ID], want)
			}
		}
	})

	t.Run("NodesByID of nothing is empty", func(t *testing.T) {
		got, err := st.NodesByID(ctx, nil)
		if err != nil || len(got) != 0 {
			t.Fatalf("got %v, %v", got, err)
		}
	})

	t.Run("NodesByKind keeps seed order", func(t *testing.T) {
		got, err := st.NodesByKind(ctx, domain.KindCentre)
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.ID{"centre:cba", "centre:ydelsesservice", "centre:cdoe"}
		if ids := idsOf(got); !slices.Equal(ids, want) {
			t.Fatalf("got %v, want %v", ids, want)
		}
		none, err := st.NodesByKind(ctx, domain.KindTransfer)
		if err != nil || len(none) != 0 {
			t.Fatalf("kind with no nodes: %v, %v", none, err)
		}
	})

	t.Run("NodeByCode ignores case and reads codes typed plainly", func(t *testing.T) {
		for _, code := range []string{"CDØ", "cdø", "Cdø", "CDO", "cdoe", "CDOE"} {
			n, err := st.NodeByCode(ctx, domain.KindCentre, code)
			if err != nil || n.ID != "centre:cdoe" {
				t.Fatalf("code %q: %v, %v", code, n, err)
			}
		}
		if _, err := st.NodeByCode(ctx, domain.KindCentre, "SOF"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("a code of another kind: want ErrNotFound, got %v", err)
		}
		if _, err := st.NodeByCode(ctx, domain.KindCentre, "CDA"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("a code typed wrong: want ErrNotFound, got %v", err)
		}
		if _, err := st.NodeByCode(ctx, domain.KindCentre, "' OR 1=1"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("a hostile code: want ErrNotFound, got %v", err)
		}
	})

	t.Run("Links both ways in seed order with every field", func(t *testing.T) {
		got, err := st.Links(ctx, []domain.ID{"administration:bif", "centre:cba"}, store.LinkQuery{Kind: domain.RelHasCentre, Dir: domain.Outgoing})
		if err != nil {
			t.Fatal(err)
		}
		if others := othersOf(got["administration:bif"]); !slices.Equal(others, []domain.ID{"centre:cba", "centre:ydelsesservice", "centre:cdoe"}) {
			t.Fatalf("BIF's centres: %v", others)
		}
		if _, ok := got["centre:cba"]; ok {
			t.Fatal("a node without such links is present")
		}
		twice, err := st.Links(ctx, []domain.ID{"administration:bif", "administration:bif"}, store.LinkQuery{Kind: domain.RelHasCentre, Dir: domain.Outgoing})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(twice["administration:bif"]); n != 3 {
			t.Fatalf("an id asked for twice: %d links, want 3", n)
		}
		in, err := st.Links(ctx, []domain.ID{"targetgroup:ressourceforloeb"}, store.LinkQuery{Kind: domain.RelServes, Dir: domain.Incoming})
		if err != nil {
			t.Fatal(err)
		}
		l := in["targetgroup:ressourceforloeb"]
		if len(l) != 1 || l[0].Other != "centre:cba" || l[0].Dir != domain.Incoming {
			t.Fatalf("incoming SERVES: %+v", l)
		}
		want := relOf(g, "centre:cba", domain.RelServes, "targetgroup:ressourceforloeb")
		if !reflect.DeepEqual(l[0].Rel, want) {
			t.Fatalf("relationship round trip:\n got %+v\nwant %+v", l[0].Rel, want)
		}
		paid, err := st.Links(ctx, []domain.ID{"benefit:ressourceforloebsydelse"}, store.LinkQuery{Kind: domain.RelPaidTo, Dir: domain.Outgoing})
		if err != nil {
			t.Fatal(err)
		}
		if r := paid["benefit:ressourceforloebsydelse"][0].Rel; r.Basis != domain.Inferred || r.Rationale == "" {
			t.Fatalf("inferred link lost its basis or rationale: %+v", r)
		}
		// Each link carries its far node, the same as a lookup by id gives.
		for _, ls := range []map[domain.ID][]domain.Link{got, in, paid} {
			for _, links := range ls {
				for _, l := range links {
					byID, err := st.NodesByID(ctx, []domain.ID{l.Other})
					if err != nil {
						t.Fatal(err)
					}
					if l.Node == nil || l.Node.ID != l.Other || !reflect.DeepEqual(l.Node, byID[l.Other]) {
						t.Fatalf("link to %s carries node %+v, want %+v", l.Other, l.Node, byID[l.Other])
					}
				}
			}
		}
	})

	t.Run("Expand reads each level as NodesByKind and Links do", func(t *testing.T) {
		serves := store.LinkQuery{Kind: domain.RelServes, Dir: domain.Outgoing}
		servedBy := store.LinkQuery{Kind: domain.RelServes, Dir: domain.Incoming}
		paidTo := store.LinkQuery{Kind: domain.RelPaidTo, Dir: domain.Incoming}
		worksWith := store.LinkQuery{Kind: domain.RelWorksWith, Dir: domain.Outgoing}
		xs := []store.Expansion{
			{Roots: store.Roots{Kind: domain.KindCentre}, Steps: []store.Step{
				{Q: serves, Below: []store.Step{{Q: servedBy, Below: []store.Step{{Q: serves}}}, {Q: paidTo}}},
			}},
			{Roots: store.Roots{Kind: domain.KindOrganisation}, Steps: []store.Step{{Q: worksWith}}},
			{Roots: store.Roots{Kind: domain.KindUnit}},
		}
		// Plain with Fields holds at least the fields asked for (name and
		// code here), besides id and kind.
		for _, read := range []struct {
			project store.Projection
			fields  store.PlainFields
		}{{store.Whole, 0}, {store.Plain, 0}, {store.Plain, store.PlainName | store.PlainCode}} {
			project := read.project
			for i := range xs {
				xs[i].Project, xs[i].Fields = project, read.fields
			}
			got, err := st.Expand(ctx, xs)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(xs) {
				t.Fatalf("%d answers for %d expansions", len(got), len(xs))
			}
			// The same tree, level by level, from the whole reads.
			same := func(a, b *domain.Node) bool {
				if project == store.Plain && read.fields != 0 {
					return a != nil && a.ID == b.ID && a.Kind == b.Kind && a.Name == b.Name && a.Code == b.Code
				}
				if project == store.Plain {
					return a != nil && reflect.DeepEqual(a.Plain(), b.Plain())
				}
				return reflect.DeepEqual(a, b)
			}
			links := 0
			var check func(read store.Expanded, ns []*domain.Node, steps []store.Step)
			check = func(read store.Expanded, ns []*domain.Node, steps []store.Step) {
				ids := make([]domain.ID, len(ns))
				for i, n := range ns {
					ids[i] = n.ID
				}
				for _, s := range steps {
					want, err := st.Links(ctx, ids, s.Q)
					if err != nil {
						t.Fatal(err)
					}
					seen := map[domain.ID]bool{}
					var next []*domain.Node
					for _, id := range ids {
						got := read.Links[s.Q][id]
						if len(got) != len(want[id]) {
							t.Fatalf("%s %v of %s: %d links, want %d", s.Q.Kind, s.Q.Dir, id, len(got), len(want[id]))
						}
						for i, w := range want[id] {
							g := got[i]
							if g.Other != w.Other || g.Dir != w.Dir || g.Rel.From != w.Rel.From || g.Rel.To != w.Rel.To || g.Rel.Seq != w.Rel.Seq || !same(g.Node, w.Node) {
								t.Fatalf("%s %v of %s, link %d: %+v %+v, want %+v %+v", s.Q.Kind, s.Q.Dir, id, i, g, g.Rel, w, w.Rel)
							}
							if project == store.Whole && !reflect.DeepEqual(g, w) {
								t.Fatalf("%s %v of %s, link %d: %+v, want %+v", s.Q.Kind, s.Q.Dir, id, i, g, w)
							}
							links++
							if !seen[w.Other] {
								seen[w.Other] = true
								next = append(next, w.Node)
							}
						}
					}
					check(read, next, s.Below)
				}
			}
			for i, x := range xs {
				whole, err := st.NodesByKind(ctx, x.Roots.Kind)
				if err != nil {
					t.Fatal(err)
				}
				if len(got[i].Roots) != len(whole) {
					t.Fatalf("%s: %d roots, want %d", x.Roots.Kind, len(got[i].Roots), len(whole))
				}
				for j := range whole {
					if !same(got[i].Roots[j], whole[j]) {
						t.Fatalf("%s %d: %+v, want %+v", x.Roots.Kind, j, got[i].Roots[j], whole[j])
					}
				}
				check(got[i], whole, x.Steps)
			}
			if links < 4 {
				t.Fatalf("the expansion reached only %d links", links)
			}
		}
		if empty, err := st.Expand(ctx, nil); err != nil || len(empty) != 0 {
			t.Fatalf("no expansions: %+v, %v", empty, err)
		}
	})

	t.Run("Expand roots by code and by ids", func(t *testing.T) {
		qs := []store.LinkQuery{
			{Kind: domain.RelServes, Dir: domain.Outgoing},
			{Kind: domain.RelWorksWith, Dir: domain.Incoming},
			{Kind: domain.RelDelivers, Dir: domain.Outgoing},
			{Kind: domain.RelHasCentre, Dir: domain.Outgoing}, // a centre has none
		}
		var steps []store.Step
		for _, q := range qs {
			steps = append(steps, store.Step{Q: q})
		}
		got, err := st.Expand(ctx, []store.Expansion{
			{Roots: store.Roots{By: store.ByCode, Kind: domain.KindCentre, Code: "cba"}, Steps: steps},
			{Roots: store.Roots{By: store.ByCode, Kind: domain.KindCentre, Code: "nowhere"}, Steps: steps},
			{Roots: store.Roots{By: store.ByIDs, IDs: []domain.ID{"centre:ydelsesservice", "centre:nowhere", "centre:cba", "centre:ydelsesservice"}}, Steps: steps[:1]},
			{Roots: store.Roots{By: store.ByIDs, IDs: []domain.ID{}}, Steps: steps[:1]},
			{Roots: store.Roots{By: store.ByCode, Kind: domain.KindCentre, Code: ""}, Steps: steps},
			{Roots: store.Roots{By: store.ByCode, Kind: domain.KindCentre, Code: "CDO"}, Steps: steps},
		})
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.NodeByCode(ctx, domain.KindCentre, "CBA")
		if err != nil {
			t.Fatal(err)
		}
		if len(got[0].Roots) != 1 || !reflect.DeepEqual(got[0].Roots[0], want) {
			t.Fatalf("by code: %+v, want %+v", got[0].Roots, want)
		}
		for _, q := range qs {
			alone, err := st.Links(ctx, []domain.ID{want.ID}, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[0].Links[q][want.ID], alone[want.ID]) {
				t.Fatalf("%s %v: got %+v, want %+v", q.Kind, q.Dir, got[0].Links[q][want.ID], alone[want.ID])
			}
		}
		if len(got[0].Links[qs[0]][want.ID]) == 0 || len(got[0].Links[qs[1]][want.ID]) == 0 {
			t.Fatalf("CBA serves and has partners: %+v", got[0].Links)
		}
		if len(got[1].Roots) != 0 {
			t.Fatalf("an unknown code: %+v", got[1].Roots)
		}
		if len(got[5].Roots) != 1 || got[5].Roots[0].ID != "centre:cdoe" || len(got[5].Links) != len(qs) {
			t.Fatalf("a code typed plainly (CDO is CDØ): %+v", got[5])
		}
		var ids []domain.ID
		for _, n := range got[2].Roots {
			ids = append(ids, n.ID)
		}
		if !slices.Equal(ids, []domain.ID{"centre:ydelsesservice", "centre:cba"}) {
			t.Fatalf("by ids: %v, want the known ones in order, each once", ids)
		}
		if !reflect.DeepEqual(got[2].Links[qs[0]]["centre:cba"], got[0].Links[qs[0]][want.ID]) {
			t.Fatalf("by ids: %+v", got[2].Links)
		}
		if len(got[3].Roots) != 0 || len(got[3].Links[qs[0]]) != 0 {
			t.Fatalf("no ids: %+v", got[3])
		}
		if len(got[4].Roots) != 0 {
			t.Fatalf("an empty code: %+v", got[4].Roots)
		}
	})

	t.Run("ImpactPaths", func(t *testing.T) {
		tests := []struct {
			from domain.ID
			want []string // path keys, sorted
		}{
			{"reformchange:afskaffelse-af-ressourceforloeb", []string{
				"reformchange:afskaffelse-af-ressourceforloeb|PHASES_OUT|targetgroup:ressourceforloeb / centre:cba|SERVES|targetgroup:ressourceforloeb",
				"reformchange:afskaffelse-af-ressourceforloeb|PHASES_OUT|targetgroup:ressourceforloeb / benefit:ressourceforloebsydelse|PAID_TO|targetgroup:ressourceforloeb / centre:ydelsesservice|PAYS|benefit:ressourceforloebsydelse",
			}},
			// KUI reaches nothing: COOPERATES_ON is walked forward only, so
			// the walk does not go back from KUI to SOF and on to CBA.
			{"reformchange:styrket-ungeloeft", nil},
			{"organisation:sof", []string{"organisation:sof|WORKS_WITH|centre:cba", "organisation:sof|WORKS_WITH|centre:cdoe"}},
			// From a centre: other centres, never itself, and not back
			// through a reform item (PHASES_OUT is forward only).
			{"centre:cba", []string{
				"centre:cba|SERVES|targetgroup:ressourceforloeb / benefit:ressourceforloebsydelse|PAID_TO|targetgroup:ressourceforloeb / centre:ydelsesservice|PAYS|benefit:ressourceforloebsydelse",
				"centre:cba|DELIVERS|intervention:mentorforloeb / centre:cdoe|DELIVERS|intervention:mentorforloeb",
				"organisation:sof|WORKS_WITH|centre:cba / organisation:sof|WORKS_WITH|centre:cdoe",
			}},
			{"targetgroup:ressourceforloeb", []string{
				"benefit:ressourceforloebsydelse|PAID_TO|targetgroup:ressourceforloeb / centre:ydelsesservice|PAYS|benefit:ressourceforloebsydelse",
				"centre:cba|SERVES|targetgroup:ressourceforloeb",
			}},
			// Structure carries no impact.
			{"budget:2026", nil},
			{"reform:beskaeftigelsesreform", nil},
		}
		for _, tt := range tests {
			t.Run(string(tt.from), func(t *testing.T) {
				all, err := st.ImpactPaths(ctx, []domain.ID{tt.from}, domain.ImpactMaxSteps)
				if err != nil {
					t.Fatal(err)
				}
				paths, ok := all[tt.from]
				if !ok || paths == nil {
					t.Fatalf("an existing node must map to a non-nil slice: %v", all)
				}
				keys := checkPaths(ctx, t, st, tt.from, paths)
				want := slices.Sorted(slices.Values(tt.want))
				if !slices.Equal(keys, want) {
					t.Fatalf("paths:\n got %q\nwant %q", keys, want)
				}
			})
		}
		t.Run("bounded by maxLen", func(t *testing.T) {
			const id = "reformchange:afskaffelse-af-ressourceforloeb"
			all, err := st.ImpactPaths(ctx, []domain.ID{id}, 2)
			if err != nil {
				t.Fatal(err)
			}
			if paths := all[id]; len(paths) != 1 || paths[0].End() != "centre:cba" {
				t.Fatalf("maxLen 2: %v", paths)
			}
		})
		t.Run("many at once, unknown ones absent", func(t *testing.T) {
			ids := []domain.ID{"reformchange:afskaffelse-af-ressourceforloeb", "centre:nowhere", "organisation:sof", "budget:2026"}
			all, err := st.ImpactPaths(ctx, ids, domain.ImpactMaxSteps)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := all["centre:nowhere"]; ok || len(all) != 3 {
				t.Fatalf("keys: %v", slices.Collect(maps.Keys(all)))
			}
			if len(all["reformchange:afskaffelse-af-ressourceforloeb"]) != 2 || len(all["organisation:sof"]) != 2 || len(all["budget:2026"]) != 0 {
				t.Fatalf("batch answers differ from single ones: %v", all)
			}
		})
	})

	t.Run("PathsBetween", func(t *testing.T) {
		tests := []struct {
			from, to domain.ID
			max      int
			want     []string
		}{
			// Not through BIF, which has every centre: a stop kind.
			{"organisation:sof", "centre:ydelsesservice", 4, []string{
				"organisation:sof|WORKS_WITH|centre:cba / centre:cba|SERVES|targetgroup:ressourceforloeb / benefit:ressourceforloebsydelse|PAID_TO|targetgroup:ressourceforloeb / centre:ydelsesservice|PAYS|benefit:ressourceforloebsydelse",
			}},
			{"organisation:sof", "centre:ydelsesservice", 3, nil},
			// Any relationship, either way, structure included at the ends.
			{"reform:beskaeftigelsesreform", "reformchange:styrket-ungeloeft", 2, []string{
				"reform:beskaeftigelsesreform|HAS_PHASE|reformphase:2026-02-01 / reformphase:2026-02-01|INCLUDES|reformchange:styrket-ungeloeft",
			}},
			// Two items of one phase are joined through it, not through the reform.
			{"reformchange:styrket-ungeloeft", "reformchange:afskaffelse-af-ressourceforloeb", 3, []string{
				"reformphase:2026-02-01|INCLUDES|reformchange:styrket-ungeloeft / reformphase:2026-02-01|INCLUDES|reformchange:afskaffelse-af-ressourceforloeb",
			}},
			{"centre:cba", "intervention:mentorforloeb", 1, []string{"centre:cba|DELIVERS|intervention:mentorforloeb"}},
		}
		for _, tt := range tests {
			paths, err := st.PathsBetween(ctx, tt.from, tt.to, tt.max)
			if err != nil {
				t.Fatal(err)
			}
			keys := checkPaths(ctx, t, st, tt.from, paths)
			if !slices.Equal(keys, tt.want) {
				t.Errorf("%s → %s (≤%d):\n got %q\nwant %q", tt.from, tt.to, tt.max, keys, tt.want)
			}
		}
		if _, err := st.PathsBetween(ctx, "centre:cba", "centre:nowhere", 3); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("unknown end: want ErrNotFound, got %v", err)
		}
	})

	t.Run("Dependencies", func(t *testing.T) {
		got, nodes, err := st.Dependencies(ctx, []domain.ID{"centre:cba", "centre:ydelsesservice", "organisation:sof"})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[domain.ID]*domain.Node{}
		for _, n := range g.Nodes {
			byID[n.ID] = n
		}
		named := 0
		for _, s := range got {
			for _, id := range []domain.ID{s.Other, s.Via, s.Also} {
				if id == "" {
					continue
				}
				named++
				if !reflect.DeepEqual(nodes[id], byID[id]) {
					t.Fatalf("dependencies name %s but carry %+v", id, nodes[id])
				}
			}
		}
		if named == 0 {
			t.Fatal("no dependency names a node")
		}
		if none, nodes, err := st.Dependencies(ctx, []domain.ID{"organisation:sof"}); err != nil || len(none) != 0 || len(nodes) != 0 {
			t.Fatalf("a non-centre's dependencies: %v, %v, %v", none, nodes, err)
		}
		var keys []string
		for _, s := range got {
			var rels []string
			for _, r := range s.Rels {
				rels = append(rels, string(r.Kind))
			}
			keys = append(keys, fmt.Sprintf("%s %s %s via %s %s [%s]", s.Centre, s.Kind, s.Other, s.Via, s.Also, strings.Join(rels, " ")))
		}
		slices.Sort(keys)
		want := []string{
			"centre:cba BENEFIT_FLOW centre:ydelsesservice via benefit:ressourceforloebsydelse targetgroup:ressourceforloeb [SERVES PAID_TO PAYS]",
			"centre:cba INTERVENTION centre:cdoe via intervention:mentorforloeb  [DELIVERS DELIVERS]",
			"centre:cba PARTNER centre:cdoe via organisation:sof  [WORKS_WITH WORKS_WITH]",
			"centre:ydelsesservice BENEFIT_FLOW centre:cba via benefit:ressourceforloebsydelse targetgroup:ressourceforloeb [PAYS PAID_TO SERVES]",
		}
		if !slices.Equal(keys, want) {
			t.Fatalf("dependencies:\n got %q\nwant %q", keys, want)
		}
	})

	t.Run("Search folds and needs every term", func(t *testing.T) {
		tests := []struct {
			query string
			want  []domain.ID
		}{
			{"RESSOURCEFORLØB", []domain.ID{"benefit:ressourceforloebsydelse", "reformchange:afskaffelse-af-ressourceforloeb", "targetgroup:ressourceforloeb"}},
			{"ressourceforloeb afskaffelse", []domain.ID{"reformchange:afskaffelse-af-ressourceforloeb"}},
			{"fleksjob", []domain.ID{"centre:cba"}},                      // description
			{"socialforvaltningen", []domain.ID{"organisation:sof"}},     // full name
			{"mentorstoette", []domain.ID{"intervention:mentorforloeb"}}, // alias
			{"beredskab", []domain.ID{"centre:cdoe"}},                    // task
			{"udmoentes", []domain.ID{"reform:beskaeftigelsesreform"}},   // note
			{"x-ray-nothing", nil},
		}
		for _, tt := range tests {
			hits, err := st.Search(ctx, search.Terms(tt.query), 100)
			if err != nil {
				t.Fatal(err)
			}
			var ids []domain.ID
			for _, h := range hits {
				ids = append(ids, h.Node.ID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tt.want) {
				t.Errorf("%q: got %v, want %v", tt.query, ids, tt.want)
			}
		}
	})

	t.Run("Search ranks as search.Rank does over the whole nodes", func(t *testing.T) {
		for _, tt := range []struct {
			query string
			first int
		}{{"ressourceforloeb", 100}, {"ressourceforloeb", 2}, {"center", 3}, {"job", 100}, {"a", 5}} {
			terms := search.Terms(tt.query)
			want := search.Rank(g.Nodes, terms, tt.first)
			got, err := st.Search(ctx, terms, tt.first)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 || len(got) != len(want) {
				t.Fatalf("%q first %d: %d hits, want %d", tt.query, tt.first, len(got), len(want))
			}
			for i := range want {
				if got[i].Node.ID != want[i].Node.ID || got[i].Score != want[i].Score || !reflect.DeepEqual(got[i].Node, want[i].Node) {
					t.Fatalf("%q first %d, hit %d: %s %v, want %s %v", tt.query, tt.first, i, got[i].Node.ID, got[i].Score, want[i].Node.ID, want[i].Score)
				}
			}
		}
	})

	t.Run("Snapshot holds the whole graph in seed order", func(t *testing.T) {
		snap, err := st.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(snap, g) {
			t.Fatalf("snapshot differs from the graph loaded:\n got %d nodes, %d rels\nwant %d nodes, %d rels",
				len(snap.Nodes), len(snap.Relationships), len(g.Nodes), len(g.Relationships))
		}
	})

	t.Run("Ping", func(t *testing.T) {
		if err := st.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a cancelled context is an error, not an answer", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := st.NodesByID(cctx, []domain.ID{"centre:cba"}); err == nil {
			t.Fatal("NodesByID answered on a cancelled context")
		}
	})
}

// checkPaths checks each of paths (checkChained, checkPathNodes) and
// returns their keys, sorted.
func checkPaths(ctx context.Context, t *testing.T, st store.Store, from domain.ID, paths []domain.Path) []string {
	t.Helper()
	var keys []string
	for _, p := range paths {
		keys = append(keys, p.Key())
		checkChained(t, from, p)
		checkPathNodes(ctx, t, st, p)
	}
	slices.Sort(keys)
	return keys
}

// checkChained asserts a path starts at from, each step starts where the
// last ended, and Reversed agrees with the stored relationship.
func checkChained(t *testing.T, from domain.ID, p domain.Path) {
	t.Helper()
	at := from
	for _, s := range p.Steps {
		if s.From != at {
			t.Fatalf("path %s: step from %s, expected %s", p.Key(), s.From, at)
		}
		stored := [2]domain.ID{s.From, s.To}
		if s.Reversed {
			stored = [2]domain.ID{s.To, s.From}
		}
		if s.Rel.From != stored[0] || s.Rel.To != stored[1] {
			t.Fatalf("path %s: step %s→%s reversed=%v disagrees with %s", p.Key(), s.From, s.To, s.Reversed, s.Rel.Key())
		}
		at = s.To
	}
}

// checkPathNodes checks that p carries the nodes along it, first to last,
// each the same as a lookup by id gives.
func checkPathNodes(ctx context.Context, t *testing.T, st store.Store, p domain.Path) {
	t.Helper()
	if len(p.Nodes) != len(p.Steps)+1 {
		t.Fatalf("path %s: %d nodes for %d steps", p.Key(), len(p.Nodes), len(p.Steps))
	}
	ids := []domain.ID{p.Steps[0].From}
	for _, s := range p.Steps {
		ids = append(ids, s.To)
	}
	byID, err := st.NodesByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if p.Nodes[i] == nil || !reflect.DeepEqual(p.Nodes[i], byID[id]) {
			t.Fatalf("path %s: node %d is %+v, want %+v", p.Key(), i, p.Nodes[i], byID[id])
		}
	}
}

func idsOf(ns []*domain.Node) []domain.ID {
	var out []domain.ID
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func othersOf(ls []domain.Link) []domain.ID {
	var out []domain.ID
	for _, l := range ls {
		out = append(out, l.Other)
	}
	return out
}

func relOf(g *domain.Graph, from domain.ID, kind domain.RelKind, to domain.ID) *domain.Relationship {
	for _, r := range g.Relationships {
		if r.From == from && r.Kind == kind && r.To == to {
			return r
		}
	}
	panic("storetest: fixture has no " + string(from) + " " + string(kind) + " " + string(to))
}
