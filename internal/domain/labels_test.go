package domain

import "testing"

// Every kind and relationship kind has a label in both languages, and the
// Danish one is no English code.
func TestLabelsInBothLanguages(t *testing.T) {
	for _, k := range Kinds {
		da, en := k.Label(Danish), k.Label(English)
		if da == "" || en == "" || (da == string(k) && k != KindReform && k != KindBudget) {
			t.Errorf("%s: labels %q, %q", k, da, en)
		}
	}
	for _, s := range RelSpecs {
		da, en := s.Kind.Verb(Danish), s.Kind.Verb(English)
		if da == "" || en == "" || da == en || da == string(s.Kind) {
			t.Errorf("%s: verbs %q, %q", s.Kind, da, en)
		}
	}
	r := &Relationship{Kind: RelServes, Basis: Inferred, Rationale: "why", RationaleDa: "hvorfor"}
	if got := r.Sentence(Danish, "CBA", "Ressourceforløb"); got != "CBA betjener Ressourceforløb" {
		t.Errorf("Danish sentence %q", got)
	}
	if got := r.Sentence(English, "CBA", "Ressourceforløb"); got != "CBA serves Ressourceforløb" {
		t.Errorf("English sentence %q", got)
	}
	if r.Reason(Danish) != "hvorfor" || r.Reason(English) != "why" {
		t.Errorf("reasons %q, %q", r.Reason(Danish), r.Reason(English))
	}
	if r.RationaleDa = ""; r.Reason(Danish) != "why" {
		t.Errorf("without a Danish rationale the reason is %q; want the English one", r.Reason(Danish))
	}
}
