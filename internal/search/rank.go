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

// How a hit matched, best first. A hit ranks by its worst term: every
// hit whose terms all match as typed comes before any that needed
// forgiving, and a spelling without Danish letters before a typo.
const (
	Exact    = iota // every term as typed, ignoring case and diacritics as Fold does
	Loosely         // some term only as Loose reads it: ø typed o, æ typed a, å typed a
	OneTypo         // some term only with one edit
	TwoTypos        // some term only with two
)

// Score rates how well a node's text matches the folded terms; 0 when some
// term is missing.
func Score(t Text, terms []string) float64 {
	ts := compile(terms)
	if !mayMatch(t, ts) {
		return 0
	}
	var loose *Text
	s, _ := score(t, &loose, ts, TwoTypos)
	return s
}

func compile(terms []string) []term {
	out := make([]term, len(terms))
	for i, t := range terms {
		out[i] = newTerm(t)
	}
	return out
}

// mayMatch reports whether t holds a needle of every term: a text that
// does not can score nothing.
func mayMatch(t Text, terms []term) bool {
	for _, term := range terms {
		if !term.mayMatch(t) {
			return false
		}
	}
	return len(terms) > 0
}

// score is the score of t for the terms and how it matched (Exact …
// TwoTypos); 0 when some term matches in no way allowed, none worse than
// upTo. *loose is Loose of t, made when a term first needs it and kept for
// the next pass.
func score(t Text, loose **Text, terms []term, upTo int) (float64, int) {
	total, how := 0.0, Exact
	var typos []term // terms that only a typo may match
	for _, term := range terms {
		if !t.grams.lacks(&term.whole) && t.holds(term.exact) {
			total += placed(t, term.exact)
			continue
		}
		if upTo < Loosely {
			return 0, 0
		}
		if *loose == nil {
			*loose = &Text{Name: Loose(t.Name), Label: Loose(t.Label), Body: Loose(t.Body)}
		}
		lt := **loose
		if lt.holds(term.loose) {
			total += placed(lt, term.loose)
			how = max(how, Loosely)
			continue
		}
		if upTo < OneTypo || term.edits == 0 {
			return 0, 0
		}
		typos = append(typos, term)
	}
	// Words are read for typos last, only when every other term matched:
	// it is the slowest test.
	for _, term := range typos {
		w, edits, ok := typoPlaced(**loose, term)
		if !ok || Loosely+edits > upTo {
			return 0, 0
		}
		total += w
		how = max(how, Loosely+edits)
	}
	// A name that is the query, or starts with it, counts most; after a
	// typo, a name whose words are the terms in turn, each within its
	// edits, is the query.
	name, query := t.Name, terms[0].exact
	for _, term := range terms[1:] {
		query += " " + term.exact
	}
	if how == Loosely {
		name, query = (*loose).Name, Loose(query)
	}
	switch {
	case how > Loosely:
		if nameIsNear((*loose).Name, terms) {
			total += wExactName
		}
	case name == query:
		total += wExactName
	case strings.HasPrefix(name, query):
		total += wNamePrefix
	}
	return total, how
}

// nameIsNear reports whether the words of a loose name are the terms in
// turn, each as typed, loosened or within its edits.
func nameIsNear(name string, terms []term) bool {
	words := strings.Fields(name)
	if len(words) != len(terms) {
		return false
	}
	for i, t := range terms {
		if words[i] == t.exact || words[i] == t.loose {
			continue
		}
		if !t.near(words[i]) {
			return false
		}
	}
	return true
}

// placed weighs a term that t holds by where it falls.
func placed(t Text, term string) float64 {
	w := 0.0
	switch {
	case hasWord(t.Name, term):
		w = wNameWord
	case strings.Contains(t.Name, term):
		w = wNamePart
	case strings.Contains(t.Label, term):
		w = wLabel
	default:
		w = wBody
	}
	// Each further mention in the body adds a little, capped, so a text
	// about the term outranks one that names it in passing.
	return w + min(float64(strings.Count(t.Body, term)), 5)*0.5
}

// hasWord says whether word is one of the words of s, split as
// strings.Fields splits, without a slice of them.
func hasWord(s, word string) bool {
	for w := range strings.FieldsSeq(s) {
		if w == word {
			return true
		}
	}
	return false
}

