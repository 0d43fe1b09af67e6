package search

import (
	"slices"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
)

// Hit is a ranked search result.
type Hit struct {
	Node  *domain.Node
	Score float64
}

// Weights of a match by where it falls. A name that is the query outranks a
// name that starts with it, which outranks a word of the name, a part of a
// word, a label and finally the body text.
const (
	wExactName  = 100
	wNamePrefix = 40
	wNameWord   = 20
	wNamePart   = 10
	wLabel      = 8
	wBody       = 3
)

// Score rates how well a node's text matches the folded terms; 0 when some
// term is missing.
func Score(t Text, terms []string) float64 {
	if !t.Matches(terms) {
		return 0
	}
	query := strings.Join(terms, " ")
	score := 0.0
	switch {
	case t.Name == query:
		score += wExactName
	case strings.HasPrefix(t.Name, query):
		score += wNamePrefix
	}
	nameWords := strings.Fields(t.Name)
	for _, term := range terms {
		switch {
		case slices.Contains(nameWords, term):
			score += wNameWord
		case strings.Contains(t.Name, term):
			score += wNamePart
		case strings.Contains(t.Label, term):
			score += wLabel
		default:
			score += wBody
		}
		// Each further mention in the body adds a little, capped, so a text
		// about the term outranks one that names it in passing.
		score += min(float64(strings.Count(t.Body, term)), 5) * 0.5
	}
	return score
}

// Candidate is what ranking needs of a node: its folded text, and the
// order and id that break ties.
type Candidate struct {
	ID    domain.ID
	Order int
	Text  Text
}

// Scored is a candidate that matched, with its score.
type Scored struct {
	Candidate
	Score float64
}

// Best scores candidates and returns those that match, best first, at most
// first of them. Ties go to document order, then to ID, so every store
// ranks identically.
func Best(candidates []Candidate, terms []string, first int) []Scored {
	out := make([]Scored, 0, min(len(candidates), first))
	for _, c := range candidates {
		if s := Score(c.Text, terms); s > 0 {
			out = append(out, Scored{Candidate: c, Score: s})
		}
	}
	slices.SortFunc(out, func(a, b Scored) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case a.Order != b.Order:
			return a.Order - b.Order
		default:
			return strings.Compare(string(a.ID), string(b.ID))
		}
	})
	if len(out) > first {
		out = out[:first]
	}
	return out
}

// Rank is Best over whole nodes, folding each one's text.
func Rank(nodes []*domain.Node, terms []string, first int) []Hit {
	byID := make(map[domain.ID]*domain.Node, len(nodes))
	cs := make([]Candidate, len(nodes))
	for i, n := range nodes {
		byID[n.ID] = n
		cs[i] = Candidate{ID: n.ID, Order: n.Order, Text: TextOf(n)}
	}
	best := Best(cs, terms, first)
	hits := make([]Hit, len(best))
	for i, s := range best {
		hits[i] = Hit{Node: byID[s.ID], Score: s.Score}
	}
	return hits
}
