package model

import (
	"context"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bif-kk/orggraph/internal/domain"
)

// In is the language l names; when l is nil, the one the request's
// Accept-Language prefers of Danish and English; Danish when it names
// neither.
func (l *Language) In(ctx context.Context) domain.Lang {
	switch {
	case l != nil && *l == LanguageEn:
		return domain.English
	case l != nil:
		return domain.Danish
	}
	if !graphql.HasOperationContext(ctx) {
		return domain.Danish
	}
	return acceptedLang(graphql.GetOperationContext(ctx).Headers.Get("Accept-Language"))
}

// acceptedLang reads an Accept-Language header ("en-GB,en;q=0.9,da;q=0.8"):
// of da and en, the one with the higher q-value, the first on a tie.
func acceptedLang(header string) domain.Lang {
	best, bestQ := domain.Danish, 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (primary == "da" || primary == "en") && q > bestQ {
			best, bestQ = domain.Lang(primary), q
		}
	}
	return best
}

// UnlinkedReason is why the item reaches nothing, in lang.
func (c ReformChange) UnlinkedReason(ctx context.Context, lang *Language) *string {
	return optional(c.Node.UnlinkedReasonIn(lang.In(ctx)))
}

// Verb is the walked relationship's kind as a verb in lang.
func (s PathStep) Verb(ctx context.Context, lang *Language) string {
	return s.Rel.Kind.Verb(lang.In(ctx))
}

// Reason is why the walked relationship holds, in lang.
func (s PathStep) Reason(ctx context.Context, lang *Language) *string {
	return optional(s.Rel.Reason(lang.In(ctx)))
}

// Verb is the relationship's kind as a verb in lang.
func (l Link) Verb(ctx context.Context, lang *Language) string { return l.Rel.Kind.Verb(lang.In(ctx)) }

// Reason is why the link holds, in lang.
func (l Link) Reason(ctx context.Context, lang *Language) *string {
	return optional(l.Rel.Reason(lang.In(ctx)))
}

// Reasons says why each inferred relationship holds, in lang.
func (s SharedItem) Reasons(ctx context.Context, lang *Language) []string {
	out := []string{}
	for _, r := range s.Rels {
		if why := r.Reason(lang.In(ctx)); r.Basis != domain.Explicit && why != "" {
			out = append(out, why)
		}
	}
	return out
}

// KindLabel is the hit's kind in lang.
func (h SearchHit) KindLabel(ctx context.Context, lang *Language) string {
	return h.Node.Unwrap().Kind.Label(lang.In(ctx))
}

// NewVocabulary names every node kind and relationship kind in l.
func NewVocabulary(l domain.Lang) *Vocabulary {
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
