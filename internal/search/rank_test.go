package search

import (
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
)

func TestRankOrdersNameBeforeBody(t *testing.T) {
	nodes := []*domain.Node{
		{ID: "centre:cba", Name: "CBA", Description: "får flere i fleksjob", Order: 1},
		{ID: "benefit:fleksjobrefusion", Name: "Fleksjobrefusion", Order: 3},
		{ID: "targetgroup:fleksjob", Name: "Fleksjob", Order: 2},
		{ID: "centre:csi", Name: "CSI", Description: "sprog", Order: 0},
	}
	hits := Rank(nodes, Terms("FLEKSJOB"), 10)
	var got []domain.ID
	for _, h := range hits {
		got = append(got, h.Node.ID)
	}
	want := []domain.ID{"targetgroup:fleksjob", "benefit:fleksjobrefusion", "centre:cba"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if len(Rank(nodes, Terms("fleksjob"), 1)) != 1 {
		t.Fatal("first did not bound the hits")
	}
}

func TestScoreNeedsEveryTerm(t *testing.T) {
	txt := TextOf(&domain.Node{Name: "Afskaffelse af ressourceforløb"})
	if Score(txt, Terms("ressourceforloeb afskaffelse")) == 0 {
		t.Fatal("all terms present but score 0")
	}
	if Score(txt, Terms("ressourceforloeb revalidering")) != 0 {
		t.Fatal("a missing term still scored")
	}
}
