package graph

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/graph/readplan"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/gqlext"
	"github.com/bif-kk/orggraph/internal/store"
)

// The direct path answers the plainest reads without gqlgen's executor: a
// query made only of root lists of one kind (centres, targetGroups, …), the
// link lists of readplan.Lists shown as read (AsRead), without arguments,
// and a node's own id, name, code, version, description and fullName. Such
// a query is the deep listing planners ask for, and gqlgen, which gives
// every list element and every resolved field a goroutine and a context of
// its own, spends some 9 µs of CPU on each object of it: 200 ms for the 23,000 objects of a listing at
// 100× the seed. The direct path reads the whole listing in one store call,
// only the plain fields it shows, and writes the JSON itself with gqlgen's
// own marshalers, for well under a tenth of that.
//
// Anything else — arguments, @defer, connections, computed fields, a store
// error — goes to gqlgen, which stays the one executor of every other
// operation. TestDirectAnswersEveryFieldAsGQLGen runs every field the direct path
// serves, on every type it serves, through both and compares the bytes.

// directPlan is one operation compiled for the direct path.
type directPlan struct {
	roots []directRoot
	lists int // how many list fields the plan holds (directField.slot)
}

// directRoot is one root field: __typename, or a list of every node of kind.
type directRoot struct {
	alias string
	kind  domain.Kind // empty for __typename
	obj   *directObject
}

// directObject is the selection on one object type.
type directObject struct {
	typeName string
	fields   []directField
}

// directField is one field of an object: __typename, a scalar read off the
// node, or a link list with its own selection.
type directField struct {
	alias    string
	key      []byte // "alias":, as writeKey writes it
	typeName bool
	scalar   func(*domain.Node) graphql.Marshaler
	text     func(*domain.Node) string // of a String! scalar: its text, written by writeQuoted
	reads    store.PlainFields         // of a scalar: the node's fields it reads
	list     *store.LinkQuery
	slot     int // of a list: where runDirect puts the links it read
	obj      *directObject
}

// directRootKinds are the root lists the direct path serves: each resolver
// returns every node of its kind in the store's order (ofKind; centresOn
// without asOf).
var directRootKinds = map[string]domain.Kind{
	"centres":       domain.KindCentre,
	"organisations": domain.KindOrganisation,
	"units":         domain.KindUnit,
	"targetGroups":  domain.KindTargetGroup,
	"interventions": domain.KindIntervention,
	"benefits":      domain.KindBenefit,
}

// directScalars reads a node's own fields as their generated resolvers do,
// keyed by field name and then by the field's type in the schema: a field of
// another type on some object is not served.
var directScalars = map[string]map[string]func(*domain.Node) graphql.Marshaler{
	"id": {"ID!": func(n *domain.Node) graphql.Marshaler {
		return graphql.WrapContextMarshaler(context.Background(), model.MarshalID(n.ID))
	}},
	"name":    {"String!": func(n *domain.Node) graphql.Marshaler { return graphql.MarshalString(n.Name) }},
	"code":    {"String!": func(n *domain.Node) graphql.Marshaler { return graphql.MarshalString(n.Code) }},
	"version": {"Int!": func(n *domain.Node) graphql.Marshaler { return graphql.MarshalInt64(model.Base{Node: n}.Version()) }},
	"description": {
		"String!": func(n *domain.Node) graphql.Marshaler {
			return graphql.MarshalString(model.Centre{Base: model.Base{Node: n}}.Description())
		},
		"String": func(n *domain.Node) graphql.Marshaler { return optionalString(model.Base{Node: n}.Description()) },
	},
	"fullName": {"String": func(n *domain.Node) graphql.Marshaler { return optionalString(model.Base{Node: n}.FullName()) }},
}

// directTexts are the readers of directScalars' String! fields as text,
// each the string its marshaler writes.
var directTexts = map[string]func(*domain.Node) string{
	"name":        func(n *domain.Node) string { return n.Name },
	"code":        func(n *domain.Node) string { return n.Code },
	"description": func(n *domain.Node) string { return model.Centre{Base: model.Base{Node: n}}.Description() },
}

