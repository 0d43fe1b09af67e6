package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph/graphtest"
	"github.com/bif-kk/orggraph/internal/apierr"
)

// The scenario tests work on the real seed, on both stores. What each
// expects is worked out by hand from the source document
// (docs/source/000_26cae6b8a7887ec7.txt) as seed/ holds it: which centre
// serves a target group, what a reform item is linked to, who works with
// whom.

// mustPost posts query as token and fails the test on any error.
func mustPost(t *testing.T, h http.Handler, token, query string) map[string]json.RawMessage {
	t.Helper()
	r := post(t, h, token, query)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v\nquery: %s", r.Errors, query)
	}
	return r.Data
}

// newScenario creates a scenario as token and returns its id.
func newScenario(t *testing.T, h http.Handler, token, name string) string {
	t.Helper()
	data := mustPost(t, h, token, fmt.Sprintf(`mutation { createScenario(input: {name: %q}) { id version createdBy } }`, name))
	var sc struct {
		ID        string
		Version   int
		CreatedBy string
	}
	if err := json.Unmarshal(data["createScenario"], &sc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sc.ID, "scenario:") || sc.Version != 1 {
		t.Fatalf("created %+v", sc)
	}
	return sc.ID
}

// jsonOf decodes raw into v.
func jsonOf(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
}

// in is id as seen inside scenario sid.
func in(sid, id string) string { return sid + "/" + id }

const diffSelection = `diff {
  nodesAdded { id } nodesRemoved { id } nodesChanged { after { id } fields }
  linksAdded { statement node { id } } linksRemoved { statement node { id } } linksChanged { fields }
  impact { item { id } centresGained { id code } centresLost { id code } }
  dependencies { centre { code } other { code } before after }
  figures { centre { code } measure before after moved }
  unapplied { number }
}`

type scenarioDiff struct {
	NodesAdded, NodesRemoved []struct{ ID string }
	NodesChanged             []struct {
		After  struct{ ID string }
		Fields []string
	}
	LinksAdded, LinksRemoved []struct {
		Statement string
		Node      struct{ ID string }
	}
	LinksChanged []struct{ Fields []string }
	Impact       []struct {
		Item                       struct{ ID string }
		CentresGained, CentresLost []struct{ ID, Code string }
	}
	Dependencies []struct {
		Centre, Other struct{ Code string }
		Before, After int
	}
	Figures []struct {
		Centre               struct{ Code string }
		Measure              string
		Before, After, Moved float64
	}
	Unapplied []struct{ Number int }
}

// diffOf reads a scenario's diff.
func diffOf(t *testing.T, h http.Handler, token, sid string) scenarioDiff {
	t.Helper()
	data := mustPost(t, h, token, fmt.Sprintf(`{ scenario(id: %q) { %s } }`, sid, diffSelection))
	var sc struct{ Diff scenarioDiff }
	jsonOf(t, data["scenario"], &sc)
	return sc.Diff
}

func codesOf(cs []struct{ ID, Code string }) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return out
}

