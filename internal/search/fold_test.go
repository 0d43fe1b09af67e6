package search

import (
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ressourceforløb", "ressourceforloeb"},
		{"RESSOURCEFORLØB", "ressourceforloeb"},
		{"ressourceforloeb", "ressourceforloeb"},
		{"Anlæg", "anlaeg"},
		{"Århus", "aarhus"},
		{"Café b", "cafe b"},
		{"UU-vejledning (fra 2026).", "uu vejledning fra 2026"},
		{"  BIU’s budget  ", "biu s budget"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTermsDropsDuplicatesAndPunctuation(t *testing.T) {
	got := Terms("Fleksjob, fleksjob  & CBA")
	want := []string{"fleksjob", "cba"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("Terms = %q, want %q", got, want)
	}
}

// ParseAll reads back every text All writes, empty parts included.
func TestParseAllReadsBackAll(t *testing.T) {
	texts := []Text{
		newText("cba", "center for beskaeftigelse", "fleksjob og ressourceforloeb"),
		newText("x", "", ""),
		newText("", "", "only a body"),
		{},
		TextOf(&domain.Node{Name: "Ø | Å", Code: "CBA", Description: "a | b"}),
	}
	for _, want := range texts {
		got, ok := ParseAll(want.All())
		if !ok || got != want {
			t.Errorf("ParseAll(%q) = %+v, %v; want %+v", want.All(), got, ok, want)
		}
	}
	if _, ok := ParseAll("no separators"); ok {
		t.Error("ParseAll took a text without its parts")
	}
}

func TestFindCodeReadsCodesTypedPlainly(t *testing.T) {
	codes := []string{"CBA", "CDØ", "Ungeløftet", "Welcome house", "AE", "Æ"}
	tests := []struct {
		code string
		want int
	}{
		{"CDØ", 1}, {"cdø", 1}, {"CDO", 1}, {"cdoe", 1}, {"CDOE", 1},
		{"ungeloftet", 2}, {"UNGELOEFTET", 2}, {"welcomehouse", 3}, {"Welcome  House", 3},
		{"cba", 0},
		{"AE", 4}, // exact beats the key it shares with Æ
		{"a", -1}, // AE and Æ both read a: ambiguous
		{"CDA", -1}, {"", -1}, {"–", -1},
	}
	for _, tt := range tests {
		if got := FindCode(codes, tt.code); got != tt.want {
			t.Errorf("FindCode(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
}

func TestLoose(t *testing.T) {
	tests := []struct{ in, want string }{
		{Fold("flekslønstilskud"), "flekslonstilskud"},
		{Fold("Rådgivning"), "radgivning"},
		{Fold("Anlæg"), "anlag"},
		{"aae", "ae"}, // one letter dropped after each kept a or o
		{"cdo", "cdo"},
	}
	for _, tt := range tests {
		if got := Loose(tt.in); got != tt.want {
			t.Errorf("Loose(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
