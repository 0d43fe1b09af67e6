// Package search owns how orggraph matches and ranks free text: the folding
// that makes "ressourceforloeb", "RESSOURCEFORLØB" and "ressourceforløb" the
// same word, and the ranking both stores share, so they answer alike.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// danish spells out the letters Danish readers write as two when a keyboard
// lacks them (ø = oe, å = aa, æ = ae), plus their German cousins.
var danish = map[rune]string{
	'ø': "oe", 'æ': "ae", 'å': "aa", 'ö': "oe", 'ä': "ae", 'ü': "ue", 'ß': "ss",
}

// Fold lower-cases s, spells out æ, ø and å, strips other accents and turns
// every run of punctuation and space into one space. Both the text searched
// and the query are folded, so the match ignores case and diacritics both ways.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress a leading space
	for _, r := range norm.NFC.String(s) {
		if r < utf8.RuneSelf {
			// ASCII, most of the text: no accent to strip, no Danish letter.
			switch {
			case 'A' <= r && r <= 'Z':
				b.WriteByte(byte(r - 'A' + 'a'))
				space = false
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				b.WriteByte(byte(r))
				space = false
			case !space:
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		space = foldRune(&b, r, space)
	}
	return strings.TrimRight(b.String(), " ")
}

// foldRune writes r to b by the rule every rune follows, which Fold's
// shortcut for ASCII keeps to: lower-cased, a Danish letter spelled out,
// accents stripped, and anything but a letter or digit one space, none
// where b already ends in one (space). It says whether b now does.
func foldRune(b *strings.Builder, r rune, space bool) bool {
	r = unicode.ToLower(r)
	if rep, ok := danish[r]; ok {
		b.WriteString(rep)
		return false
	}
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		// Strip accents: é → e.
		for _, d := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(d)
			}
		}
		return false
	case !space:
		b.WriteByte(' ')
		return true
	}
	return space
}

// Terms splits a query into folded terms, dropping duplicates.
func Terms(query string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range strings.Fields(Fold(query)) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
