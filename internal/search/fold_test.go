package search

import "testing"

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
