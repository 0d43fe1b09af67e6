package graph

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// validationRules returns gqlparser's rules as the options ask. gqlgen's own
// switch for suggestions covers only two of the five rules that make them
// (unknown fields and leaf selections), so the other three are swapped here
// too: unknown arguments, unknown types and wrong values, enum values
// included. With introspection off a rule refuses __schema and __type while
// validating, so the client gets GRAPHQL_VALIDATION_FAILED, as for any field
// it may not ask, rather than a resolver's error.
func validationRules(opts Options) func() *rules.Rules {
	return func() *rules.Rules {
		rs := rules.NewDefaultRules()
		if opts.NoSuggestions {
			for _, swap := range []struct {
				name string
				rule core.Rule
			}{
				{rules.KnownArgumentNamesRule.Name, rules.KnownArgumentNamesRuleWithoutSuggestions},
				{rules.KnownTypeNamesRule.Name, rules.KnownTypeNamesRuleWithoutSuggestions},
				{rules.ValuesOfCorrectTypeRule.Name, rules.ValuesOfCorrectTypeRuleWithoutSuggestions},
			} {
				rs.RemoveRule(swap.name)
				rs.AddRule(swap.rule.Name, swap.rule.RuleFunc)
			}
		}
		if opts.NoIntrospection {
			rs.AddRule(noIntrospection.Name, noIntrospection.RuleFunc)
		}
		return rs
	}
}

// msgIntrospectionDisabled is the refusal of __schema and __type.
const msgIntrospectionDisabled = "introspection is disabled on this server"

var noIntrospection = core.Rule{
	Name: "NoIntrospection",
	RuleFunc: func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnField(func(_ *core.Walker, field *ast.Field) {
			if field.Name == "__schema" || field.Name == "__type" {
				addError(core.Message(`%s: %q cannot be asked`, msgIntrospectionDisabled, field.Name), core.At(field.Position))
			}
		})
	},
}
