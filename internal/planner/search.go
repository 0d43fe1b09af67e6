package planner

import (
	"context"
	"fmt"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
)

// Hit is a ranked search result.
type Hit = search.Hit

// MaxSearchResults bounds search's first argument.
const MaxSearchResults = 100

// Search finds the nodes whose names and descriptions hold every word of
// text, forgiving case, Danish letters typed without diacritics and typos
// as internal/search does, best first.
func Search(ctx context.Context, st Reader, text string, first int) ([]Hit, error) {
	if first < 1 || first > MaxSearchResults {
		return nil, fmt.Errorf("%w: first must be between 1 and %d", domain.ErrInvalidInput, MaxSearchResults)
	}
	if len(text) > 200 {
		return nil, fmt.Errorf("%w: search text is longer than 200 bytes", domain.ErrInvalidInput)
	}
	terms := search.Terms(text)
	if len(terms) == 0 {
		return nil, fmt.Errorf("%w: search text has no letters or digits", domain.ErrInvalidInput)
	}
	hits, err := st.Search(ctx, terms, first)
	if err != nil {
		return nil, fmt.Errorf("planner: search: %w", err)
	}
	return hits, nil
}
