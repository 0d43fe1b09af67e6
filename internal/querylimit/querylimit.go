// Package querylimit refuses GraphQL documents built to exhaust the server,
// before gqlgen parses and validates them. It parses the document itself
// under a token cap and walks it once, with every fragment measured once
// (memoised) however often it is spread, stopping as soon as a limit is
// passed. That matters: gqlparser's overlapping-fields rule takes seconds on
// a 64 KB document of repeated fields, and gqlgen's FixedComplexityLimit
// re-expands every fragment spread, doubling with each level of a fragment
// that spreads the next one twice.
package querylimit

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/gqlext"
)

// Codes lists every code this package answers with.
var Codes = []string{apierr.TokenLimit, apierr.DepthLimit, apierr.AliasLimit, apierr.FieldLimit, apierr.DirectiveLimit, apierr.ComplexityLimit}

// Limits bound a document. A zero field takes its default.
type Limits struct {
	// MaxTokens bounds the lexical tokens of the whole document (5000).
	MaxTokens int
	// MaxDepth bounds how deeply fields nest, through fragments (12).
	MaxDepth int
	// MaxAliases bounds the aliased fields an operation selects, counting a
	// fragment's aliases each time it is spread (30).
	MaxAliases int
	// MaxFields bounds the fields one selection set holds once its fragments
	// are expanded (100).
	MaxFields int
	// MaxDirectives bounds the directives on one field, fragment or
	// operation (5).
	MaxDirectives int
	// MaxComplexity bounds an operation's cost: the number of values its
	// answer may hold, each list counted at its bound and multiplied
	// through nesting, plus what Costs adds for fields that walk the graph
	// (DefaultMaxComplexity).
	MaxComplexity int
	// ListBound is the bound of a list field that neither its arguments
	// nor Bounds bound (100).
	ListBound int
}

// DefaultMaxComplexity is the cost an operation may reach: half a million
// values, GitHub's node limit. The costliest question the product ships,
// the load mix's deep listing of every centre's target groups and what
// serves them, costs about 300,000 at 100 times the seed (graph's
// TestEveryKnownQueryIsWithinTheCostLimit prints each); the issue's
// amplification, ten aliases of a node nesting links five deep, costs
// some 130 million.
const DefaultMaxComplexity = 500_000

// Defaults are generous for every question the product answers: the
// deepest golden query nests 7 deep.
var Defaults = Limits{MaxTokens: 5000, MaxDepth: 12, MaxAliases: 30, MaxFields: 100, MaxDirectives: 5, MaxComplexity: DefaultMaxComplexity, ListBound: 100}

func (l Limits) withDefaults() Limits {
	pick := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	return Limits{
		MaxTokens:     pick(l.MaxTokens, Defaults.MaxTokens),
		MaxDepth:      pick(l.MaxDepth, Defaults.MaxDepth),
		MaxAliases:    pick(l.MaxAliases, Defaults.MaxAliases),
		MaxFields:     pick(l.MaxFields, Defaults.MaxFields),
		MaxDirectives: pick(l.MaxDirectives, Defaults.MaxDirectives),
		MaxComplexity: pick(l.MaxComplexity, Defaults.MaxComplexity),
		ListBound:     pick(l.ListBound, Defaults.ListBound),
	}
}

// Cost prices a field from the cost of what it returns (child: for a
// list, its bound times one plus each element's selection) and its
// arguments, literals and variables resolved.
type Cost func(child int, args map[string]any) int

// Costs maps "Type.field" to its price; a field not listed costs 1 + child.
type Costs map[string]Cost

// Bounds says at most how many elements the list field def, selected on
// the type on, returns, given its arguments; false when it does not know,
// and the limits' ListBound applies. A `first` or `last` argument, given
// or defaulted in the schema, bounds a list before Bounds is asked.
type Bounds func(on string, def *ast.FieldDefinition, args map[string]any) (int, bool)

