package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"mime"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/gqlext"
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

type deferNeedsMultipart struct{ gqlext.Name }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = deferNeedsMultipart{}

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

// gqlgen holds each deferred field's place in the first part with null
// (graphql.FieldSet.ResolveConcurrently). The RFC leaves a deferred field
// out of the part until its own part delivers it, and a normalised cache
// reads the null as the field's value: Apollo Client's InMemoryCache then
// reports the answer complete, a non-null list null. deferredPlaceholders
// takes those nulls out of the first part.
type deferredPlaceholders struct{ gqlext.Name }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = deferredPlaceholders{}

func (deferredPlaceholders) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || resp.HasNext == nil || !*resp.HasNext || resp.Path != nil || len(resp.Data) == 0 || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	var out bytes.Buffer
	dec := json.NewDecoder(bytes.NewReader(resp.Data))
	dec.UseNumber()
	if err := copyWithout(oc, dec, &out, selectionOf(oc, []ast.SelectionSet{oc.Operation.SelectionSet})); err != nil {
		return resp // left as gqlgen wrote it
	}
	resp.Data = out.Bytes()
	return resp
}

// selection is what one JSON object of the answer selects: per response
// key, whether every selection of it is deferred, and the selections below.
type selection map[string]*selected

type selected struct {
	deferred bool
	below    []ast.SelectionSet
}

// selectionOf merges sets, as they select one object, by response key.
func selectionOf(oc *graphql.OperationContext, sets []ast.SelectionSet) selection {
	sel := selection{}
	var walk func(set ast.SelectionSet, inDefer bool, seen map[string]bool)
	walk = func(set ast.SelectionSet, inDefer bool, seen map[string]bool) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				key := cmp.Or(s.Alias, s.Name)
				f := sel[key]
				if f == nil {
					f = &selected{deferred: true}
					sel[key] = f
				}
				f.deferred = f.deferred && inDefer
				f.below = append(f.below, s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet, inDefer || deferred(oc, s.Directives), seen)
			case *ast.FragmentSpread:
				if seen[s.Name] {
					continue
				}
				if f := oc.Doc.Fragments.ForName(s.Name); f != nil {
					seen[s.Name] = true
					walk(f.SelectionSet, inDefer || deferred(oc, s.Directives), seen)
					delete(seen, s.Name)
				}
			}
		}
	}
	for _, set := range sets {
		walk(set, false, map[string]bool{})
	}
	return sel
}

// copyWithout copies the JSON value dec is at to out, leaving out each
// member of an object that sel says is deferred and holds null: gqlgen's
// placeholder. Order and every other value are kept.
func copyWithout(oc *graphql.OperationContext, dec *json.Decoder, out *bytes.Buffer, sel selection) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		b, err := json.Marshal(tok)
		out.Write(b)
		return err
	}
	switch d {
	case '[':
		out.WriteByte('[')
		for i := 0; dec.More(); i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := copyWithout(oc, dec, out, sel); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		out.WriteByte(']')
		return err
	case '{':
		out.WriteByte('{')
		first := true
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			f := sel[key]
			var value bytes.Buffer
			var below selection
			if f != nil && len(f.below) > 0 {
				below = selectionOf(oc, f.below)
			}
			if err := copyWithout(oc, dec, &value, below); err != nil {
				return err
			}
			if f != nil && f.deferred && value.String() == "null" {
				continue
			}
			if !first {
				out.WriteByte(',')
			}
			first = false
			k, _ := json.Marshal(key)
			out.Write(k)
			out.WriteByte(':')
			out.Write(value.Bytes())
		}
		_, err = dec.Token()
		out.WriteByte('}')
		return err
	}
	return nil
}
