package search

import (
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
)

// Text is a node's folded searchable text, split by how much a match there weighs.
type Text struct {
	Name  string // the name
	Label string // code, full name and aliases
	Body  string // description, tasks and notes
}

// TextOf folds the parts of a node that search covers. A store may keep the
// result (Neo4j does, as properties) so that matching needs no folding at query time.
func TextOf(n *domain.Node) Text {
	label := append([]string{n.Code, n.FullName}, n.Aliases...)
	body := []string{n.Description}
	for _, t := range n.Tasks {
		body = append(body, t.Text)
	}
	body = append(body, n.Notes...)
	return Text{
		Name:  Fold(n.Name),
		Label: Fold(strings.Join(label, " ")),
		Body:  Fold(strings.Join(body, " ")),
	}
}

// All is the whole text, for a containment test over every part at once.
func (t Text) All() string { return t.Name + " | " + t.Label + " | " + t.Body }

// ParseAll reads back the Text whose All is all: folded text holds no "|",
// so the parts split where All joined them. A store that keeps All (Neo4j
// does) ranks from it without folding again.
func ParseAll(all string) (Text, bool) {
	parts := strings.SplitN(all, " | ", 3)
	if len(parts) != 3 {
		return Text{}, false
	}
	return Text{Name: parts[0], Label: parts[1], Body: parts[2]}, true
}

// holds reports whether a part of the text holds s, which has no space:
// the same as a test on All, without joining the parts.
func (t Text) holds(s string) bool {
	return strings.Contains(t.Name, s) || strings.Contains(t.Label, s) || strings.Contains(t.Body, s)
}

// Matches reports whether every term occurs somewhere in the text.
func (t Text) Matches(terms []string) bool {
	if len(terms) == 0 {
		return false
	}
	all := t.All()
	for _, term := range terms {
		if !strings.Contains(all, term) {
			return false
		}
	}
	return true
}