// directReadsOf is, for each field of directScalars, the node's plain
// fields its reader reads: the store reads no others.
var directReadsOf = map[string]store.PlainFields{
	"id": store.PlainID, "name": store.PlainName, "code": store.PlainCode, "version": store.PlainVersion,
	"description": store.PlainDescription, "fullName": store.PlainFullName,
}

func optionalString(s *string) graphql.Marshaler {
	if s == nil {
		return graphql.Null
	}
	return graphql.MarshalString(*s)
}

// compileDirect returns the plan of the operation in oc, or false when the
// direct path cannot serve it.
func compileDirect(schema *ast.Schema, oc *graphql.OperationContext) (*directPlan, bool) {
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return nil, false
	}
	plan := &directPlan{}
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"}) {
		if len(f.Deferrables) > 0 || len(f.Arguments) > 0 {
			return nil, false
		}
		if f.Name == "__typename" {
			plan.roots = append(plan.roots, directRoot{alias: f.Alias})
			continue
		}
		kind, ok := directRootKinds[f.Name]
		if !ok || !isListOf(f.Definition, string(kind)) {
			return nil, false
		}
		obj, ok := compileObject(schema, oc, string(kind), f.Selections, &plan.lists)
		if !ok {
			return nil, false
		}
		plan.roots = append(plan.roots, directRoot{alias: f.Alias, kind: kind, obj: obj})
	}
	return plan, true
}

// compileObject compiles a selection on the object type typeName, giving
// each list field the next of the plan's slots.
func compileObject(schema *ast.Schema, oc *graphql.OperationContext, typeName string, set ast.SelectionSet, slots *int) (*directObject, bool) {
	def := schema.Types[typeName]
	if def == nil || def.Kind != ast.Object {
		return nil, false
	}
	obj := &directObject{typeName: typeName}
	for _, f := range graphql.CollectFields(oc, set, append([]string{typeName}, def.Interfaces...)) {
		if len(f.Deferrables) > 0 || len(f.Arguments) > 0 {
			return nil, false
		}
		var key bytes.Buffer
		writeKey(&key, f.Alias)
		field := directField{alias: f.Alias, key: key.Bytes()}
		switch {
		case f.Name == "__typename":
			field.typeName = true
		case directScalars[f.Name] != nil && f.Definition != nil:
			read := directScalars[f.Name][f.Definition.Type.String()]
			if read == nil {
				return nil, false
			}
			field.scalar, field.reads = read, directReadsOf[f.Name]
			if f.Definition.Type.String() == "String!" {
				field.text = directTexts[f.Name]
			}
		default:
			list, ok := readplan.Lists[domain.Kind(typeName)][f.Name]
			if !ok || !list.AsRead || f.Definition == nil || f.Definition.Type.Elem == nil {
				return nil, false
			}
			child := f.Definition.Type.Elem.NamedType
			if !isListOf(f.Definition, child) {
				return nil, false
			}
			sub, ok := compileObject(schema, oc, child, f.Selections, slots)
			if !ok {
				return nil, false
			}
			field.list, field.obj, field.slot = &list.LinkQuery, sub, *slots
			*slots++
		}
		obj.fields = append(obj.fields, field)
	}
	return obj, true
}

// isListOf says whether def is [name!]!, the only list shape served.
func isListOf(def *ast.FieldDefinition, name string) bool {
	if def == nil {
		return false
	}
	t := def.Type
	return t.NonNull && t.Elem != nil && t.Elem.NonNull && t.Elem.NamedType == name
}

// steps are the link steps obj selects below its nodes.
func (obj *directObject) steps() []store.Step {
	var out []store.Step
	for _, f := range obj.fields {
		if f.list != nil {
			out = append(out, store.Step{Q: *f.list, Below: f.obj.steps()})
		}
	}
	return out
}

