package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/graph/readplan"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/synthseed"
)

// directPair is one store behind two endpoints: the direct path in front of
// gqlgen, as served, and gqlgen alone.
type directPair struct {
	direct, gqlgen http.Handler
}

func newDirectPair(st store.Store) directPair {
	quiet := slog.New(slog.DiscardHandler)
	// The listings compared select every field the direct path serves, at
	// 3× the seed a price past the default limit: the limit is not what
	// these tests hold.
	limits := querylimit.Limits{MaxComplexity: 1 << 29}
	return directPair{
		direct: NewHandler(quiet, st, Options{Limits: limits}),
		gqlgen: NewHandler(quiet, st, Options{Limits: limits, GQLGenOnly: true}),
	}
}

// postDirect sends query to h and returns the raw body and whether the
// direct path answered it.
func postDirect(t *testing.T, h http.Handler, query string, vars map[string]any) ([]byte, bool) {
	t.Helper()
	served := false
	raw := graphtest.PostRaw(t, h, WithDirectMark(context.Background(), &served), query, vars)
	return raw, served
}

// same asks both endpoints and fails unless they answer byte for byte alike
// and the direct path served the query exactly when wantDirect says so.
func (p directPair) same(t *testing.T, query string, vars map[string]any, wantDirect bool) []byte {
	t.Helper()
	got, served := postDirect(t, p.direct, query, vars)
	want, gqlgenServed := postDirect(t, p.gqlgen, query, vars)
	if gqlgenServed {
		t.Fatalf("GQLGenOnly still took the direct path for %s", query)
	}
	if served != wantDirect {
		t.Errorf("direct path served %v, want %v: %s", served, wantDirect, query)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("answers differ for %s\ndirect: %.600s\ngqlgen: %.600s", query, got, want)
	}
	if bytes.Contains(got, []byte(`"errors"`)) && wantDirect {
		t.Fatalf("errors for %s: %s", query, got)
	}
	return got
}

