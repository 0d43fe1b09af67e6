package seed_test

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// These tests hold seed/ to the document's own arithmetic and shape.

func loadReal(t *testing.T) (*domain.Graph, map[domain.ID]*domain.Node) {
	t.Helper()
	g := seedtest.Graph(t)
	byID := map[domain.ID]*domain.Node{}
	for _, n := range g.Nodes {
		byID[n.ID] = n
	}
	return g, byID
}

func ofKind(g *domain.Graph, k domain.Kind) []*domain.Node {
	var out []*domain.Node
	for _, n := range g.Nodes {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}

func TestCentresInOrgChartOrderAndEmployeesAddUp(t *testing.T) {
	g, byID := loadReal(t)
	centres := ofKind(g, domain.KindCentre)
	var codes []string
	sum := 0.0
	for _, c := range centres {
		codes = append(codes, c.Code)
		f, ok := c.Figure(domain.MeasureEmployees)
		if !ok {
			t.Errorf("%s has no employees figure", c.Code)
			continue
		}
		if f.Year == nil || *f.Year != 2025 {
			t.Errorf("%s employees: year %v, want 2025", c.Code, f.Year)
		}
		sum += f.Value
	}
	want := []string{"CBE", "CBA", "Ungecenteret", "CSI", "Ydelsesservice", "Centralforvaltningen", "CDØ"}
	if !slices.Equal(codes, want) {
		t.Fatalf("centres %v, want %v", codes, want)
	}
	// 608 + 480 + 162 + 282 + 246 + 143 + 61: the units' own 2025 figures.
	if sum != 1982 {
		t.Errorf("units' employees sum to %v, want 1982", sum)
	}
	// The 2024 key figure rounds the whole administration to 2.000 Ansatte;
	// the units' 2025 sum must agree to that rounding.
	total, ok := byID["administration:bif"].Figure(domain.MeasureEmployees)
	if !ok || total.Value != 2000 || math.Abs(total.Value-sum) > 0.01*total.Value {
		t.Errorf("BIF's Ansatte %v does not agree with the units' %v", total.Value, sum)
	}
	// "Central forvaltningen består af 4 kontorer, ledelsessekretariatet og Reformsekretariatet".
	units := 0
	for _, r := range g.Relationships {
		if r.Kind == domain.RelHasUnit && r.From == "centre:centralforvaltningen" {
			units++
		}
	}
	if units != 6 {
		t.Errorf("Centralforvaltningen has %d units, want 4 offices + 2 secretariats", units)
	}
}

func TestBudgetSharesSumTo100(t *testing.T) {
	g, byID := loadReal(t)
	frames := ofKind(g, domain.KindBudgetFrame)
	if len(frames) != 4 {
		t.Fatalf("%d budget frames, want 4", len(frames))
	}
	share, amount := 0.0, int64(0)
	for _, f := range frames {
		share += *f.SharePercent
		amount += f.Amount.DKK
	}
	if math.Abs(share-100) > 1e-9 {
		t.Errorf("shares sum to %v %%", share)
	}
	// The frames are rounded (1,3 mia., 9,0 mia.); they must agree with the
	// 11,0 mia. kr. total to that rounding.
	total := byID["budget:2026"].Amount.DKK
	if total != 11_000_000_000 || math.Abs(float64(amount-total)) > 0.05e9 {
		t.Errorf("frames sum to %d, total %d", amount, total)
	}
}

func TestSavingsRowsAddUp(t *testing.T) {
	g, _ := loadReal(t)
	rows := ofKind(g, domain.KindSavingsYear)
	var labels []string
	for _, r := range rows {
		labels = append(labels, r.Label)
		if r.Service.DKK+r.Indsats.DKK != r.Total.DKK {
			t.Errorf("%s: %d + %d != %d", r.Label, r.Service.DKK, r.Indsats.DKK, r.Total.DKK)
		}
		if (r.Label == "Varigt") != (r.Year == nil) {
			t.Errorf("%s: year %v", r.Label, r.Year)
		}
	}
	if want := []string{"2026", "2027", "2028", "2029", "2030", "Varigt"}; !slices.Equal(labels, want) {
		t.Errorf("savings rows %v, want %v", labels, want)
	}
}

func TestReformHas31ItemsInItsPhases(t *testing.T) {
	g, byID := loadReal(t)
	perPhase := map[domain.ID]int{}
	initiatives := 0
	for _, r := range g.Relationships {
		switch r.Kind {
		case domain.RelIncludes:
			perPhase[r.From]++
		case domain.RelHasInitiative:
			initiatives++
		}
	}
	want := map[domain.ID]int{"reformphase:2026-02-01": 13, "reformphase:2026-07-01": 5, "reformphase:2027-01-01": 11}
	for id, n := range want {
		if perPhase[id] != n {
			t.Errorf("%s has %d items, want %d", id, perPhase[id], n)
		}
		if byID[id] == nil || byID[id].EffectiveDate == nil || string(*byID[id].EffectiveDate) != strings.TrimPrefix(string(id), "reformphase:") {
			t.Errorf("%s: effective date wrong", id)
		}
	}
	if initiatives != 2 {
		t.Errorf("%d undated initiatives, want 2", initiatives)
	}
	if n := len(ofKind(g, domain.KindReformChange)); n != 31 {
		t.Errorf("%d reform items, want 31", n)
	}
}

// Every reform item reaches something, or seed/UNLINKED.md says why not.
func TestEveryReformItemIsLinkedOrListed(t *testing.T) {
	g, _ := loadReal(t)
	unlinked, err := os.ReadFile("../../seed/UNLINKED.md")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	linked := map[domain.ID]bool{}
	for _, r := range g.Relationships {
		if r.Kind == domain.RelAffects || r.Kind == domain.RelPhasesOut {
			linked[r.From] = true
		}
	}
	for _, n := range ofKind(g, domain.KindReformChange) {
		listed := strings.Contains(string(unlinked), n.Name)
		switch {
		case !linked[n.ID] && !listed:
			t.Errorf("%q is neither linked nor listed in seed/UNLINKED.md", n.Name)
		case linked[n.ID] && listed:
			t.Errorf("%q is linked but also listed as unlinked", n.Name)
		}
		// The API says why (ReformChange.unlinkedReason), in both languages.
		if hasReason := n.UnlinkedReason != "" && n.UnlinkedReasonDa != ""; hasReason == linked[n.ID] {
			t.Errorf("%q: linked %v, but unlinkedReason %q, unlinkedReasonDa %q", n.Name, linked[n.ID], n.UnlinkedReason, n.UnlinkedReasonDa)
		}
	}
}

// Every inferred link says why in Danish too, the planners' language, and
// only an inferred one has a rationale in either language.
func TestEveryRationaleIsInDanishToo(t *testing.T) {
	g, _ := loadReal(t)
	inferred := 0
	for _, r := range g.Relationships {
		if r.Basis != domain.Inferred {
			if r.Rationale != "" || r.RationaleDa != "" {
				t.Errorf("%s is EXPLICIT but has a rationale", r.Key())
			}
			continue
		}
		inferred++
		if r.RationaleDa == "" {
			t.Errorf("%s has no rationaleDa (its rationale: %q)", r.Key(), r.Rationale)
		}
		if r.RationaleDa == r.Rationale {
			t.Errorf("%s: rationaleDa is the English rationale", r.Key())
		}
	}
	if inferred < 50 {
		t.Errorf("%d inferred links; the seed has more than 50", inferred)
	}
}

func TestPhaseOutsAreLinked(t *testing.T) {
	g, byID := loadReal(t)
	out := map[domain.ID]domain.ID{}
	for _, r := range g.Relationships {
		if r.Kind == domain.RelPhasesOut {
			out[r.To] = r.From
		}
	}
	for tg, change := range map[domain.ID]domain.ID{
		"targetgroup:jobafklaringsforloeb": "reformchange:afskaffelse-af-jobafklaringsforloeb",
		"targetgroup:ressourceforloeb":     "reformchange:afskaffelse-af-ressourceforloeb",
		"targetgroup:revalidering":         "reformchange:afskaffelse-af-revalidering",
	} {
		if out[tg] != change {
			t.Errorf("%s phased out by %q, want %s", tg, out[tg], change)
		}
		if n := byID[tg]; n == nil || n.ValidTo == nil || byID[change] == nil || *n.ValidTo != *byID[change].EffectiveDate {
			t.Errorf("%s: validTo should be the phase-out date", tg)
		}
	}
}