// Pricing is what the cost walk needs beyond the schema: prices for
// fields that return more or less than their values, the bounds of lists,
// and what a field adds once for each place the document asks for it,
// whatever the lists above it (Once, "Type.field" to its surcharge): a
// traversal below a list is one store call for all its elements, which
// the loaders batch.
type Pricing struct {
	Costs  Costs
	Bounds Bounds
	Once   map[string]int
}

// Checker checks documents against a schema's fields and the limits.
type Checker struct {
	schema *ast.Schema
	limits Limits
	price  Pricing
	// checked remembers, by document text, what the variable-free part of
	// the check found, so that a client sending the same query again (a
	// widget, a dashboard) costs only the price walk.
	checked graphql.Cache[*checked]
}

// checked is a parsed document that passed or failed the shape limits.
type checked struct {
	doc *ast.QueryDocument // nil when it did not parse
	err *gqlerror.Error    // the refusal, if any
}

// Remembered documents: how many, and the longest kept; a longer one, or
// one past the number, is checked again each time it comes.
const (
	cachedDocuments = 512
	cachedMaxBytes  = 16 << 10
)

// New returns a Checker. schema gives field types for the cost walk; price
// may be empty.
func New(schema *ast.Schema, limits Limits, price Pricing) *Checker {
	return &Checker{schema: schema, limits: limits.withDefaults(), price: price, checked: lru.New[*checked](cachedDocuments)}
}

// Limits returns the limits in force, defaults filled in.
func (c *Checker) Limits() Limits { return c.limits }

// Check parses query and holds it to the limits; nil when it passes. A
// document that does not parse passes, so that gqlgen reports the syntax
// error in its usual form. Only the price depends on vars, so the rest of
// the outcome is remembered by the document's text.
func (c *Checker) Check(query, operationName string, vars map[string]any) *gqlerror.Error {
	_, _, err := c.check(query, operationName, vars)
	return err
}

// check is Check that also gives the operation's price and its costliest
// path, when it passes (0 and "" for a document that does not parse).
func (c *Checker) check(query, operationName string, vars map[string]any) (int, string, *gqlerror.Error) {
	ctx := context.Background()
	ch, ok := c.checked.Get(ctx, query)
	if !ok {
		ch = c.shapeCheck(query)
		if len(query) <= cachedMaxBytes {
			c.checked.Add(ctx, query, ch)
		}
	}
	if ch.err != nil {
		// Each answer gets its own copy: the caller may annotate it.
		return 0, "", refuse(ch.err.Extensions["code"].(string), "%s", ch.err.Message)
	}
	if ch.doc == nil {
		return 0, "", nil
	}
	op := pick(ch.doc, operationName)
	if op == nil {
		return 0, "", nil
	}
	p := c.walkPrice(ch.doc, op, vars)
	if p.total() > c.limits.MaxComplexity {
		e := refuse(apierr.ComplexityLimit, "the operation may return %s values (at %s), more than the limit of %d; ask for fewer with first or a narrower selection",
			costText(p.total()), p.path, c.limits.MaxComplexity)
		e.Extensions["cost"] = p.total()
		e.Extensions["limit"] = c.limits.MaxComplexity
		e.Extensions["path"] = p.path.String()
		return 0, "", e
	}
	return p.total(), p.path.String(), nil
}

// Price is what the operation in query costs and its costliest path, as
// Check works them out; the walk stops adding once past the limit, so a
// price above it is a lower bound. 0 for a document that does not parse or
// has no such operation.
func (c *Checker) Price(query, operationName string, vars map[string]any) (int, string) {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, c.limits.MaxTokens)
	if err != nil {
		return 0, ""
	}
	op := pick(doc, operationName)
	if op == nil {
		return 0, ""
	}
	p := c.walkPrice(doc, op, vars)
	return p.total(), p.path.String()
}

func (c *Checker) walkPrice(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) priced {
	w := &walk{c: c, doc: doc, vars: vars, cost: map[string]priced{}}
	return w.costOf(op.SelectionSet, c.rootType(op.Operation))
}

