package graph

import (
	"context"
	"mime"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// @defer is delivered as the incremental delivery RFC of GraphQL over HTTP
// has it: to a client that accepts multipart/mixed (Apollo Client's
// HttpLink does), gqlgen's MultipartMixed transport sends the answer
// without the deferred fragments first, then each fragment as it is
// resolved, in parts of the deferSpec=20220824 form Apollo Client reads.
//
// A client that accepts only JSON gets one answer, which has no room for
// the parts that follow: gqlgen's POST and GET transports would send the
// first part alone, a deferred non-null list as null. deferNeedsMultipart
// refuses such an operation instead, before it runs, saying how to ask.

// msgDeferNeedsMultipart is what a JSON-only client that sent @defer reads.
const msgDeferNeedsMultipart = `@defer is delivered in parts, as multipart/mixed: send Accept: multipart/mixed;deferSpec=20220824, application/json (Apollo Client's HttpLink does), or leave @defer out`

type deferNeedsMultipart struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = deferNeedsMultipart{}

func (deferNeedsMultipart) ExtensionName() string                   { return "OrggraphDeferNeedsMultipart" }
func (deferNeedsMultipart) Validate(graphql.ExecutableSchema) error { return nil }

func (deferNeedsMultipart) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if acceptsMultipart(oc.Headers.Values("Accept")) || !defers(oc, oc.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	return &gqlerror.Error{Message: msgDeferNeedsMultipart, Extensions: apierr.Extensions(apierr.BadRequest)}
}

// acceptsMultipart says whether an Accept header lists multipart/mixed, the
// test gqlgen's MultipartMixed transport makes.
func acceptsMultipart(accept []string) bool {
	for _, list := range accept {
		for _, r := range strings.Split(list, ",") {
			if mt, _, err := mime.ParseMediaType(strings.TrimSpace(r)); err == nil && mt == "multipart/mixed" {
				return true
			}
		}
	}
	return false
}

// defers says whether set, or a fragment it spreads, defers anything: a
// @defer whose if is not false, with the operation's variables.
func defers(oc *graphql.OperationContext, set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if defers(oc, s.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if deferred(oc, s.Directives) || defers(oc, s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if deferred(oc, s.Directives) {
				return true
			}
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := oc.Doc.Fragments.ForName(s.Name); f != nil && defers(oc, f.SelectionSet, seen) {
				return true
			}
		}
	}
	return false
}

func deferred(oc *graphql.OperationContext, ds ast.DirectiveList) bool {
	d := ds.ForName("defer")
	if d == nil {
		return false
	}
	arg := d.Arguments.ForName("if")
	if arg == nil {
		return true
	}
	v, err := arg.Value.Value(oc.Variables)
	if err != nil {
		return true
	}
	b, ok := v.(bool)
	return !ok || b
}
