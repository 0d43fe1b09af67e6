package search

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
)

// hitIDs are the hits' node ids, best first.
func hitIDs(hits []Hit) []domain.ID {
	var ids []domain.ID
	for _, h := range hits {
		ids = append(ids, h.Node.ID)
	}
	return ids
}

func TestRankOrdersNameBeforeBody(t *testing.T) {
	nodes := []*domain.Node{
		{ID: "centre:cba", Name: "CBA", Description: "får flere i fleksjob", Order: 1},
		{ID: "benefit:fleksjobrefusion", Name: "Fleksjobrefusion", Order: 3},
		{ID: "targetgroup:fleksjob", Name: "Fleksjob", Order: 2},
		{ID: "centre:csi", Name: "CSI", Description: "sprog", Order: 0},
	}
	got := hitIDs(Rank(nodes, Terms("FLEKSJOB"), 10))
	want := []domain.ID{"targetgroup:fleksjob", "benefit:fleksjobrefusion", "centre:cba"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
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

func TestScoreForgivesTyposByWordLength(t *testing.T) {
	tests := []struct {
		name, query string
		match       bool
	}{
		{"Revalidering", "revalidring", true},       // 11 letters, one dropped
		{"Revalidering", "revaldring", true},        // two dropped
		{"Revalidering", "rvaldring", false},        // three
		{"Psykiatrien", "psykiatrein", true},        // two neighbours swapped: one edit
		{"Mentorstøtte", "mentorstøte", true},       // 10 letters as typed
		{"Fleksjob", "flexjob", false},              // two edits in 7 letters
		{"Fleksjob", "fleksjbo", true},              // a swap in 8
		{"sats", "sata", false},                     // no typo in 4 letters
		{"flekslønstilskud", "fleks", true},         // the start of a compound
		{"flekslønstilskud", "flaks", true},         // ... with a typo
		{"flekslønstilskud", "flekslon", true},      // ø typed o
		{"flekslønstilskud", "fleksloen", true},     // ø typed oe
		{"Anlæg", "anlag", true},                    // æ typed a
		{"Ensartet rådgivning", "radgivning", true}, // å typed a
		{"Ensartet rådgivning", "raadgivning", true},
		{"Ensartet rådgivning", "rodgivning", true}, // and a typo on top
		{"Ensartet rådgivning", "ensartet xyzgivning", false},
	}
	for _, tt := range tests {
		got := Score(TextOf(&domain.Node{Name: tt.name}), Terms(tt.query)) > 0
		if got != tt.match {
			t.Errorf("%q for %q: match %v, want %v", tt.query, tt.name, got, tt.match)
		}
	}
}

// Every hit that holds the words as typed ranks above every forgiven one,
// whatever their scores, and a spelling without Danish letters above a typo.
func TestBestPutsExactHitsFirst(t *testing.T) {
	nodes := []*domain.Node{
		{ID: "a:typo-in-name", Name: "Flaksjbo", Order: 0},
		{ID: "a:loose-in-name", Name: "Flæksjob", Order: 1},
		{ID: "a:exact-in-body", Name: "Other", Description: "om flaksjob", Order: 2},
	}
	hits := Rank(nodes, Terms("flaksjob"), 10)
	got := hitIDs(hits)
	want := []domain.ID{"a:exact-in-body", "a:loose-in-name", "a:typo-in-name"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if hits[0].Score >= hits[1].Score {
		t.Fatalf("the test means an exact hit that scores less: %v", hits)
	}
}

// After a typo, a name that is the query but for it still outranks a name
// that merely holds the word.
func TestTypoInTheWholeNameRanksItFirst(t *testing.T) {
	nodes := []*domain.Node{
		{ID: "a:holds", Name: "Samarbejde med SOF og Psykiatrien", Order: 0},
		{ID: "a:is", Name: "Psykiatrien", Order: 1},
	}
	hits := Rank(nodes, Terms("psykiatrein"), 10)
	if len(hits) != 2 || hits[0].Node.ID != "a:is" {
		t.Fatalf("hits %v", hits)
	}
}

// A search that matches many more nodes than it returns, exactly, loosely
// and with typos, keeps only the best as it goes: its first hits are the
// first of every hit ranked at once.
func TestBestOfManyMatchesIsTheHeadOfAllOfThem(t *testing.T) {
	texts := []string{"Fleksjob", "fleksjobrefusion", "Flexjob", "fleksjb", "ledige i fleksjob og job", "jobcenter"}
	var cs []Candidate
	for i := range 600 {
		n := &domain.Node{ID: domain.ID(fmt.Sprintf("node:%03d", (i*37)%600)), Name: texts[i%len(texts)], Order: (i * 7) % 50}
		if i%5 == 0 {
			n.Description = strings.Repeat("fleksjob ", i%4)
		}
		cs = append(cs, Candidate{ID: n.ID, Order: n.Order, Text: TextOf(n)})
	}
	for _, q := range []string{"fleksjob", "flexjob", "job"} {
		all := Best(cs, Terms(q), len(cs))
		// Asked for every hit, the exact ones are found in a pass of their
		// own and the rest after: each matching node once, no other.
		seen, matching := map[domain.ID]bool{}, 0
		for _, h := range all {
			if seen[h.ID] {
				t.Fatalf("%q: %s is hit twice", q, h.ID)
			}
			seen[h.ID] = true
		}
		for _, c := range cs {
			if Score(c.Text, Terms(q)) > 0 {
				matching++
			}
		}
		if len(all) != matching {
			t.Fatalf("%q: %d hits of %d matching texts", q, len(all), matching)
		}
		for _, first := range []int{1, 10, 40} {
			got := Best(cs, Terms(q), first)
			if len(all) < 2*first+16 {
				t.Fatalf("%q: %d hits, too few to test keeping the best %d", q, len(all), first)
			}
			if !slices.EqualFunc(got, all[:first], func(a, b Scored) bool { return a.ID == b.ID && a.Score == b.Score }) {
				t.Fatalf("%q, first %d: %v, want the head of all %v", q, first, got, all[:first])
			}
		}
	}
}

// The signature is only a shortcut: a text that holds a needle is never
// told it lacks it, whatever runs the two share or not, and one that
// lacks a run of the needle is.
func TestGramsNeverHideANeedle(t *testing.T) {
	body := "fleksjob og ressourceforloeb i jobcentret, cdoe og beskaeftigelse"
	text := newText("center for beskaeftigelse", "cba", body)
	for i := 0; i < len(body); i++ {
		for j := i + 3; j <= len(body) && j <= i+12; j++ {
			needle := body[i:j]
			if n := gramsOf(needle); text.grams.lacks(&n) {
				t.Fatalf("the text holds %q, yet its signature lacks it", needle)
			}
		}
	}
	// Of the runs of three letters the text does not hold, the signature
	// turns most away (a node's text of some hundred runs sets about a
	// third of its bits).
	absent, turned := 0, 0
	for a := 'a'; a <= 'z'; a++ {
		for b := 'a'; b <= 'z'; b++ {
			for c := 'a'; c <= 'z'; c++ {
				run := string([]rune{a, b, c})
				if text.holds(run) {
					continue
				}
				absent++
				if n := gramsOf(run); text.grams.lacks(&n) {
					turned++
				}
			}
		}
	}
	if turned*10 < absent*6 {
		t.Errorf("the signature turned away %d of %d runs the text does not hold", turned, absent)
	}
	var unknown Text
	if n := gramsOf("xqz"); unknown.grams.lacks(&n) {
		t.Error("a text without a signature turned a needle away")
	}
}
