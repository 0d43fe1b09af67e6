package model

import "github.com/bif-kk/orggraph/internal/domain"

// Lang is the language l names; Danish when l is nil, as every lang
// argument defaults to DA.
func (l *Language) Lang() domain.Lang {
	if l != nil && *l == LanguageEn {
		return domain.English
	}
	return domain.Danish
}

// UnlinkedReason is why the item reaches nothing, in lang.
func (c ReformChange) UnlinkedReason(lang *Language) *string {
	return optional(c.Node.UnlinkedReasonIn(lang.Lang()))
}

// Verb is the walked relationship's kind as a verb in lang.
func (s PathStep) Verb(lang *Language) string { return s.Rel.Kind.Verb(lang.Lang()) }

// Reason is why the walked relationship holds, in lang.
func (s PathStep) Reason(lang *Language) *string { return optional(s.Rel.Reason(lang.Lang())) }

// Verb is the relationship's kind as a verb in lang.
func (l Link) Verb(lang *Language) string { return l.Rel.Kind.Verb(lang.Lang()) }

// Reason is why the link holds, in lang.
func (l Link) Reason(lang *Language) *string { return optional(l.Rel.Reason(lang.Lang())) }

// Reasons says why each inferred relationship holds, in lang.
func (s SharedItem) Reasons(lang *Language) []string {
	out := []string{}
	for _, r := range s.Rels {
		if why := r.Reason(lang.Lang()); r.Basis != domain.Explicit && why != "" {
			out = append(out, why)
		}
	}
	return out
}

// KindLabel is the hit's kind in lang.
func (h SearchHit) KindLabel(lang *Language) string { return h.Node.Unwrap().Kind.Label(lang.Lang()) }

// NewVocabulary names every node kind and relationship kind in lang.
func NewVocabulary(lang *Language) *Vocabulary {
	l := lang.Lang()
	v := &Vocabulary{Lang: LanguageDa}
	if l == domain.English {
		v.Lang = LanguageEn
	}
	for _, k := range domain.Kinds {
		v.Kinds = append(v.Kinds, &KindLabel{Kind: string(k), Label: k.Label(l)})
	}
	for _, s := range domain.RelSpecs {
		v.Relationships = append(v.Relationships, &RelationshipLabel{Relationship: s.Kind, Verb: s.Kind.Verb(l)})
	}
	return v
}