// "If ressourceforløb moved to CBE": CBA serves Ressourceforløb (the CBA
// slide's target groups), Afskaffelse af ressourceforløb phases it out, and
// Ydelsesservice pays ressourceforløbsydelse to it. Moved, the reform item
// reaches CBE instead of CBA; Ydelsesservice's benefit flow now meets CBE,
// not CBA; the group carries no figure, so no figure moves.
func TestScenarioMovesATargetGroup(t *testing.T) {
	for name, open := range writableStores(t) {
		t.Run(name, func(t *testing.T) {
			h, tok := writableOver(t, open(t))
			sid := newScenario(t, h, tok["anna"], "Ressourceforløb til CBE")
			moved := mustPost(t, h, tok["anna"], fmt.Sprintf(`mutation {
  out: deleteLink(relationship: SERVES, from: "centre:cba", to: "targetgroup:ressourceforloeb", expectedVersion: 1, scenario: %[1]q) { audit { operation target version } }
  into: createLink(input: {relationship: SERVES, from: "centre:cbe", to: "targetgroup:ressourceforloeb", basis: INFERRED,
    rationale: "Planned: CBE takes over ressourceforløb until it is abolished", validTo: "2026-02-01",
    sources: [{document: "planlaegning.docx", section: "Udkast"}]}, scenario: %[1]q) { audit { operation version } }
}`, sid))
			if !strings.Contains(string(moved["out"]), `"operation":"CHANGE_SCENARIO","target":"`+sid+`","version":2`) ||
				!strings.Contains(string(moved["into"]), `"version":3`) {
				t.Fatalf("the scenario's writes: %s %s", moved["out"], moved["into"])
			}

			const reads = `{
  cba: centre(code: "CBA") { id targetGroups { id } }
  cbe: centre(code: "CBE") { id targetGroups { id } }
  impact(of: "reformchange:afskaffelse-af-ressourceforloeb") { centres { centre { code } } }
}`
			type centre struct {
				ID           string
				TargetGroups []struct{ ID string }
			}
			type answer struct {
				CBA, CBE centre
				Impact   struct {
					Centres []struct{ Centre struct{ Code string } }
				}
			}
			serves := func(c centre, id string) bool {
				for _, tg := range c.TargetGroups {
					if tg.ID == id {
						return true
					}
				}
				return false
			}
			reached := func(a answer) []string {
				var out []string
				for _, c := range a.Impact.Centres {
					out = append(out, c.Centre.Code)
				}
				return out
			}

			var inside struct{ Graph answer }
			jsonOf(t, mustPost(t, h, tok["anna"], fmt.Sprintf(`{ scenario(id: %q) { graph %s } }`, sid, reads))["scenario"], &inside)
			g := inside.Graph
			if g.CBE.ID != in(sid, "centre:cbe") || !serves(g.CBE, in(sid, "targetgroup:ressourceforloeb")) || serves(g.CBA, in(sid, "targetgroup:ressourceforloeb")) {
				t.Errorf("inside the scenario: %+v", g)
			}
			if got := reached(g); !reflect.DeepEqual(got, []string{"CBE", "Ydelsesservice"}) {
				t.Errorf("inside, the reform item reaches %v, want CBE and Ydelsesservice", got)
			}

			var base answer
			data := mustPost(t, h, tok["anna"], reads)
			jsonOf(t, data["cba"], &base.CBA)
			jsonOf(t, data["cbe"], &base.CBE)
			jsonOf(t, data["impact"], &base.Impact)
			if base.CBA.ID != "centre:cba" || !serves(base.CBA, "targetgroup:ressourceforloeb") || serves(base.CBE, "targetgroup:ressourceforloeb") {
				t.Errorf("the baseline changed: %+v", base)
			}
			if got := reached(base); !reflect.DeepEqual(got, []string{"CBA", "Ydelsesservice"}) {
				t.Errorf("on the baseline, the reform item reaches %v, want CBA and Ydelsesservice", got)
			}

			d := diffOf(t, h, tok["anna"], sid)
			if len(d.NodesAdded)+len(d.NodesRemoved)+len(d.NodesChanged)+len(d.LinksChanged)+len(d.Unapplied)+len(d.Figures) != 0 {
				t.Errorf("the diff changes more than two links: %+v", d)
			}
			if len(d.LinksAdded) != 1 || d.LinksAdded[0].Statement != "CBE SERVES Ressourceforløb" || d.LinksAdded[0].Node.ID != in(sid, "targetgroup:ressourceforloeb") {
				t.Errorf("links added: %+v", d.LinksAdded)
			}
			if len(d.LinksRemoved) != 1 || d.LinksRemoved[0].Statement != "CBA SERVES Ressourceforløb" || d.LinksRemoved[0].Node.ID != "targetgroup:ressourceforloeb" {
				t.Errorf("links removed: %+v", d.LinksRemoved)
			}
			if len(d.Impact) != 1 || d.Impact[0].Item.ID != in(sid, "reformchange:afskaffelse-af-ressourceforloeb") ||
				!reflect.DeepEqual(codesOf(d.Impact[0].CentresGained), []string{"CBE"}) || !reflect.DeepEqual(codesOf(d.Impact[0].CentresLost), []string{"CBA"}) {
				t.Errorf("impact: %+v", d.Impact)
			}
			// node(id:) resolves the scenario's own id and every id seen inside it.
			data = mustPost(t, h, tok["anna"], fmt.Sprintf(`{
  sc: node(id: %q) { __typename id name ... on Scenario { version } }
  cbe: node(id: %q) { id ... on Centre { targetGroups { id } } }
  none: node(id: "scenario:s404/centre:cbe") { id }
}`, sid, in(sid, "centre:cbe")))
			if got := string(data["sc"]); got != fmt.Sprintf(`{"__typename":"Scenario","id":%q,"name":"Ressourceforløb til CBE","version":3}`, sid) {
				t.Errorf("node(id:) of the scenario: %s", got)
			}
			if got := string(data["cbe"]); !strings.HasPrefix(got, fmt.Sprintf(`{"id":%q`, in(sid, "centre:cbe"))) || !strings.Contains(got, in(sid, "targetgroup:ressourceforloeb")) {
				t.Errorf("node(id:) of CBE inside the scenario: %s", got)
			}
			if got := string(data["none"]); got != "null" {
				t.Errorf("node(id:) inside no scenario: %s", got)
			}
			// A write into the scenario takes the ids seen inside it.
			data = mustPost(t, h, tok["anna"], fmt.Sprintf(`mutation { updateNode(id: %q, expectedVersion: 1, input: {description: "Flyttes til CBE"}, scenario: %q) { node { id description version } } }`,
				in(sid, "targetgroup:ressourceforloeb"), sid))
			if got := string(data["updateNode"]); got != fmt.Sprintf(`{"node":{"id":%q,"description":"Flyttes til CBE","version":2}}`, in(sid, "targetgroup:ressourceforloeb")) {
				t.Errorf("an update inside the scenario answers %s", got)
			}

			if len(d.Dependencies) != 2 {
				t.Fatalf("dependencies: %+v", d.Dependencies)
			}
			for i, want := range []struct {
				centre, other string
				by            int
			}{{"CBE", "Ydelsesservice", +1}, {"CBA", "Ydelsesservice", -1}} {
				got := d.Dependencies[i]
				if got.Centre.Code != want.centre || got.Other.Code != want.other || got.After-got.Before != want.by {
					t.Errorf("dependency %d: %+v, want %s and %s by %d", i, got, want.centre, want.other, want.by)
				}
			}
		})
	}
}