func seedStore(t *testing.T, scale int) store.Store {
	t.Helper()
	g, err := synthseed.Graph("../seed", t.TempDir(), scale)
	if err != nil {
		t.Fatal(err)
	}
	st, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// directServes names, per object type, the fields the direct path claims:
// the list fields of readplan.Lists and a node's own plain fields. The test
// below holds every other field of those types to gqlgen.
func directServes(typeName, field string) bool {
	switch field {
	case "__typename", "id", "name", "code", "version", "description", "fullName":
		return true
	}
	return readplan.Lists[domain.Kind(typeName)][field].AsRead
}

// reachable lists the object types the direct path can reach, each with a
// path of list fields from a root list that gets there.
func reachable(schema *ast.Schema) map[string][]string {
	out := map[string][]string{}
	var queue []string
	for root, kind := range directRootKinds {
		if _, seen := out[string(kind)]; !seen {
			out[string(kind)] = []string{root}
			queue = append(queue, string(kind))
		}
	}
	slices.Sort(queue)
	for len(queue) > 0 {
		typeName := queue[0]
		queue = queue[1:]
		for name, list := range readplan.Lists[domain.Kind(typeName)] {
			if !list.AsRead {
				continue
			}
			child := schema.Types[typeName].Fields.ForName(name).Type.Elem.NamedType
			if _, seen := out[child]; !seen {
				out[child] = append(slices.Clone(out[typeName]), name)
				queue = append(queue, child)
			}
		}
	}
	return out
}

// wrap nests inner in the path of list fields.
func wrap(path []string, inner string) string {
	q := inner
	for i := len(path) - 1; i >= 0; i-- {
		q = path[i] + " { " + q + " }"
	}
	return "{ " + q + " }"
}

// Every field of every type the direct path reaches, alone: a field it
// claims must answer as gqlgen does, and every other field must go to
// gqlgen. A new field, or a changed resolver, fails here until both agree.
func TestDirectAnswersEveryFieldAsGQLGen(t *testing.T) {
	p := newDirectPair(seedStore(t, 1))
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	types := reachable(schema)
	if len(types) < 7 {
		t.Fatalf("the direct path reaches only %v", types)
	}
	for typeName, path := range types {
		for _, f := range schema.Types[typeName].Fields {
			required := false
			for _, a := range f.Arguments {
				required = required || (a.Type.NonNull && a.DefaultValue == nil)
			}
			if required || strings.HasPrefix(f.Name, "__") {
				continue
			}
			sel := f.Name
			if def := schema.Types[f.Type.Name()]; def != nil && def.Kind != ast.Scalar && def.Kind != ast.Enum {
				sel += " { __typename }"
			}
			t.Run(typeName+"."+f.Name, func(t *testing.T) {
				p.same(t, wrap(path, "id "+sel), nil, directServes(typeName, f.Name))
			})
		}
	}
}

// Everything the direct path serves at once, three lists deep, on the seed
// and on three municipalities' worth of synthetic organisations.
func TestDirectAnswersDeepListingsAsGQLGen(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	var selection func(typeName string, depth int) string
	selection = func(typeName string, depth int) string {
		var parts []string
		for _, f := range schema.Types[typeName].Fields {
			if readplan.Lists[domain.Kind(typeName)][f.Name].AsRead {
				if depth > 0 {
					parts = append(parts, f.Name+" { "+selection(f.Type.Elem.NamedType, depth-1)+" }")
				}
			} else if directServes(typeName, f.Name) {
				parts = append(parts, f.Name)
			}
		}
		return "__typename " + strings.Join(parts, " ")
	}
	for _, scale := range []int{1, 3} {
		p := newDirectPair(seedStore(t, scale))
		for root, kind := range directRootKinds {
			body := p.same(t, "{ "+root+" { "+selection(string(kind), 3)+" } }", nil, true)
			if len(body) < 200 {
				t.Errorf("%d×, %s: a short answer: %s", scale, root, body)
			}
		}
		// The load harness's deep listing.
		p.same(t, `query Deep { centres { code targetGroups { name servedBy { code interventions { name } targetGroups { name receives { name } } } } } }`, nil, true)
	}
}

// The shapes of a document the direct path must read as gqlgen does:
// aliases, fragments, merged fields, @skip and @include, several roots.
func TestDirectReadsADocumentAsGQLGen(t *testing.T) {
	p := newDirectPair(seedStore(t, 1))
	served := []struct {
		name, query string
		vars        map[string]any
	}{
		{"aliases", `{ all: centres { c: code n: name first: targetGroups { name } second: targetGroups { id } } }`, nil},
		{"a named fragment", `query { centres { ...C } } fragment C on Centre { code targetGroups { ...T } } fragment T on TargetGroup { name }`, nil},
		{"fragments on the interface and inline", `{ targetGroups { ... on Node { id name } ... on TargetGroup { servedBy { code } } } }`, nil},
		{"a field selected twice merges", `{ centres { targetGroups { name } targetGroups { id servedBy { code } } } }`, nil},
		{"skip and include", `query($a: Boolean!, $b: Boolean!) { centres { code @skip(if: $a) name @include(if: $b) targetGroups @include(if: $a) { name } } }`, map[string]any{"a": true, "b": false}},
		{"skip and include the other way", `query($a: Boolean!, $b: Boolean!) { centres { code @skip(if: $a) name @include(if: $b) targetGroups @include(if: $a) { name } } }`, map[string]any{"a": false, "b": true}},
		{"several roots, one kind twice", `{ __typename centres { code } benefits { name paidBy { code } } again: centres { name } }`, nil},
		{"an empty list", `{ units { id name } }`, nil},
	}
	for _, tt := range served {
		t.Run(tt.name, func(t *testing.T) { p.same(t, tt.query, tt.vars, true) })
	}
	toGQLGen := []struct {
		name, query string
		vars        map[string]any
	}{
		{"a root argument", `{ centres(asOf: "2026-01-01") { code } }`, nil},
		{"a list's argument", `{ centres { targetGroups(asOf: "2026-07-01") { name } } }`, nil},
		{"a null argument is still an argument", `{ centres(asOf: null) { code } }`, nil},
		{"a computed field", `{ centres { code employees } }`, nil},
		{"one root it does not serve", `{ centres { code } administration { name } }`, nil},
		{"a lookup by code", `{ centre(code: "CBE") { code } }`, nil},
		{"a mutation", `mutation { deleteNode(id: "centre:cbe", version: 1) { version } }`, nil},
		{"an invalid document", `{ centres { nope } }`, nil},
	}
	for _, tt := range toGQLGen {
		t.Run(tt.name, func(t *testing.T) { p.same(t, tt.query, tt.vars, false) })
	}
}

// failingLinks fails every expansion, as a store that goes away mid-request.
type failingLinks struct{ store.Store }

func (failingLinks) Expand(context.Context, []store.Expansion) ([]store.Expanded, error) {
	return nil, errors.New("bolt: connection reset by peer")
}

// A store error leaves the query to gqlgen, whose answer carries the error
// as every other does: with a code, without the store's words. (gqlgen
// reports the elements' errors in the order its goroutines finish, so the
// bodies are not compared byte for byte.)
func TestDirectLeavesAStoreErrorToGQLGen(t *testing.T) {
	p := newDirectPair(failingLinks{seedStore(t, 1)})
	body, served := postDirect(t, p.direct, `{ centres { code targetGroups { name } } }`, nil)
	if served {
		t.Fatal("the direct path answered although the store failed")
	}
	if !bytes.Contains(body, []byte(`"data":null`)) || !bytes.Contains(body, []byte(`"code":"INTERNAL"`)) || bytes.Contains(body, []byte("bolt")) {
		t.Fatalf("want gqlgen's internal error without the store's words: %s", body)
	}
}

// panickingKinds panics in NodesByKind and Expand, as a store with a
// bug would.
type panickingKinds struct{ store.Store }

func (panickingKinds) NodesByKind(context.Context, domain.Kind) ([]*domain.Node, error) {
	panic("nil map in the store")
}

func (panickingKinds) Expand(context.Context, []store.Expansion) ([]store.Expanded, error) {
	panic("nil map in the store")
}

// A panic on the direct path is logged and leaves the query to gqlgen, which
// recovers from it as from any resolver's: the client sees a coded error.
func TestDirectRecoversFromAPanic(t *testing.T) {
	var logs bytes.Buffer
	h := NewHandler(slog.New(slog.NewJSONHandler(&logs, nil)), panickingKinds{seedStore(t, 1)}, Options{})
	body, served := postDirect(t, h, `{ centres { code } }`, nil)
	if served {
		t.Fatal("the direct path answered although it panicked")
	}
	if !bytes.Contains(body, []byte(`"code":"INTERNAL"`)) || bytes.Contains(body, []byte("nil map")) {
		t.Fatalf("want gqlgen's internal error without the panic's words: %s", body)
	}
	if !strings.Contains(logs.String(), "direct path panicked") {
		t.Fatalf("the direct path's panic was not logged:\n%s", logs.String())
	}
}

// countingReads records the listings the direct path asks for.
type countingReads struct {
	store.Store
	mu       sync.Mutex
	listings [][]store.Expansion
}

func (c *countingReads) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	c.mu.Lock()
	c.listings = append(c.listings, xs)
	c.mu.Unlock()
	return c.Store.Expand(ctx, xs)
}