// reads are the node fields obj and the objects below it read: PlainID
// when none but ids are.
func (obj *directObject) reads() store.PlainFields {
	out := store.PlainID
	for _, f := range obj.fields {
		out |= f.reads
		if f.obj != nil {
			out |= f.obj.reads()
		}
	}
	return out
}

// runDirect reads what plan selects in one store call, a plain Expand: the
// direct path shows a node's plain fields alone, so Neo4j sends no sources,
// figures or tasks, only the fields the plan writes, nothing of a
// relationship but its order, and builds
// the whole listing in one statement. It then writes the response's data.
// It answers false on a store error, or on an answer it cannot write:
// gqlgen then runs the operation and reports what is wrong. It answers
// false too when the request ends or the answer passes the ceiling
// (ceiling.go) as it writes, which it checks at every node: the caller
// then sees the operation stopped.
//
// size is what the answer is expected to come to (directReads.sizes), 0
// when that is not known: the answer is written into room for that much,
// not into a buffer that doubles its way there, copying and leaving its
// smaller selves behind (at 1000× the seed, 32 MB for a 12 MB answer).
func runDirect(ctx context.Context, st store.Expander, plan *directPlan, size int) ([]byte, bool) {
	var xs []store.Expansion
	for _, r := range plan.roots {
		if r.obj != nil {
			xs = append(xs, store.Expansion{Roots: store.Roots{Kind: r.kind}, Steps: r.obj.steps(), Project: store.Plain, Fields: r.obj.reads()})
		}
	}
	var read []store.Expanded
	if len(xs) > 0 {
		var err error
		if read, err = st.Expand(ctx, xs); err != nil || len(read) != len(xs) {
			return nil, false
		}
	}

	buf := bytes.NewBuffer(answerRoom(ctx, size+size/16))
	tally := tallyFrom(ctx)
	keep := func(fields int) bool {
		if ctx.Err() != nil {
			return false
		}
		return tally == nil || tally.add(int64(fields), 0) && int64(buf.Len()) <= tally.maxBytes
	}
	lists := make([]map[domain.ID][]domain.Link, plan.lists)
	buf.WriteByte('{')
	x := 0
	for i, r := range plan.roots {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeKey(buf, r.alias)
		if r.obj == nil {
			graphql.MarshalString("Query").MarshalGQL(buf)
			continue
		}
		r.obj.slotLinks(read[x], lists)
		buf.WriteByte('[')
		for j, n := range read[x].Roots {
			if j > 0 {
				buf.WriteByte(',')
			}
			if !writeNode(buf, lists, r.obj, n, keep) {
				return nil, false
			}
		}
		buf.WriteByte(']')
		x++
	}
	buf.WriteByte('}')
	holdAnswer(ctx, buf.Bytes())
	return buf.Bytes(), true
}

// slotLinks puts in lists, at each list field's slot, the links read holds
// for it: writeNode then finds a node's links with one lookup by its id.
func (obj *directObject) slotLinks(read store.Expanded, lists []map[domain.ID][]domain.Link) {
	for _, f := range obj.fields {
		if f.list != nil {
			lists[f.slot] = read.Links[*f.list]
			f.obj.slotLinks(read, lists)
		}
	}
}

// writeNode writes node n as obj selects it, its lists' links from lists
// (slotLinks); false when the store's answer holds no node where a list
// needs one, or keep, told the values the node adds, says to stop.
func writeNode(buf *bytes.Buffer, lists []map[domain.ID][]domain.Link, obj *directObject, n *domain.Node, keep func(values int) bool) bool {
	if n == nil || !keep(1+len(obj.fields)) {
		return false
	}
	buf.WriteByte('{')
	for i, f := range obj.fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(f.key)
		switch {
		case f.typeName:
			graphql.MarshalString(obj.typeName).MarshalGQL(buf)
		case f.text != nil:
			writeQuoted(buf, f.text(n))
		case f.scalar != nil:
			f.scalar(n).MarshalGQL(buf)
		default:
			buf.WriteByte('[')
			for j, l := range lists[f.slot][n.ID] {
				if j > 0 {
					buf.WriteByte(',')
				}
				if !writeNode(buf, lists, f.obj, l.Node, keep) {
					return false
				}
			}
			buf.WriteByte(']')
		}
	}
	buf.WriteByte('}')
	return true
}