// Afskaffelse af skærpet tilsyn is linked to nothing (seed/UNLINKED.md:
// the document names no centre it touches). A planner who infers that it
// touches CBE sees it reach CBE and nothing else change; its phase, 1.
// Februar 2026, reaches CBE already (Afskaffelse af jobrotation AFFECTS CBE).
// Made in the baseline meanwhile, the same link makes the promotion a
// conflict.
func TestScenarioAddsAnInferredReformLink(t *testing.T) {
	const link = `createLink(input: {relationship: AFFECTS, from: "reformchange:afskaffelse-af-skaerpet-tilsyn", to: "centre:cbe", basis: INFERRED,
    rationale: "Skærpet tilsyn is the state's supervision of jobcentres; CBE runs the jobcentre's work with the unemployed",
    sources: [{document: "planlaegning.docx", section: "Udkast"}]}%s) { audit { operation } }`
	for name, open := range writableStores(t) {
		t.Run(name, func(t *testing.T) {
			h, tok := writableOver(t, open(t))
			sid := newScenario(t, h, tok["anna"], "Skærpet tilsyn rammer CBE")
			mustPost(t, h, tok["anna"], "mutation { "+fmt.Sprintf(link, fmt.Sprintf(", scenario: %q", sid))+" }")

			const reach = `impact(of: "reformchange:afskaffelse-af-skaerpet-tilsyn") { centres { centre { code } basis } }`
			data := mustPost(t, h, tok["anna"], fmt.Sprintf(`{ %s scenario(id: %q) { graph { %s } } }`, reach, sid, reach))
			if got := string(data["impact"]); got != `{"centres":[]}` {
				t.Errorf("on the baseline it reaches %s", got)
			}
			if got := string(data["scenario"]); got != `{"graph":{"impact":{"centres":[{"centre":{"code":"CBE"},"basis":"INFERRED"}]}}}` {
				t.Errorf("inside the scenario it reaches %s", got)
			}
			d := diffOf(t, h, tok["anna"], sid)
			if len(d.LinksAdded) != 1 || d.LinksAdded[0].Statement != "Afskaffelse af skærpet tilsyn AFFECTS CBE" {
				t.Errorf("links added: %+v", d.LinksAdded)
			}
			if len(d.Impact) != 1 || d.Impact[0].Item.ID != in(sid, "reformchange:afskaffelse-af-skaerpet-tilsyn") ||
				!reflect.DeepEqual(codesOf(d.Impact[0].CentresGained), []string{"CBE"}) || len(d.Impact[0].CentresLost) != 0 {
				t.Errorf("impact: %+v", d.Impact)
			}
			if len(d.LinksRemoved)+len(d.NodesAdded)+len(d.NodesRemoved)+len(d.NodesChanged)+len(d.Dependencies)+len(d.Figures) != 0 {
				t.Errorf("the diff changes more than one link: %+v", d)
			}

			// The baseline moves underneath: the same link, made there.
			mustPost(t, h, tok["bo"], "mutation { "+fmt.Sprintf(link, "")+" }")
			r := post(t, h, tok["ida"], fmt.Sprintf(`mutation { promoteScenario(id: %q, expectedVersion: 2) { version } }`, sid))
			if code(r) != apierr.Conflict {
				t.Fatalf("promotion over a moved baseline: %+v", r)
			}
			data = mustPost(t, h, tok["anna"], fmt.Sprintf(`{ scenario(id: %q) { version promotedAt changes { applies reason } } audit(target: "reformchange:afskaffelse-af-skaerpet-tilsyn|AFFECTS|centre:cbe") { actor } }`, sid))
			if got := string(data["scenario"]); !strings.Contains(got, `"version":2,"promotedAt":null,"changes":[{"applies":false,"reason":"`) {
				t.Errorf("after the refused promotion the scenario is %s", got)
			}
			if got := string(data["audit"]); got != `[{"actor":"bo"}]` {
				t.Errorf("the refused promotion wrote to the baseline: %s", got)
			}
			if d := diffOf(t, h, tok["anna"], sid); len(d.Unapplied) != 1 || d.Unapplied[0].Number != 1 || len(d.LinksAdded) != 0 {
				t.Errorf("the diff does not say the change no longer applies: %+v", d)
			}
		})
	}
}

