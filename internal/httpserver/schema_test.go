package httpserver

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/bif-kk/orggraph/graph"
)

const dateSpec = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"

func TestSchemaSDL(t *testing.T) {
	h := serverWith(slog.New(slog.DiscardHandler), fixtureStore(t), Options{}, graph.Options{NoIntrospection: true})

	rec := send(h, http.MethodGet, "/schema.graphql", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /schema.graphql with introspection off: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	served, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: rec.Body.String()})
	if err != nil {
		t.Fatalf("the body is not a schema: %v", err)
	}

	t.Run("it is the schema the endpoint executes", func(t *testing.T) {
		executed := graph.NewExecutableSchema(graph.Config{}).Schema()
		if diff := schemaDiff(executed, served); len(diff) > 0 {
			t.Errorf("the SDL differs from the executed schema:\n%s", strings.Join(diff, "\n"))
		}
	})

	t.Run("it declares the directives beyond the spec's", func(t *testing.T) {
		// Read without gqlparser's prelude, as a tool that knows only the
		// spec's @skip, @include, @deprecated and @specifiedBy reads it.
		doc, err := parser.ParseSchema(&ast.Source{Input: rec.Body.String()})
		if err != nil {
			t.Fatal(err)
		}
		declared := map[string]bool{}
		for _, d := range doc.Directives {
			declared[d.Name] = true
		}
		for name := range graph.NewExecutableSchema(graph.Config{}).Schema().Directives {
			spec := name == "skip" || name == "include" || name == "deprecated" || name == "specifiedBy"
			if declared[name] == spec {
				t.Errorf("@%s: declared %v", name, declared[name])
			}
		}
		if !declared["defer"] {
			t.Errorf("@defer is not declared: %v", declared)
		}
	})

	t.Run("introspection is still off", func(t *testing.T) {
		rec := send(h, http.MethodPost, "/graphql", `{"query":"{ __schema { types { name } } }"}`, "Content-Type", "application/json")
		if codes := errorCodes(t, rec.Body.Bytes()); len(codes) == 0 {
			t.Errorf("__schema answered with introspection off: %s", rec.Body)
		}
	})

	t.Run("Date is specified by RFC 3339", func(t *testing.T) {
		d := served.Types["Date"].Directives.ForName("specifiedBy")
		if d == nil || d.Arguments.ForName("url") == nil || d.Arguments.ForName("url").Value.Raw != dateSpec {
			t.Errorf("scalar Date's @specifiedBy in the SDL: %v", d)
		}
		on := quietServer(fixtureStore(t), Options{})
		rec := send(on, http.MethodPost, "/graphql", `{"query":"{ __type(name: \"Date\") { specifiedByURL } }"}`, "Content-Type", "application/json")
		var resp struct {
			Data struct {
				Type struct {
					SpecifiedByURL string `json:"specifiedByURL"`
				} `json:"__type"`
			} `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.Data.Type.SpecifiedByURL != dateSpec {
			t.Errorf("introspection's Date.specifiedByURL: %v %s", err, rec.Body)
		}
	})

	t.Run("a read like any other: it needs a token when reads do", func(t *testing.T) {
		closed := quietServer(fixtureStore(t), Options{ReadsNeedToken: true})
		rec := send(closed, http.MethodGet, "/schema.graphql", "")
		if rec.Code != http.StatusUnauthorized || onlyCode(t, rec.Body.Bytes()) != "UNAUTHENTICATED" {
			t.Errorf("without a token: %d %s", rec.Code, rec.Body)
		}
	})

	t.Run("revalidation", func(t *testing.T) {
		etag := rec.Header().Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		if again := send(h, http.MethodGet, "/schema.graphql", "", "If-None-Match", etag); again.Code != http.StatusNotModified {
			t.Errorf("If-None-Match: %d, want 304", again.Code)
		}
	})
}

// schemaDiff lists what differs between two schemas: their own (not
// built-in) types with kinds, descriptions, fields with their types,
// arguments and defaults, enum values, interfaces, union members and
// directives; and the directives they define, built-in or declared.
func schemaDiff(want, got *ast.Schema) []string {
	var diff []string
	describe := func(d *ast.Definition) string {
		parts := []string{string(d.Kind), d.Description, directives(d.Directives), strings.Join(d.Interfaces, "&"), strings.Join(d.Types, "|")}
		for _, f := range d.Fields {
			args := make([]string, 0, len(f.Arguments))
			for _, a := range f.Arguments {
				args = append(args, fmt.Sprintf("%s: %s = %s %q %s", a.Name, a.Type, value(a.DefaultValue), a.Description, directives(a.Directives)))
			}
			parts = append(parts, fmt.Sprintf("%s(%s): %s = %s %q %s", f.Name, strings.Join(args, ", "), f.Type, value(f.DefaultValue), f.Description, directives(f.Directives)))
		}
		for _, v := range d.EnumValues {
			parts = append(parts, fmt.Sprintf("%s %q %s", v.Name, v.Description, directives(v.Directives)))
		}
		return strings.Join(parts, "\n")
	}
	own := func(s *ast.Schema) []string {
		var names []string
		for name, d := range s.Types {
			if !d.BuiltIn {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		return names
	}
	if w, g := own(want), own(got); !slices.Equal(w, g) {
		diff = append(diff, fmt.Sprintf("types %v, want %v", g, w))
	}
	for _, name := range own(want) {
		if g, ok := got.Types[name]; ok {
			if w, g := describe(want.Types[name]), describe(g); w != g {
				diff = append(diff, fmt.Sprintf("%s:\n%s\nwant\n%s", name, g, w))
			}
		}
	}
	directive := func(d *ast.DirectiveDefinition) string {
		var args []string
		for _, a := range d.Arguments {
			args = append(args, fmt.Sprintf("%s: %s = %s", a.Name, a.Type, value(a.DefaultValue)))
		}
		return fmt.Sprintf("@%s(%s) repeatable=%v on %v", d.Name, strings.Join(args, ", "), d.IsRepeatable, d.Locations)
	}
	directiveNames := func(s *ast.Schema) []string {
		names := slices.Collect(maps.Keys(s.Directives))
		slices.Sort(names)
		return names
	}
	if w, g := directiveNames(want), directiveNames(got); !slices.Equal(w, g) {
		diff = append(diff, fmt.Sprintf("directives %v, want %v", g, w))
	}
	for name, w := range want.Directives {
		if g, ok := got.Directives[name]; ok && directive(g) != directive(w) {
			diff = append(diff, fmt.Sprintf("%s, want %s", directive(g), directive(w)))
		}
	}
	for _, op := range []struct {
		name      string
		want, got *ast.Definition
	}{{"query", want.Query, got.Query}, {"mutation", want.Mutation, got.Mutation}, {"subscription", want.Subscription, got.Subscription}} {
		if (op.want == nil) != (op.got == nil) || op.want != nil && op.want.Name != op.got.Name {
			diff = append(diff, op.name+" root differs")
		}
	}
	return diff
}

func directives(ds ast.DirectiveList) string {
	var out []string
	for _, d := range ds {
		var args []string
		for _, a := range d.Arguments {
			args = append(args, a.Name+":"+a.Value.String())
		}
		out = append(out, "@"+d.Name+"("+strings.Join(args, ",")+")")
	}
	return strings.Join(out, " ")
}

func value(v *ast.Value) string {
	if v == nil {
		return "none"
	}
	return v.String()
}