// writeQuoted writes s as a JSON string, byte for byte as gqlgen's
// MarshalString does (which escapes only what is below a space, the
// backslash and the quote, and copies every other byte, valid UTF-8 or
// not), without the marshaler and io.Writer calls per value.
func writeQuoted(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		buf.WriteString(s[start:i])
		switch c {
		case '\t':
			buf.WriteString(`\t`)
		case '\r':
			buf.WriteString(`\r`)
		case '\n':
			buf.WriteString(`\n`)
		case '\\':
			buf.WriteString(`\\`)
		case '"':
			buf.WriteString(`\"`)
		default:
			const hex = "0123456789ABCDEF"
			buf.WriteString(`\u00`)
			buf.WriteByte(hex[c>>4])
			buf.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// writeKey writes "alias": as gqlgen does.
func writeKey(buf *bytes.Buffer, alias string) {
	graphql.MarshalString(alias).MarshalGQL(buf)
	buf.WriteByte(':')
}

// directReads is the gqlgen extension that puts the direct path in front of
// the executor: for each query it can serve, it writes the response and
// gqlgen's executor does not run.
type directReads struct {
	gqlext.Name
	logger *slog.Logger
	schema *ast.Schema
	store  store.Expander
	sizes  *answerSizes
}

// answerSizes remembers how long the direct path's last answer to each
// document was, for the next answer to the same document to be written
// into room for it (runDirect). It holds maxAnswerSizes documents at most:
// the deep listings a planner's tools ask again, not every document a
// client ever sent.
type answerSizes struct {
	mu    sync.Mutex
	bytes map[string]int
}

const maxAnswerSizes = 256

func (a *answerSizes) of(doc string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.bytes[doc]
}

func (a *answerSizes) set(doc string, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, known := a.bytes[doc]; known || len(a.bytes) < maxAnswerSizes {
		a.bytes[doc] = n
	}
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = directReads{}

// InterceptResponse answers a query the direct path serves; anything else,
// and a query it could not finish, goes on to gqlgen. gqlgen passes an
// operation it refused through here too, its errors already added and its
// variables not coerced, so that is left alone.
func (d directReads) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || len(graphql.GetErrors(ctx)) > 0 {
		return next(ctx)
	}
	plan, ok := compileDirect(d.schema, graphql.GetOperationContext(ctx))
	if !ok {
		return next(ctx)
	}
	doc := graphql.GetOperationContext(ctx).RawQuery
	data, ok := d.run(ctx, plan, d.sizes.of(doc))
	if !ok && stopped(ctx) {
		return &graphql.Response{} // the ceiling answers its error
	}
	if !ok {
		return next(ctx)
	}
	d.sizes.set(doc, len(data))
	directServed(ctx)
	return &graphql.Response{Data: data}
}

// run runs plan; a panic in it is logged and leaves the query to gqlgen,
// which recovers from one in a resolver as from any other.
func (d directReads) run(ctx context.Context, plan *directPlan, size int) (data []byte, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			d.logger.ErrorContext(ctx, "direct path panicked; gqlgen runs the query", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			data, ok = nil, false
		}
	}()
	return runDirect(ctx, d.store, plan, size)
}

// directServedKey lets a test see that the direct path, not gqlgen, answered.
var directServedKey = &contextKey{"direct path served"}

// WithDirectMark returns ctx carrying served, which is set to true when the
// direct path answers the request's operation: for tests that hold the
// direct path and gqlgen to the same answers on a store of their own.
func WithDirectMark(ctx context.Context, served *bool) context.Context {
	return context.WithValue(ctx, directServedKey, served)
}

func directServed(ctx context.Context) {
	if mark, ok := ctx.Value(directServedKey).(*bool); ok {
		*mark = true
	}
}