// SOF works with CBA (CBA's cross-cutting functions with SOF, SUF and
// Psykiatrien) and with Ungecenteret (KUI), so the two centres share a
// partner. Without SOF at CBA they share one thing less; no reform item
// reaches CBA only through SOF. Promoted by an admin, the change is the
// baseline's; a planner may not promote.
func TestScenarioRemovesAPartner(t *testing.T) {
	for name, open := range writableStores(t) {
		t.Run(name, func(t *testing.T) {
			h, tok := writableOver(t, open(t))
			sid := newScenario(t, h, tok["anna"], "SOF uden CBA")
			mustPost(t, h, tok["anna"], fmt.Sprintf(`mutation { deleteLink(relationship: WORKS_WITH, from: "organisation:sof", to: "centre:cba", expectedVersion: 1, scenario: %q) { audit { operation } } }`, sid))

			const partners = `centre(code: "CBA") { partners { code } }`
			data := mustPost(t, h, tok["anna"], fmt.Sprintf(`{ %s scenario(id: %q) { graph { %s } } }`, partners, sid, partners))
			if got := string(data["centre"]); got != `{"partners":[{"code":"SOF"},{"code":"SUF"},{"code":"Psykiatrien"}]}` {
				t.Errorf("CBA's partners on the baseline: %s", got)
			}
			if got := string(data["scenario"]); got != `{"graph":{"centre":{"partners":[{"code":"SUF"},{"code":"Psykiatrien"}]}}}` {
				t.Errorf("CBA's partners inside the scenario: %s", got)
			}
			d := diffOf(t, h, tok["anna"], sid)
			if len(d.LinksRemoved) != 1 || !strings.HasPrefix(d.LinksRemoved[0].Statement, "SOF WORKS_WITH CBA") {
				t.Errorf("links removed: %+v", d.LinksRemoved)
			}
			if len(d.Dependencies) != 1 || d.Dependencies[0].Centre.Code != "CBA" || d.Dependencies[0].Other.Code != "Ungecenteret" ||
				d.Dependencies[0].After != d.Dependencies[0].Before-1 {
				t.Errorf("dependencies: %+v", d.Dependencies)
			}
			if len(d.Impact)+len(d.LinksAdded)+len(d.NodesAdded)+len(d.NodesRemoved)+len(d.NodesChanged)+len(d.Figures) != 0 {
				t.Errorf("the diff changes more than one link: %+v", d)
			}

			if r := post(t, h, tok["anna"], fmt.Sprintf(`mutation { promoteScenario(id: %q, expectedVersion: 2) { version } }`, sid)); code(r) != apierr.Forbidden {
				t.Fatalf("a planner promoted: %+v", r)
			}
			data = mustPost(t, h, tok["ida"], fmt.Sprintf(`mutation { promoteScenario(id: %q, expectedVersion: 2) { version promotedBy } }`, sid))
			if got := string(data["promoteScenario"]); got != `{"version":3,"promotedBy":"ida"}` {
				t.Errorf("promoted: %s", got)
			}
			data = mustPost(t, h, tok["anna"], fmt.Sprintf(`{ %s audit(target: "organisation:sof|WORKS_WITH|centre:cba") { actor operation } }`, partners))
			if got := string(data["centre"]); got != `{"partners":[{"code":"SUF"},{"code":"Psykiatrien"}]}` {
				t.Errorf("CBA's partners after the promotion: %s", got)
			}
			if got := string(data["audit"]); !strings.HasPrefix(got, `[{"actor":"ida","operation":"DELETE_LINK"}`) {
				t.Errorf("the promotion's audit: %s", got)
			}
			if r := post(t, h, tok["anna"], fmt.Sprintf(`mutation { deleteLink(relationship: WORKS_WITH, from: "organisation:suf", to: "centre:cba", expectedVersion: 1, scenario: %q) { audit { operation } } }`, sid)); code(r) != apierr.Conflict {
				t.Errorf("a promoted scenario took a change: %+v", r)
			}
		})
	}
}

