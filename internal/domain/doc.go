// Package domain owns orggraph's vocabulary: the kinds of node and
// relationship in BIF's organisational graph, their identifiers, sources,
// bases, money and dates, and the sentinel errors every store returns.
// It imports nothing internal, so every other package can depend on it.
package domain
