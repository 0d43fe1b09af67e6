package search

// grams is a signature of the three-letter runs (trigrams, of bytes) a
// text holds: one bit per run, a run's bit chosen by a hash, so that a
// text lacking a bit of a needle cannot hold the needle. It is the cheap
// test before strings.Contains in mayMatch: at a thousand times the seed a
// search tests every one of 138,000 texts, and most hold none of its
// needles. A zero signature says nothing (a Text made without TextOf, or
// too short to have a run), and every test passes it.
type grams [gramWords]uint64

// gramWords is the signature's size in 64-bit words: 256 bits, so that a
// node's text of some hundred runs sets about a third of them.
const gramWords = 4

// gramBit is the bit that the run of three bytes at s[i:] sets.
func gramBit(s string, i int) uint {
	h := uint32(s[i])<<16 | uint32(s[i+1])<<8 | uint32(s[i+2])
	return uint((h * 0x9E3779B1) >> (32 - 8)) // Fibonacci hashing onto 256 bits
}

// add sets the bits of every run in s.
func (g *grams) add(s string) {
	for i := 0; i+3 <= len(s); i++ {
		b := gramBit(s, i)
		g[b/64] |= 1 << (b % 64)
	}
}

// gramsOf is the signature of s alone: a needle's.
func gramsOf(s string) grams {
	var g grams
	g.add(s)
	return g
}

// lacks reports whether g, known, misses a bit of needle's signature n: a
// text with g then cannot hold the needle.
func (g *grams) lacks(n *grams) bool {
	known, missing := uint64(0), uint64(0)
	for i := range g {
		known |= g[i]
		missing |= n[i] &^ g[i]
	}
	return known != 0 && missing != 0
}
