package graph_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/scenario"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// BenchmarkScenarioRead is the same read on the baseline and inside a
// scenario of 10 changes (five target groups moved to another centre, a
// link removed and one made for each), on the embedded store at 1× and
// 100× the seed. The scenario's graph is worked out once, at its first
// read after a change, and kept while neither it nor the baseline moves;
// these are the reads after that.
//
//	go test ./graph -run '^$' -bench ScenarioRead -benchmem
func BenchmarkScenarioRead(b *testing.B) {
	const read = `{
  centre(code: "CBA") { name targetGroups { name servedBy { code } } interventions { name } partners { code } dependencies { centre { code } total } }
  impact(of: "reformchange:afskaffelse-af-ressourceforloeb") { centres { centre { code } paths { steps { statement } } } }
}`
	for _, scale := range []int{1, 100} {
		g, err := synthseed.Graph("../seed", b.TempDir(), scale)
		if err != nil {
			b.Fatal(err)
		}
		// Loaded, not seeded through the journal, which at 100× takes long.
		st, err := memstore.Open(&domain.Graph{}, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		if err := st.Load(ctx, g); err != nil {
			b.Fatal(err)
		}
		sc, _, err := st.ApplyScenario(ctx, domain.ScenarioWrite{Op: domain.CreateScenario, Actor: "anna", Name: "Ti ændringer"})
		if err != nil {
			b.Fatal(err)
		}
		views := scenario.New(st)
		changes := tenChanges(g)
		if len(changes) != 10 {
			b.Fatalf("%d changes", len(changes))
		}
		for _, w := range changes {
			if _, _, err := views.Change(ctx, sc.ID, w); err != nil {
				b.Fatal(err)
			}
		}
		h, _ := writableOver(b, st)
		inside := fmt.Sprintf(`{ scenario(id: "scenario:%s") { graph %s } }`, sc.ID, read)
		for _, q := range []struct{ name, query string }{{"baseline", read}, {"scenario-10-changes", inside}} {
			if _, errs := graphtest.Post(b, h, q.query, nil); errs {
				b.Fatalf("%s has errors", q.name)
			}
			b.Run(fmt.Sprintf("%s/%dx", q.name, scale), func(b *testing.B) {
				for b.Loop() {
					graphtest.Post(b, h, q.query, nil)
				}
			})
		}
		st.Close(ctx)
	}
}

// tenChanges moves the first five target groups CBA serves to CBE: a
// link removed and one made for each.
func tenChanges(g *domain.Graph) []domain.Write {
	var out []domain.Write
	src := []domain.Source{{Document: "planlaegning.docx", Section: "Udkast"}}
	for _, r := range g.Relationships {
		if len(out) == 10 {
			break
		}
		if r.Kind != domain.RelServes || r.From != "centre:cba" || slices.ContainsFunc(g.Relationships, func(o *domain.Relationship) bool {
			return o.Kind == domain.RelServes && o.From == "centre:cbe" && o.To == r.To
		}) {
			continue
		}
		out = append(out,
			domain.Write{Op: domain.DeleteLink, Actor: "anna", ExpectedVersion: r.Version, Rel: &domain.Relationship{Kind: r.Kind, From: r.From, To: r.To}},
			domain.Write{Op: domain.CreateLink, Actor: "anna", Rel: &domain.Relationship{Kind: r.Kind, From: "centre:cbe", To: r.To, Basis: domain.Explicit, Sources: src}})
	}
	return out
}