// costText writes a cost, saying "more than" where the walk stopped adding.
func costText(cost int) string {
	if cost >= saturate {
		return fmt.Sprintf("more than %d", saturate)
	}
	return fmt.Sprint(cost)
}

// shapeCheck parses query and holds it to every limit but the price.
func (c *Checker) shapeCheck(query string) *checked {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, c.limits.MaxTokens)
	if err != nil {
		switch msg := err.Error(); {
		case strings.Contains(msg, "exceeded token limit"):
			return &checked{err: refuse(apierr.TokenLimit, "the document has more than %d tokens", c.limits.MaxTokens)}
		case strings.Contains(msg, "exceeded maximum nesting depth"): // gqlparser's own guard
			return &checked{err: refuse(apierr.DepthLimit, "the document nests deeper than the parser allows")}
		}
		return &checked{}
	}
	w := &walk{c: c, doc: doc, shape: map[string]*shape{}}
	for _, op := range doc.Operations {
		if e := w.directives(op.Directives); e != nil {
			return &checked{err: e}
		}
		s, e := w.shapeOf(op.SelectionSet)
		if e != nil {
			return &checked{err: e}
		}
		if s.depth > c.limits.MaxDepth {
			return &checked{err: refuse(apierr.DepthLimit, "the operation nests fields %d deep, more than the limit of %d", s.depth, c.limits.MaxDepth)}
		}
		if s.aliases > c.limits.MaxAliases {
			return &checked{err: refuse(apierr.AliasLimit, "the operation selects more than %d aliased fields", c.limits.MaxAliases)}
		}
	}
	for _, f := range doc.Fragments {
		if _, e := w.fragment(f.Name); e != nil {
			return &checked{err: e}
		}
	}
	return &checked{doc: doc}
}

func pick(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	if name == "" && len(doc.Operations) == 1 {
		return doc.Operations[0]
	}
	return doc.Operations.ForName(name)
}

func (c *Checker) rootType(op ast.Operation) *ast.Definition {
	switch op {
	case ast.Mutation:
		return c.schema.Mutation
	case ast.Subscription:
		return c.schema.Subscription
	default:
		return c.schema.Query
	}
}

func refuse(code, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: apierr.Extensions(code)}
}

// shape is what a selection set amounts to once expanded.
type shape struct {
	depth   int // deepest chain of fields
	aliases int // aliased fields, fragments counted per spread (saturating)
	fields  int // fields it holds directly, fragments expanded
}

// walk is one document's check, with its fragment memos.
type walk struct {
	c     *Checker
	doc   *ast.QueryDocument
	vars  map[string]any
	shape map[string]*shape // fragment name -> shape; nil while being measured
	cost  map[string]priced // "fragment@type" -> its price
}

// priced is what a selection costs: the values it may return, what its
// fields add once each (Pricing.Once), and the costliest chain of fields
// in it.
type priced struct {
	cost int
	once int
	path *path
}

func (p priced) total() int { return add(p.cost, p.once) }

// path is a chain of response keys, shared between the prices that
// contain it, so pricing allocates one link a field.
type path struct {
	key  string
	next *path
}

// String writes the path as "node.links.node".
func (p *path) String() string {
	var b strings.Builder
	for ; p != nil; p = p.next {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p.key)
	}
	return b.String()
}

// saturate keeps sums and products of counts from overflowing.
const saturate = 1 << 30

func add(a, b int) int { return min(a+b, saturate) }

func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > saturate/b {
		return saturate
	}
	return min(a*b, saturate)
}

func (w *walk) directives(ds ast.DirectiveList) *gqlerror.Error {
	if len(ds) > w.c.limits.MaxDirectives {
		return refuse(apierr.DirectiveLimit, "%d directives in one place, more than the limit of %d", len(ds), w.c.limits.MaxDirectives)
	}
	return nil
}

