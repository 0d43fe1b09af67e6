package planner_test

import (
	"context"
	"errors"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

func fixtureStore(t *testing.T) *memstore.Store {
	t.Helper()
	return seedtest.Mem(t, storetest.Fixture())
}

func TestImpactOfReformItem(t *testing.T) {
	imp, err := planner.ImpactOf(context.Background(), fixtureStore(t), "reformchange:afskaffelse-af-ressourceforloeb")
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Centres) != 2 {
		t.Fatalf("centres: %+v", imp.Centres)
	}
	cba, ys := imp.Centres[0], imp.Centres[1]
	if cba.Centre != "centre:cba" || cba.Basis != domain.Explicit || len(cba.Paths[0].Steps) != 2 {
		t.Errorf("CBA: %+v", cba)
	}
	if ys.Centre != "centre:ydelsesservice" || ys.Basis != domain.Inferred {
		t.Errorf("Ydelsesservice: %+v", ys)
	}
	step := ys.Paths[0].Steps[1]
	if step.Rel.Kind != domain.RelPaidTo || !step.Reversed || step.Rel.Rationale == "" {
		t.Errorf("inferred step: %+v", step)
	}
	if len(imp.TargetGroups) != 1 || len(imp.Benefits) != 1 || imp.FullTimePersons != nil || imp.FullTimePersonsComplete {
		t.Errorf("reached: %+v", imp)
	}
}

func TestImpactCountsKnownFullTimePersons(t *testing.T) {
	imp, err := planner.ImpactOf(context.Background(), fixtureStore(t), "targetgroup:unge")
	if err != nil {
		t.Fatal(err)
	}
	if imp.FullTimePersons == nil || *imp.FullTimePersons != 1831 || !imp.FullTimePersonsComplete {
		t.Fatalf("full-time persons: %v (complete %v)", imp.FullTimePersons, imp.FullTimePersonsComplete)
	}
}

func TestImpactOfBadIDs(t *testing.T) {
	st := fixtureStore(t)
	for id, want := range map[domain.ID]error{
		"centre:nowhere":     domain.ErrNotFound,
		"nonsense":           domain.ErrInvalidInput,
		"centre:CBA":         domain.ErrInvalidInput,
		"planet:earth":       domain.ErrInvalidInput,
		"centre:cba) DETACH": domain.ErrInvalidInput,
	} {
		if _, err := planner.ImpactOf(context.Background(), st, id); !errors.Is(err, want) {
			t.Errorf("%q: want %v, got %v", id, want, err)
		}
	}
}

func TestSearch(t *testing.T) {
	st := fixtureStore(t)
	hits, err := planner.Search(context.Background(), st, "RESSOURCEFORLOEB", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 || hits[0].Node.ID != "targetgroup:ressourceforloeb" {
		t.Fatalf("hits: %+v", hits)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Fatal("hits not ranked")
		}
	}
	for _, bad := range []struct {
		text  string
		first int
	}{{"", 10}, {"  ,. ", 10}, {"cba", 0}, {"cba", 101}} {
		if _, err := planner.Search(context.Background(), st, bad.text, bad.first); !errors.Is(err, domain.ErrInvalidInput) {
			t.Errorf("search(%q, %d): want ErrInvalidInput, got %v", bad.text, bad.first, err)
		}
	}
}