// Every golden read, asked inside a scenario with no changes, answers as on
// the baseline but for the ids, which are the scenario's.
func TestScenarioEmptyAnswersAsTheBaseline(t *testing.T) {
	queries, err := filepath.Glob("testdata/*.graphql")
	if err != nil || len(queries) == 0 {
		t.Fatalf("no golden queries: %v", err)
	}
	for name, open := range writableStores(t) {
		t.Run(name, func(t *testing.T) {
			h, tok := writableOver(t, open(t))
			sid := newScenario(t, h, tok["anna"], "Tom")
			for _, file := range queries {
				t.Run(strings.TrimSuffix(filepath.Base(file), ".graphql"), func(t *testing.T) {
					raw, err := os.ReadFile(file)
					if err != nil {
						t.Fatal(err)
					}
					query := string(raw)
					wrapped, ok := insideScenario(query, sid)
					if !ok {
						t.Fatalf("%s has no operation to wrap", file)
					}
					var base, inside struct {
						Data   map[string]json.RawMessage
						Errors []struct {
							Message    string
							Extensions map[string]any
						}
					}
					jsonOf(t, graphtest.PostRaw(t, h, t.Context(), query, nil), &base)
					jsonOf(t, graphtest.PostRaw(t, h, t.Context(), wrapped, nil), &inside)
					var sc struct{ Graph map[string]json.RawMessage }
					if inside.Data["scenario"] != nil {
						jsonOf(t, inside.Data["scenario"], &sc)
					}
					if len(base.Errors) != len(inside.Errors) {
						t.Fatalf("errors: baseline %+v, scenario %+v", base.Errors, inside.Errors)
					}
					for i := range base.Errors {
						if base.Errors[i].Message != inside.Errors[i].Message || base.Errors[i].Extensions["code"] != inside.Errors[i].Extensions["code"] {
							t.Errorf("error %d: baseline %+v, scenario %+v", i, base.Errors[i], inside.Errors[i])
						}
					}
					want, _ := json.Marshal(base.Data)
					got, _ := json.Marshal(sc.Graph)
					if prefixed := strings.ReplaceAll(string(got), `"`+sid+`/`, `"`); prefixed != string(want) {
						t.Errorf("inside the scenario, with its ids made plain:\n%s\nwant\n%s", prefixed, want)
					}
					if len(base.Data) > 0 && strings.Contains(string(want), `"id":"`) && !strings.Contains(string(got), `"`+sid+`/`) {
						t.Errorf("no id inside the scenario is the scenario's: %s", got)
					}
				})
			}
		})
	}
}