func (w *walk) fragment(name string) (*shape, *gqlerror.Error) {
	if s, seen := w.shape[name]; seen {
		if s == nil { // a cycle: validation refuses it; count it as nothing here
			return &shape{}, nil
		}
		return s, nil
	}
	def := w.doc.Fragments.ForName(name)
	if def == nil {
		return &shape{}, nil // validation reports the unknown fragment
	}
	w.shape[name] = nil
	if e := w.directives(def.Directives); e != nil {
		return nil, e
	}
	s, e := w.shapeOf(def.SelectionSet)
	if e != nil {
		return nil, e
	}
	w.shape[name] = s
	return s, nil
}

// mergeFragment adds to out the shape of a fragment where it stands: a
// spread's, the fragment called name; an inline one's, its set.
func (w *walk) mergeFragment(out *shape, dirs ast.DirectiveList, name string, set ast.SelectionSet) *gqlerror.Error {
	if e := w.directives(dirs); e != nil {
		return e
	}
	var child *shape
	var e *gqlerror.Error
	if name != "" {
		child, e = w.fragment(name)
	} else {
		child, e = w.shapeOf(set)
	}
	if e != nil {
		return e
	}
	out.merge(child)
	return nil
}

func (w *walk) shapeOf(set ast.SelectionSet) (*shape, *gqlerror.Error) {
	out := &shape{}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if e := w.directives(s.Directives); e != nil {
				return nil, e
			}
			out.fields++
			if s.Alias != "" && s.Alias != s.Name {
				out.aliases = add(out.aliases, 1)
			}
			child, e := w.shapeOf(s.SelectionSet)
			if e != nil {
				return nil, e
			}
			out.aliases = add(out.aliases, child.aliases)
			if !strings.HasPrefix(s.Name, "__") { // introspection has gqlparser's own depth limit
				out.depth = max(out.depth, 1+child.depth)
			}
		case *ast.InlineFragment:
			if e := w.mergeFragment(out, s.Directives, "", s.SelectionSet); e != nil {
				return nil, e
			}
		case *ast.FragmentSpread:
			if e := w.mergeFragment(out, s.Directives, s.Name, nil); e != nil {
				return nil, e
			}
		}
		if out.fields > w.c.limits.MaxFields {
			return nil, refuse(apierr.FieldLimit, "a selection holds more than %d fields, fragments included", w.c.limits.MaxFields)
		}
	}
	return out, nil
}

func (s *shape) merge(o *shape) {
	s.depth = max(s.depth, o.depth)
	s.aliases = add(s.aliases, o.aliases)
	s.fields = add(s.fields, o.fields)
}

// costOf prices a selection set on a type, and names its costliest
// field. A fragment's price on a type is worked out once; sums and
// products saturate rather than overflow. The caller compares the total
// with the limit, and every total above it is refused, so the walk may
// stop adding once it is past: prices only grow as they multiply.
func (w *walk) costOf(set ast.SelectionSet, on *ast.Definition) priced {
	var out priced
	var dearest int
	take := func(p priced) {
		out.cost = add(out.cost, p.cost)
		out.once = add(out.once, p.once)
		if t := p.total(); t > dearest || out.path == nil {
			dearest, out.path = t, p.path
		}
	}
	for _, sel := range set {
		if out.total() > w.c.limits.MaxComplexity {
			return out
		}
		switch s := sel.(type) {
		case *ast.Field:
			take(w.fieldCost(s, on))
		case *ast.InlineFragment:
			take(w.costOf(s.SelectionSet, w.typeOr(s.TypeCondition, on)))
		case *ast.FragmentSpread:
			def := w.doc.Fragments.ForName(s.Name)
			if def == nil {
				continue
			}
			key := s.Name + "@" + def.TypeCondition
			p, seen := w.cost[key]
			if !seen {
				w.cost[key] = priced{} // a cycle adds nothing; validation refuses it
				p = w.costOf(def.SelectionSet, w.typeOr(def.TypeCondition, on))
				w.cost[key] = p
			}
			take(p)
		}
	}
	return out
}

func (w *walk) typeOr(name string, fallback *ast.Definition) *ast.Definition {
	if t := w.c.schema.Types[name]; t != nil {
		return t
	}
	return fallback
}

