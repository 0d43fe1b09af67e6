package search

import (
	"strings"
	"unicode/utf8"

	"github.com/hbollon/go-edlib"
)

// Loose is folded text as it reads when typed without Danish letters: Fold
// spells ø, æ and å as oe, ae and aa, and people type them as o, a (or ae)
// and a, so Loose keeps the first letter of each of these pairs. Both the
// text and the query are loosened, so "flekslon" finds "fleksløn" and "CDO"
// finds "CDØ". It works on bytes: the pairs are ASCII, which UTF-8 never
// uses inside another letter. Every letter it drops follows an o or an a it
// keeps, which is what needleOf relies on.
func Loose(folded string) string {
	if !strings.Contains(folded, "oe") && !strings.Contains(folded, "ae") && !strings.Contains(folded, "aa") {
		return folded
	}
	b := make([]byte, 0, len(folded))
	for i := 0; i < len(folded); i++ {
		c := folded[i]
		b = append(b, c)
		if i+1 < len(folded) {
			if next := folded[i+1]; c == 'o' && next == 'e' || c == 'a' && (next == 'e' || next == 'a') {
				i++
			}
		}
	}
	return string(b)
}

// Typos forgiven in a word of so many letters (as Loose spells it): none
// in a short word, where one edit makes another word, one from 5 letters,
// two from 9.
func editsFor(letters int) int {
	switch {
	case letters >= 9:
		return 2
	case letters >= 5:
		return 1
	default:
		return 0
	}
}

// term is one folded query term made ready for every way it may match.
type term struct {
	exact  string   // as folded: a match here is exact
	whole  grams    // exact's signature: a text that lacks it cannot match exactly
	loose  string   // Loose(exact)
	edits  int      // typos forgiven, counted as optimal string alignment (a swap of neighbours is one)
	pieces []string // of loose: a word within edits of it holds one of them whole
	at     []int    // where each piece starts in loose, in bytes when loose is ASCII
	ascii  bool     // whether loose is
	// needles, of folded text: every text the term matches in any way holds
	// one of them, so a store may fetch only such texts as candidates.
	needles []string
	grams   []grams // each needle's signature
}

func newTerm(folded string) term {
	t := term{exact: folded, loose: Loose(folded), whole: gramsOf(folded)}
	t.edits = editsFor(utf8.RuneCountInString(t.loose))
	t.pieces = piecesOf(t.loose, t.edits)
	t.ascii = isASCII(t.loose)
	at := 0
	for _, p := range t.pieces {
		t.at = append(t.at, at)
		at += len(p) + 1 // the letter left out
	}
	for _, p := range t.pieces {
		n := needleOf(p)
		t.needles = append(t.needles, n)
		t.grams = append(t.grams, gramsOf(n))
	}
	return t
}

// piecesOf cuts s into edits+1 pieces with one letter left out between
// each two. Each edit (a letter changed, added or dropped, or two
// neighbours swapped) touches at most one piece, so a word within edits of
// s holds at least one piece unchanged: the pigeonhole that lets both
// stores look for candidates by plain containment.
func piecesOf(s string, edits int) []string {
	if edits == 0 {
		return []string{s}
	}
	r := []rune(s)
	letters := len(r) - edits // the gaps are left out
	n := edits + 1
	out := make([]string, 0, n)
	start := 0
	for i := range n {
		size := letters / n
		if i < letters%n {
			size++
		}
		out = append(out, string(r[start:start+size]))
		start += size + 1
	}
	return out
}

// needleOf is the longest part of a loose piece that folded text holds
// unbroken wherever its Loose holds the piece: Loose drops letters only
// right after an o or an a, so a part ending at the first o or a (or at
// the piece's end) is unbroken.
func needleOf(piece string) string {
	best, start := "", 0
	for i := 0; i < len(piece); i++ {
		if piece[i] == 'o' || piece[i] == 'a' || i == len(piece)-1 {
			if part := piece[start : i+1]; len(part) > len(best) {
				best = part
			}
			start = i + 1
		}
	}
	return best
}