// insideScenario rewrites a document's one operation, its selection, to be
// asked inside scenario sid's graph; fragments stay as they are.
func insideScenario(doc, sid string) (string, bool) {
	var lines []string
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		}
	}
	doc = strings.Join(lines, "\n")
	depth, start := 0, -1
	for i, r := range doc {
		switch r {
		case '{':
			if depth == 0 && !strings.Contains(doc[lastTopEnd(doc, i):i], "fragment") {
				start = i
			}
			depth++
		case '}':
			depth--
			if depth == 0 && start >= 0 {
				return doc[:start] + fmt.Sprintf(`{ scenario(id: %q) { graph `, sid) + doc[start:i+1] + " } }" + doc[i+1:], true
			}
		}
	}
	return "", false
}

// lastTopEnd is where the text after the last top-level block before i begins.
func lastTopEnd(doc string, i int) int {
	depth, end := 0, 0
	for j, r := range doc[:i] {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				end = j + 1
			}
		}
	}
	return end
}

// A scenario's graph and diff are worked out for each scenario a document
// asks for, so a list of scenarios with either is priced out; one scenario
// with both is not.
func TestScenarioGraphsArePricedPerScenario(t *testing.T) {
	h, tok := writable(t, t.TempDir())
	sid := newScenario(t, h, tok["anna"], "Tom")
	if r := post(t, h, tok["anna"], `{ scenarios { diff { nodesAdded { id } } graph { centres { name } } } }`); code(r) != apierr.ComplexityLimit {
		t.Errorf("every scenario's graph and diff: %+v", r)
	}
	if r := post(t, h, tok["anna"], `{ scenarios { id name version } }`); len(r.Errors) > 0 || !strings.Contains(string(r.Data["scenarios"]), sid) {
		t.Errorf("the list of scenarios: %+v %s", r.Errors, r.Data["scenarios"])
	}
	mustPost(t, h, tok["anna"], fmt.Sprintf(`{ scenario(id: %q) { diff { nodesAdded { id } } graph { centres { name } } } }`, sid))
}
