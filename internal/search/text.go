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
	// grams is the signature of the three parts' runs, set by TextOf and
	// ParseAll: a Text made otherwise (a loosened one) has none, and every
	// needle may be in it.
	grams grams
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
	return newText(Fold(n.Name), Fold(strings.Join(label, " ")), Fold(strings.Join(body, " ")))
}

// newText is the Text of folded parts, its signature made.
func newText(name, label, body string) Text {
	t := Text{Name: name, Label: label, Body: body}
	t.grams.add(name)
	t.grams.add(label)
	t.grams.add(body)
	return t
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
	return newText(parts[0], parts[1], parts[2]), true
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