// Needles returns, for each term, strings of which every text that Score
// can match holds at least one in its folded form (Text.All). A store that
// cannot run Score itself fetches the texts that pass as candidates, and
// Best decides.
func Needles(terms []string) [][]string {
	out := make([][]string, len(terms))
	for i, t := range terms {
		out[i] = newTerm(t).needles
	}
	return out
}

// mayMatch is the needles' test, a cheap filter before scoring.
func (t term) mayMatch(text Text) bool {
	for i, n := range t.needles {
		if !text.grams.lacks(&t.grams[i]) && text.holds(n) {
			return true
		}
	}
	return false
}

// nearest is the fewest edits that turn t into word or into a prefix of it
// (so that "fleks" with a typo still finds a compound), and whether that
// many make the whole word; ok is false when more than t.edits are needed.
func (t term) nearest(word string) (edits int, whole, ok bool) {
	n := utf8.RuneCountInString(t.loose)
	if !t.holdsPiece(word) || t.tooManyMissing(word) {
		return 0, false, false
	}
	edits = t.edits + 1
	for l := max(1, n-t.edits); l <= n+t.edits; l++ {
		prefix, full := runePrefix(word, l)
		if !full {
			break
		}
		d := edlib.OSADamerauLevenshteinDistance(t.loose, prefix)
		isWhole := len(prefix) == len(word)
		if d < edits || d == edits && isWhole {
			edits, whole = d, isWhole
		}
	}
	return edits, whole, edits <= t.edits
}

// anyPiece is holdsPiece over a whole text, a quick test before its words.
func (t term) anyPiece(text string) bool {
	for _, p := range t.pieces {
		if strings.Contains(text, p) {
			return true
		}
	}
	return false
}

// holdsPiece is the pigeonhole's test of a word: a prefix within t.edits
// of t holds a piece unchanged, shifted by at most t.edits letters.
func (t term) holdsPiece(word string) bool {
	if !t.ascii || !isASCII(word) {
		window, _ := runePrefix(word, utf8.RuneCountInString(t.loose)+t.edits)
		for _, p := range t.pieces {
			if strings.Contains(window, p) {
				return true
			}
		}
		return false
	}
	for i, p := range t.pieces {
		from, to := max(0, t.at[i]-t.edits), min(len(word), t.at[i]+len(p)+t.edits)
		if from < to && strings.Contains(word[from:to], p) {
			return true
		}
	}
	return false
}

// tooManyMissing reports whether more of t's letters than t.edits are
// missing from the first letters of word that a match may use: each edit
// supplies at most one missing letter, so no prefix is then near enough.
// It spares the distance for most words; ASCII only, else false.
func (t term) tooManyMissing(word string) bool {
	if !t.ascii || !isASCII(word) {
		return false
	}
	var have [utf8.RuneSelf]int8
	for i := 0; i < len(word) && i < len(t.loose)+t.edits; i++ {
		have[word[i]]++
	}
	missing := 0
	for i := 0; i < len(t.loose); i++ {
		if have[t.loose[i]]--; have[t.loose[i]] < 0 {
			if missing++; missing > t.edits {
				return true
			}
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// near reports whether word, whole, is within t's edits of it.
func (t term) near(word string) bool {
	return t.edits > 0 && edlib.OSADamerauLevenshteinDistance(t.loose, word) <= t.edits
}

// nearestIn is nearest over the words of text: the fewest edits, a whole
// word winning a tie.
func (t term) nearestIn(text string) (edits int, whole, ok bool) {
	edits = t.edits + 1
	if !t.anyPiece(text) {
		return edits, false, false
	}
	shortest := utf8.RuneCountInString(t.loose) - t.edits
	for text != "" {
		word := text
		if i := strings.IndexByte(text, ' '); i >= 0 {
			word, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		// A word of fewer bytes has fewer letters than a match needs.
		if len(word) < shortest {
			continue
		}
		if d, w, found := t.nearest(word); found && (d < edits || d == edits && w && !whole) {
			edits, whole = d, w
		}
	}
	return edits, whole, edits <= t.edits
}

// runePrefix is the first n letters of s, and whether s has that many.
func runePrefix(s string, n int) (string, bool) {
	for i := range s {
		if n == 0 {
			return s[:i], true
		}
		n--
	}
	return s, n == 0
}
