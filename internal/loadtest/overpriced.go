package loadtest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// Overpriced is a question of a mix that the server refused for its price
// before running it (COMPLEXITY_LIMIT_EXCEEDED): its kind, the price the
// server put on it and the server's limit.
type Overpriced struct {
	Kind  string `json:"kind"`
	Price int    `json:"price"`
	Limit int    `json:"limit"`
}

// FindOverpriced asks each question of mix once at url and returns those
// refused for their price, in the mix's order; none when every one was let
// in. A question let in that then fails (a TIMEOUT on a busy machine, say)
// is not refused for its price; an answer that is no GraphQL response at
// all is an error. scripts/benchmarks
// uses it to raise orggraph's limit for a run at a size where the mix's
// deep listing is priced past the default (2,954,000 at 1000× the seed).
func FindOverpriced(ctx context.Context, url string, mix []Query) ([]Overpriced, error) {
	var out []Overpriced
	for _, q := range mix {
		status, body, err := post(ctx, url, q)
		if err != nil {
			return nil, fmt.Errorf("loadtest: %s: %w", q.Kind, err)
		}
		var r struct {
			Errors []struct {
				Extensions struct {
					Code  string `json:"code"`
					Cost  int    `json:"cost"`
					Limit int    `json:"limit"`
				} `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return nil, fmt.Errorf("loadtest: %s: status %d, not a GraphQL response: %.200s", q.Kind, status, body)
		}
		for _, e := range r.Errors {
			if e.Extensions.Code == apierr.ComplexityLimit {
				out = append(out, Overpriced{Kind: q.Kind, Price: e.Extensions.Cost, Limit: e.Extensions.Limit})
				break
			}
		}
	}
	return out, nil
}