// typoPlaced weighs a term that a word of loose t is within the term's
// edits of, by where the nearest such word falls first: a whole word of
// the name, the start of one, the label, the body.
func typoPlaced(loose Text, t term) (w float64, edits int, ok bool) {
	if t.edits == 0 {
		return 0, 0, false
	}
	if edits, whole, ok := t.nearestIn(loose.Name); ok {
		if whole {
			return wNameWord, edits, true
		}
		return wNamePart, edits, true
	}
	if edits, _, ok := t.nearestIn(loose.Label); ok {
		return wLabel, edits, true
	}
	if edits, _, ok := t.nearestIn(loose.Body); ok {
		return wBody, edits, true
	}
	return 0, 0, false
}

// Candidate is what ranking needs of a node: its folded text, and the
// order and id that break ties.
type Candidate struct {
	ID    domain.ID
	Order int
	Text  Text
}

// Scored is a candidate that matched, with its score and how it matched
// (Exact … TwoTypos).
type Scored struct {
	Candidate
	Score float64
	How   int
}

// Best scores candidates and returns those that match, best first, at most
// first of them: those that match exactly first, then by score. Ties go
// to document order, then to ID, so every store ranks identically.
func Best(candidates []Candidate, terms []string, first int) []Scored {
	ts := compile(terms)
	h := hits{cut: 2*max(first, 0) + 16, first: first}
	// Hits that match better all rank first, so once first of them are
	// found no worse match can make the cut. The first pass looks for
	// exact hits only, each text first tested against the terms' own
	// signatures (grams), which few texts pass: at a thousand times the
	// seed most searches end there, having read no text but the hits'.
	var exact []int // where the exact hits are, while fewer than first
	var none *Text  // an exact match loosens nothing
	for i := range candidates {
		if !holdsExactly(candidates[i].Text, ts) {
			continue
		}
		if s, how := score(candidates[i].Text, &none, ts, Exact); s > 0 {
			h.add(Scored{Candidate: candidates[i], Score: s, How: how})
			if h.found <= first {
				exact = append(exact, i)
			}
		}
	}
	if h.found >= first {
		return h.best()
	}
	// Too few: each further pass forgives more, over the candidates not
	// yet hit that hold a needle of every term, each with its text
	// loosened once a pass needs it: only these, so that a search
	// allocates for what it may find, not for every node the store holds.
	type maybe struct {
		i     int
		loose *Text
	}
	var pending []maybe
	for i, c := range candidates {
		if len(exact) > 0 && exact[0] == i {
			exact = exact[1:]
			continue
		}
		if mayMatch(c.Text, ts) {
			pending = append(pending, maybe{i: i})
		}
	}
	for _, upTo := range []int{Loosely, TwoTypos} {
		if h.found >= first {
			break
		}
		rest := pending[:0]
		for _, m := range pending {
			if s, how := score(candidates[m.i].Text, &m.loose, ts, upTo); s > 0 {
				h.add(Scored{Candidate: candidates[m.i], Score: s, How: how})
			} else {
				rest = append(rest, m)
			}
		}
		pending = rest
	}
	return h.best()
}

// holdsExactly is the signatures' test of an exact match: t may hold
// every term as typed.
func holdsExactly(t Text, terms []term) bool {
	for i := range terms {
		if t.grams.lacks(&terms[i].whole) {
			return false
		}
	}
	return len(terms) > 0
}

// hits keeps the best first of the hits as they come: they are sorted and
// cut to first each time they reach cut (twice as many plus a few), so a
// search that matches thousands of nodes (at 1000× the seed, each of the
// seed's matches a thousand times over) holds and sorts tens of them, not
// all of them.
type hits struct {
	out        []Scored
	cut, first int
	found      int // how many were added
}

func (h *hits) add(s Scored) {
	h.out = append(h.out, s)
	if h.found++; len(h.out) >= h.cut {
		slices.SortFunc(h.out, ranked)
		h.out = h.out[:h.first]
	}
}

// best is the hits kept, best first, at most first of them.
func (h *hits) best() []Scored {
	slices.SortFunc(h.out, ranked)
	if len(h.out) > h.first {
		h.out = h.out[:h.first]
	}
	if h.out == nil {
		return []Scored{}
	}
	return h.out
}

// ranked orders hits: those that match exactly first, then by score, then
// by document order, then by ID.
func ranked(a, b Scored) int {
	switch {
	case a.How != b.How:
		return a.How - b.How
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
