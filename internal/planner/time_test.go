package planner_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

func describe(chs []planner.Change) []string {
	var out []string
	for _, c := range chs {
		what := string(c.Node)
		if c.Rel != nil {
			what = string(c.Rel.Kind) + " " + what
		} else {
			what = "task " + c.Task
		}
		sign := "-"
		if c.Added {
			sign = "+"
		}
		out = append(out, fmt.Sprintf("%s %s%s %v", c.Date, sign, what, c.Because))
	}
	return out
}

func TestChangesOfCBAInEarly2026(t *testing.T) {
	chs, err := planner.ChangesOf(context.Background(), realStore(t), "centre:cba", "2026-01-01", "2026-03-01")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2026-02-01 -SERVES targetgroup:ressourceforloeb [reformchange:afskaffelse-af-ressourceforloeb]",
		"2026-02-01 -SERVES targetgroup:revalidering [reformchange:afskaffelse-af-revalidering]",
	}
	if got := describe(chs); !slices.Equal(got, want) {
		t.Fatalf("changes:\n got %q\nwant %q", got, want)
	}
}

func TestChangesOfUngecenteretAtTheRessortaftale(t *testing.T) {
	chs, err := planner.ChangesOf(context.Background(), realStore(t), "centre:ungecenteret", "2025-12-31", "2026-01-01")
	if err != nil {
		t.Fatal(err)
	}
	got := describe(chs)
	for _, w := range []string{
		"2026-01-01 +DELIVERS intervention:uu-vejledning [transfer:ungeindsats]",
		"2026-01-01 +DELIVERS intervention:drift-af-stu-institutioner [transfer:ungeindsats]",
		"2026-01-01 +MOVES_TO transfer:ungeindsats []",
	} {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in\n%q", w, got)
		}
	}
	for _, c := range chs {
		if !c.Added {
			t.Errorf("nothing leaves Ungecenteret on 1 January 2026: %v", describe([]planner.Change{c}))
		}
	}
}

func TestChangesNeedOrderedDates(t *testing.T) {
	_, err := planner.ChangesOf(context.Background(), realStore(t), "centre:cba", "2026-03-01", "2026-01-01")
	if !errors.Is(err, domain.ErrInvalidInput) {
		t.Fatalf("want ErrInvalidInput, got %v", err)
	}
	if _, err := planner.ChangesOf(context.Background(), realStore(t), "organisation:sof", "2026-01-01", "2026-03-01"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("not a centre: want ErrNotFound, got %v", err)
	}
}

func TestTimeline(t *testing.T) {
	st := realStore(t)
	all, err := planner.Timeline(context.Background(), st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	count := map[planner.TimelineKind]int{}
	for i, e := range all {
		count[e.Kind]++
		if i > 0 && e.Date < all[i-1].Date {
			t.Fatalf("not in date order at %d: %v after %v", i, e, all[i-1])
		}
	}
	if count[planner.TimelineReformPhase] != 3 || count[planner.TimelineReformChange] != 29 || count[planner.TimelineTransfer] != 2 || count[planner.TimelineSavingsYear] != 5 {
		t.Fatalf("counts: %v", count)
	}
	from, to := domain.Date("2026-07-01"), domain.Date("2026-07-01")
	july, err := planner.Timeline(context.Background(), st, &from, &to)
	if err != nil {
		t.Fatal(err)
	}
	if len(july) != 6 || july[0].Kind != planner.TimelineReformPhase || july[0].Node != "reformphase:2026-07-01" {
		t.Fatalf("1 July 2026: %v", july)
	}
}
