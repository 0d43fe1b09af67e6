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
