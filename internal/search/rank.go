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

// Rank scores candidates and returns the best first, at most first of them.
// Ties go to document order, then to ID, so every store ranks identically.
func Rank(candidates []*domain.Node, terms []string, first int) []Hit {
	hits := make([]Hit, 0, len(candidates))
	for _, n := range candidates {
		if s := Score(TextOf(n), terms); s > 0 {
			hits = append(hits, Hit{Node: n, Score: s})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case a.Node.Order != b.Node.Order:
			return a.Node.Order - b.Node.Order
		default:
			return strings.Compare(string(a.Node.ID), string(b.Node.ID))
		}
	})
	if len(hits) > first {
		hits = hits[:first]
	}
	return hits
}
