// Package loadtest replays a weighted mix of GraphQL queries against an
// orggraph endpoint, at a fixed arrival rate (open model) or a fixed number of
// workers (closed model), and reports throughput, latency percentiles and
// errors per query kind and overall.
package loadtest

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Query is one kind of request in the mix.
type Query struct {
	Kind      string         `json:"kind"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
	Weight    int            `json:"weight"`
}

// The kinds of DefaultMix, in report order.
const (
	KindWidget       = "widget"
	KindImpact       = "impact"
	KindDependencies = "dependencies"
	KindSearch       = "search"
	KindDeep         = "deep"
)

// DeepListing is the mix's deep listing: every centre with its
// neighbourhood, three lists deep, an answer that grows with the graph
// (1.2 MB at 100×). Depth 9, within the limit of 12. The benchmarks beside
// the read plan and the answer's writing ask it too.
const DeepListing = `query Deep { centres { code targetGroups { name servedBy { code interventions { name } targetGroups { name receives { name } } } } } }`

// DefaultMix is what the API's three kinds of user ask: the intranet widget's
// centre card, a planner's impact and dependency questions, a developer's
// search, and a deep nested listing. Its ids are the real seed's, which the
// synthetic organisations keep, so the mix answers at every scale.
func DefaultMix() []Query {
	return []Query{
		{Kind: KindWidget, Weight: 50, Query: `query Widget($code: String!) { centre(code: $code) { code name employees budget { display } fullTimePersons targetGroups { name } } }`,
			Variables: map[string]any{"code": "CBE"}},
		{Kind: KindImpact, Weight: 20, Query: `query Impact($of: ID!) { impact(of: $of) { centres { centre { code } basis paths { steps { statement basis rationale } } } } }`,
			Variables: map[string]any{"of": "reformchange:afskaffelse-af-ressourceforloeb"}},
		{Kind: KindDependencies, Weight: 10, Query: `query Deps($code: String!) { centre(code: $code) { code dependencies { centre { code } total targetGroups interventions partners benefitFlows } } }`,
			Variables: map[string]any{"code": "CSI"}},
		{Kind: KindSearch, Weight: 15, Query: `query Search($text: String!) { search(text: $text, first: 10) { score node { id name } } }`,
			Variables: map[string]any{"text": "fleksjob"}},
		{Kind: KindDeep, Weight: 5, Query: DeepListing},
	}
}

// ParseWeights sets the weights of mix from "widget=50,impact=20,…"; kinds
// not named keep their weight, and a weight of 0 leaves a kind out.
func ParseWeights(mix []Query, spec string) ([]Query, error) {
	out := append([]Query(nil), mix...)
	if strings.TrimSpace(spec) == "" {
		return out, nil
	}
	for _, part := range strings.Split(spec, ",") {
		kind, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("loadtest: weight %q: want kind=weight", part)
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("loadtest: weight %q: want a whole number ≥ 0", part)
		}
		found := false
		for i := range out {
			if out[i].Kind == kind {
				out[i].Weight, found = n, true
			}
		}
		if !found {
			return nil, fmt.Errorf("loadtest: weight %q: no query kind %q", part, kind)
		}
	}
	var kept []Query
	for _, q := range out {
		if q.Weight > 0 {
			kept = append(kept, q)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("loadtest: every weight is 0")
	}
	return kept, nil
}

// ReadMix reads a mix from a JSON file: an array of {kind, query,
// variables, weight}, such as tools/peer/mix.json, the same questions asked
// of another server.
func ReadMix(path string) ([]Query, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	var mix []Query
	if err := json.Unmarshal(b, &mix); err != nil {
		return nil, fmt.Errorf("loadtest: %s: %w", path, err)
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("loadtest: %s holds no queries", path)
	}
	seen := map[string]bool{}
	for i, q := range mix {
		switch {
		case q.Kind == "" || strings.TrimSpace(q.Query) == "":
			return nil, fmt.Errorf("loadtest: %s: query %d needs a kind and a query", path, i+1)
		case q.Weight < 0:
			return nil, fmt.Errorf("loadtest: %s: %s has a negative weight", path, q.Kind)
		case seen[q.Kind]:
			return nil, fmt.Errorf("loadtest: %s: kind %s is there twice", path, q.Kind)
		}
		seen[q.Kind] = true
	}
	return mix, nil
}
