package export

import (
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
)

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Implementering af beskæftigelsesreform", "implementering-af-beskaeftigelsesreform"},
		{"BIU’s budget 2026", "biu-s-budget-2026"},
		{"Årlig indfasning af besparelser", "aarlig-indfasning-af-besparelser"},
		{"000_26cae6b8a7887ec7.txt", "000-26cae6b8a7887ec7-txt"},
		{"Københavns Kommune, kk.dk", "koebenhavns-kommune-kk-dk"},
		{"CDØ", "cdoe"},
		{"Łódź café", "odz-cafe"}, // ł has no ASCII fold: dropped, not kept
		{"  ", "untitled"},
	}
	for _, tt := range tests {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSourceIRIs(t *testing.T) {
	fifteen := 15
	src := func(doc, section, note string, slide *int) domain.Source {
		return domain.Source{Document: doc, Section: section, Note: note, Slide: slide}
	}
	reform := src("000_26cae6b8a7887ec7.txt", "Implementering af beskæftigelsesreform", "", &fifteen)
	// Two sources that read alike but differ in their note.
	noteA := src("d.txt", "Same", "a", nil)
	noteB := src("d.txt", "Same", "b", nil)
	g := &domain.Graph{Nodes: []*domain.Node{
		{ID: "reformchange:x", Sources: []domain.Source{reform, noteA}},
		{ID: "reformchange:y", Sources: []domain.Source{noteB, reform}},
	}}
	s := newSourceIRIs(g)
	if got, want := s.of(reform), SourceBase+"000-26cae6b8a7887ec7-txt/implementering-af-beskaeftigelsesreform/slide-15"; got != want {
		t.Errorf("reform source = %s, want %s", got, want)
	}
	a, b := s.of(noteA), s.of(noteB)
	if a == b || !strings.HasPrefix(a, SourceBase+"d-txt/same-") || !strings.HasPrefix(b, SourceBase+"d-txt/same-") {
		t.Errorf("clashing sources named %s and %s", a, b)
	}
	if len(s.docs) != 2 || len(s.sections) != 3 {
		t.Errorf("docs %v, sections %v", s.docs, s.sections)
	}
	// A pointer to an equal slide is the same source.
	other := 15
	if s.of(src(reform.Document, reform.Section, "", &other)) != s.of(reform) {
		t.Error("source identity depends on the slide's pointer")
	}
}

func TestCSVCellsCannotBecomeFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+1":                "'+1",
		"-2":                "'-2",
		"@SUM(A1)":          "'@SUM(A1)",
		"\tx":               "'\tx",
		"CBA":               "CBA",
		"":                  "",
	} {
		if got := inert(in); got != want {
			t.Errorf("inert(%q) = %q, want %q", in, got, want)
		}
	}
}
