package export

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
)

// sourceKey is a domain.Source by value (its Slide is a pointer).
type sourceKey struct {
	document, section, note string
	slide                   int
	hasSlide                bool
}

func keyOf(s domain.Source) sourceKey {
	k := sourceKey{document: s.Document, section: s.Section, note: s.Note}
	if s.Slide != nil {
		k.slide, k.hasSlide = *s.Slide, true
	}
	return k
}

func (k sourceKey) String() string {
	return k.document + "\x00" + k.section + "\x00" + strconv.Itoa(k.slide) + "\x00" + strconv.FormatBool(k.hasSlide) + "\x00" + k.note
}

// sourceIRIs names every distinct source of a graph and the documents they
// are sections of, in order of first citation. IRIs are read off the text,
// "source/<document>/<section>[/slide-N]", so they stay put when the seed
// grows; two different sources that would read alike get a short hash each.
type sourceIRIs struct {
	docs     []string    // in order of first citation
	sections []sourceKey // likewise
	docIRI   map[string]string
	secIRI   map[sourceKey]string
}

func newSourceIRIs(g *domain.Graph) *sourceIRIs {
	s := &sourceIRIs{docIRI: map[string]string{}, secIRI: map[sourceKey]string{}}
	seenDoc := map[string]bool{}
	seenSec := map[sourceKey]bool{}
	add := func(src domain.Source) {
		k := keyOf(src)
		if !seenSec[k] {
			seenSec[k] = true
			s.sections = append(s.sections, k)
		}
		if !seenDoc[k.document] {
			seenDoc[k.document] = true
			s.docs = append(s.docs, k.document)
		}
	}
	for _, n := range g.Nodes {
		for _, src := range n.Sources {
			add(src)
		}
		for _, f := range n.Figures {
			add(f.Source)
		}
	}
	for _, r := range g.Relationships {
		for _, src := range r.Sources {
			add(src)
		}
	}
	s.docIRI = uniqueNames(s.docs, func(d string) string { return SourceBase + slug(d) }, func(d string) string { return d })
	s.secIRI = uniqueNames(s.sections, func(k sourceKey) string {
		iri := s.docIRI[k.document] + "/" + slug(k.section)
		if k.hasSlide {
			iri += "/slide-" + strconv.Itoa(k.slide)
		}
		return iri
	}, sourceKey.String)
	return s
}

func (s *sourceIRIs) of(src domain.Source) string { return s.secIRI[keyOf(src)] }

// uniqueNames gives each key the name base reads off it; keys whose names
// clash all get "-" and a hash of their full text, so no key's name depends
// on which others came first.
func uniqueNames[K comparable](keys []K, base func(K) string, full func(K) string) map[K]string {
	byName := map[string]int{}
	names := make(map[K]string, len(keys))
	for _, k := range keys {
		names[k] = base(k)
		byName[names[k]]++
	}
	for _, k := range keys {
		if byName[names[k]] > 1 {
			sum := sha256.Sum256([]byte(full(k)))
			names[k] += "-" + hex.EncodeToString(sum[:4])
		}
	}
	return names
}

// slug writes s as an ASCII path segment: folded as search folds it (æ →
// ae, ø → oe, å → aa, accents stripped), every run of anything but a-z and
// 0-9 one '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range search.Fold(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "untitled"
	}
	return out
}