// The deep listing is one store call, whose shape is the selection's lists,
// asking for the fields it shows (code and name) alone.
func TestDirectReadsAListingInOneCall(t *testing.T) {
	st := &countingReads{Store: seedStore(t, 1)}
	h := NewHandler(slog.New(slog.DiscardHandler), st, Options{})
	_, served := postDirect(t, h, `{ centres { code targetGroups { name servedBy { code interventions { name } targetGroups { name receives { name } } } } } }`, nil)
	if !served {
		t.Fatal("the direct path did not serve the deep listing")
	}
	q := func(k domain.RelKind, d domain.Direction) store.LinkQuery { return store.LinkQuery{Kind: k, Dir: d} }
	want := []store.Expansion{{Roots: store.Roots{Kind: domain.KindCentre}, Project: store.Plain,
		Fields: store.PlainID | store.PlainCode | store.PlainName, Steps: []store.Step{
			{Q: q(domain.RelServes, domain.Outgoing), Below: []store.Step{
				{Q: q(domain.RelServes, domain.Incoming), Below: []store.Step{
					{Q: q(domain.RelDelivers, domain.Outgoing)},
					{Q: q(domain.RelServes, domain.Outgoing), Below: []store.Step{{Q: q(domain.RelPaidTo, domain.Incoming)}}},
				}},
			}},
		}}}
	if len(st.listings) != 1 || !reflect.DeepEqual(st.listings[0], want) {
		t.Fatalf("store calls %+v, want one listing %+v", st.listings, want)
	}
}

// writeQuoted writes every string as gqlgen's MarshalString does: control
// characters, quotes, backslashes, Danish letters and bytes that are not
// UTF-8.
func TestWriteQuotedAsMarshalString(t *testing.T) {
	texts := []string{"", "CBE", "Ø", "Københavns Kommune", `say "hi"`, `a\b`, "tab\there", "line\nbreak\r",
		"\x00\x01\x1f\x7f", "\xff\xfe", "æ\xc3", "<&>", "\u2028", "plain text with a tail"}
	for c := 0; c < 256; c++ {
		texts = append(texts, "x"+string([]byte{byte(c)})+"y")
	}
	for _, s := range texts {
		var got, want bytes.Buffer
		writeQuoted(&got, s)
		graphql.MarshalString(s).MarshalGQL(&want)
		if got.String() != want.String() {
			t.Errorf("%q: wrote %q, want %q", s, got.String(), want.String())
		}
	}
}

// A document asked again is written into room for its last answer's
// length (answerSizes) and answers as gqlgen still; the lengths are kept
// for a bounded number of documents, a known one's updated.
func TestDirectRemembersAnAnswersLength(t *testing.T) {
	p := newDirectPair(seedStore(t, 1))
	for range 2 {
		p.same(t, `{ centres { code targetGroups { name servedBy { code } } } }`, nil, true)
	}
	a := &answerSizes{bytes: map[string]int{}}
	for i := range maxAnswerSizes + 10 {
		a.set(fmt.Sprint(i), i+1)
	}
	if len(a.bytes) != maxAnswerSizes || a.of("0") != 1 || a.of(fmt.Sprint(maxAnswerSizes)) != 0 {
		t.Fatalf("kept %d lengths, first %d, one past the bound %d", len(a.bytes), a.of("0"), a.of(fmt.Sprint(maxAnswerSizes)))
	}
	if a.set("0", 99); a.of("0") != 99 {
		t.Fatalf("a known document's length is %d after a new answer of 99 bytes", a.of("0"))
	}
}
