package model

import "github.com/bif-kk/orggraph/internal/domain"

// Source says where a fact comes from.
type Source struct {
	Document string
	Section  string
	Slide    *int
	Note     *string
}

// NewSource converts a domain source, turning an empty note into null.
func NewSource(s domain.Source) *Source {
	return &Source{Document: s.Document, Section: s.Section, Slide: s.Slide, Note: optional(s.Note)}
}

// NewSources converts a list of domain sources.
func NewSources(ss []domain.Source) []*Source {
	out := make([]*Source, len(ss))
	for i, s := range ss {
		out[i] = NewSource(s)
	}
	return out
}

// Money is an exact amount of Danish kroner.
type Money struct{ domain.Money }

// NewMoney wraps a domain amount.
func NewMoney(m domain.Money) *Money { return &Money{m} }

func newMoneyOrZero(m *domain.Money) *Money {
	if m == nil {
		return &Money{}
	}
	return &Money{*m}
}

// AmountDKK is the amount in whole kroner. GraphQL's Int is 32-bit, too
// small for 9.0 bn DKK; a float64 holds any whole amount below 2^53 exactly.
func (m Money) AmountDKK() float64 { return float64(m.DKK) }

// Figure is a number the document states.
type Figure struct {
	Name    string
	Value   float64
	Unit    string
	Year    *int
	Source  *Source
	Measure domain.Measure
	Note    *string
}

// NewFigure converts a domain figure.
func NewFigure(f domain.Figure) *Figure {
	return &Figure{
		Name: f.Name, Value: f.Value, Unit: f.Unit, Year: f.Year,
		Source: NewSource(f.Source), Measure: f.Measure, Note: optional(f.Note),
	}
}

// kindOf names what a client sent in place of a scalar in its own terms,
// never Go's: variables arrive decoded from JSON, literals parsed by gqlgen.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "true or false"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	default:
		return "a number"
	}
}