// fieldCost prices one field: a value, or for a list its bound of
// elements, each a value and its selection; then the field's own price.
func (w *walk) fieldCost(f *ast.Field, on *ast.Definition) priced {
	key := f.Alias
	if key == "" {
		key = f.Name
	}
	if strings.HasPrefix(f.Name, "__") {
		return priced{cost: 1, path: &path{key: key}}
	}
	once := 0
	var def *ast.FieldDefinition
	var childType *ast.Definition
	if on != nil {
		if def = on.Fields.ForName(f.Name); def != nil {
			childType = w.c.schema.Types[def.Type.Name()]
		}
	}
	child := w.costOf(f.SelectionSet, childType)
	cost := add(1, child.cost)
	var args map[string]any
	if def != nil && def.Type.Elem != nil {
		args = w.args(f)
		cost = mul(w.bound(on, def, args), cost)
	}
	if on != nil {
		if price := w.c.price.Costs[on.Name+"."+f.Name]; price != nil {
			if args == nil {
				args = w.args(f)
			}
			cost = min(price(cost, args), saturate)
		}
		once = w.c.price.Once[on.Name+"."+f.Name]
	}
	return priced{cost: cost, once: add(once, child.once), path: &path{key: key, next: child.path}}
}

// bound is how many elements the list field def may return: its first or
// last argument, as given or defaulted; else what Bounds knows; else the
// limits' ListBound. A bound below one counts as one, the field's own
// value.
func (w *walk) bound(on *ast.Definition, def *ast.FieldDefinition, args map[string]any) int {
	n, ok := 0, false
	for _, name := range [...]string{"first", "last"} {
		if a := def.Arguments.ForName(name); a != nil {
			if v := IntArg(args, name, -1); v >= 0 {
				n, ok = max(n, v), true
			} else if a.DefaultValue != nil {
				if v, err := a.DefaultValue.Value(nil); err == nil {
					n, ok = max(n, IntArg(map[string]any{name: v}, name, 0)), true
				}
			}
		}
	}
	if !ok && w.c.price.Bounds != nil && on != nil {
		n, ok = w.c.price.Bounds(on.Name, def, args)
	}
	if !ok {
		n = w.c.limits.ListBound
	}
	return max(n, 1)
}

// args resolves a field's literal and variable arguments to plain values.
func (w *walk) args(f *ast.Field) map[string]any {
	out := make(map[string]any, len(f.Arguments))
	for _, a := range f.Arguments {
		if v, err := a.Value.Value(w.vars); err == nil {
			out[a.Name] = v
		}
	}
	return out
}

// Extension plugs a Checker into a gqlgen server, before parsing and
// validation: srv.Use(c.Extension()).
type Extension struct {
	*Checker
	gqlext.Name
}

// Extension returns the extension that checks requests with c.
func (c *Checker) Extension() Extension { return Extension{Checker: c, Name: "QueryLimits"} }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = Extension{}

// MutateOperationParameters refuses the request when its document passes a
// limit, or costs more than its client's budget has left (WithBudget);
// else it spends the price from that budget.
func (e Extension) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	cost, path, err := e.check(p.Query, p.OperationName, p.Variables)
	if err != nil {
		chargeRefused(ctx, e.limits.MaxComplexity)
		return err
	}
	recordPrice(ctx, cost)
	return spend(ctx, cost, path)
}

// IntArg reads an integer argument, for Costs: literals arrive as int64,
// JSON variables as float64 or json.Number. A value past the walk's
// saturation reads as the saturation, either sign, so that a huge first is
// priced as huge, not wrapped round.
func IntArg(args map[string]any, name string, def int) int {
	clamp := func(n int64) int { return int(max(min(n, saturate), -saturate)) }
	switch v := args[name].(type) {
	case int64:
		return clamp(v)
	case int:
		return clamp(int64(v))
	case float64:
		return int(max(min(v, saturate), -saturate))
	case interface{ Int64() (int64, error) }:
		if n, err := v.Int64(); err == nil {
			return clamp(n)
		}
		return saturate // a json.Number too long for int64
	}
	return def
}
