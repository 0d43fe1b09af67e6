package loadtest

import (
	"fmt"
	"strings"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// Hostile is a document built to make the server work far beyond what any
// question needs, and the extensions.code it must be refused with before
// it runs.
type Hostile struct {
	Query
	Code string
}

// Amplification is the document: aliases copies of
// node(id: "centre:cba"), each nesting id links { node { … } } levels
// deep. Ten aliases of five levels, 1,476 bytes, answered 11 MB before
// lists were priced by their length.
func Amplification(aliases, levels int) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range aliases {
		fmt.Fprintf(&b, `a%d: node(id: "centre:cba") { %s } `, i, nestLinks(levels, "id"))
	}
	b.WriteString("}")
	return b.String()
}

// nestLinks wraps inner in levels of id links { node { … } }.
func nestLinks(levels int, inner string) string {
	for range levels {
		inner = "id links { node { " + inner + " } }"
	}
	return inner
}

// HostileMix is the attacks the limits must refuse, each with its code:
// the amplification; a grid of aliases by depth around the
// limits; the same through fragments, inline fragments and variables; and
// traversals repeated under aliases. The default limits (querylimit.Defaults)
// refuse every one on the seed and at every scale of it.
func HostileMix() []Hostile {
	mix := []Hostile{
		{Query: Query{Kind: "amplification", Query: Amplification(10, 5)}, Code: apierr.ComplexityLimit},
	}
	// Aliases by levels: depth is 2 a level plus the node and its id, so
	// six levels (depth 13) pass the depth limit of 12; more than 30
	// aliases pass the alias limit; four levels of links already price a
	// single alias past half a million values.
	for _, aliases := range []int{1, 10, 30, 31} {
		for _, levels := range []int{4, 5, 6} {
			code := apierr.ComplexityLimit
			switch {
			case levels >= 6:
				code = apierr.DepthLimit
			case aliases > 30:
				code = apierr.AliasLimit
			}
			mix = append(mix, Hostile{Query: Query{Kind: fmt.Sprintf("grid %d aliases × %d levels", aliases, levels),
				Query: Amplification(aliases, levels)}, Code: code})
		}
	}
	mix = append(mix,
		Hostile{Query: Query{Kind: "fragment chain", Query: `{ a: node(id: "centre:cba") { ...L1 } b: node(id: "centre:cbe") { ...L1 } }
fragment L1 on Node { id links { node { ...L2 } } }
fragment L2 on Node { id links { node { ...L3 } } }
fragment L3 on Node { id links { node { ...L4 } } }
fragment L4 on Node { id links { node { ...L5 } } }
fragment L5 on Node { id links { node { id } } }`}, Code: apierr.ComplexityLimit},
		Hostile{Query: Query{Kind: "one fragment spread under ten aliases", Query: `{ ` + repeatAliases(10, `node(id: "centre:cba") { ...F }`) + ` }
fragment F on Node { id links { node { id links { node { id links { node { id links { node { id } } } } } } } } }`}, Code: apierr.ComplexityLimit},
		Hostile{Query: Query{Kind: "inline fragments", Query: `{ centres { ... on Centre { links { node { ... on Centre { links { node { ... on Node { links { node { links { node { id } } } } } } } } } } } } }`}, Code: apierr.ComplexityLimit},
		Hostile{Query: Query{Kind: "huge first in a variable", Query: `query Search($n: Int) { search(text: "a", first: $n) { score node { id name } } }`,
			Variables: map[string]any{"n": 1e12}}, Code: apierr.ComplexityLimit},
		Hostile{Query: Query{Kind: "huge first on a connection", Query: `query Page($n: Int) { targetGroupsConnection(first: $n) { edges { node { id name } } } }`,
			Variables: map[string]any{"n": 1 << 40}}, Code: apierr.ComplexityLimit},
		Hostile{Query: Query{Kind: "links under a variable-sized search", Query: `query Search($n: Int) { search(text: "a", first: $n) { node { links { node { links { node { links { node { id } } } } } } } } }`,
			Variables: map[string]any{"n": 100}}, Code: apierr.ComplexityLimit},
		Hostile{Query: Query{Kind: "impact under twenty aliases", Query: `{ ` + repeatAliases(20, `impact(of: "reformchange:afskaffelse-af-ressourceforloeb") { fullTimePersons }`) + ` }`}, Code: apierr.ComplexityLimit},
		Hostile{Query: Query{Kind: "every centre's every link, four deep", Query: `{ centres { links { node { links { node { links { node { links { node { id } } } } } } } } } }`}, Code: apierr.ComplexityLimit},
	)
	return mix
}

func repeatAliases(n int, field string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("a%d: %s", i, field)
	}
	return strings.Join(parts, " ")
}
