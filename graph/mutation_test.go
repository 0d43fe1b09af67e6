package graph_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
)

// writable serves the real seed from a memstore with a data folder, behind
// bearer tokens for a reader and two planners.
func writable(t *testing.T, dataDir string) (http.Handler, map[string]string) {
	t.Helper()
	if dataDir == "" {
		return writableOver(t, seedtest.Store(t))
	}
	return writableOver(t, seedtest.Writable(t, dataDir))
}

// writableOver serves st behind the tokens writable hands out: a
// reader's, two planners' and an admin's (ida).
func writableOver(t testing.TB, st store.Store) (http.Handler, map[string]string) {
	t.Helper()
	tokens := map[string]string{}
	var lines []string
	for _, who := range []struct{ role, subject string }{{"reader", "widget"}, {"planner", "anna"}, {"planner", "bo"}, {"admin", "ida"}} {
		tok, line, err := auth.NewToken(who.role, who.subject, auth.DefaultTTL, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		tokens[who.subject] = tok
		lines = append(lines, line)
	}
	ts, err := auth.ParseTokens(strings.Join(lines, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := graph.NewHandler(slog.New(slog.DiscardHandler), st, graph.Options{})
	return auth.Middleware(ts, false)(h), tokens
}

type writeResponse struct {
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

// post posts query with token (none when token is "").
func post(t *testing.T, h http.Handler, token, query string) writeResponse {
	t.Helper()
	return postKeyed(t, h, token, "", query)
}

func code(r writeResponse) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

const createUnge = `mutation { createNode(input: {
  id: "targetgroup:nye-unge", name: "Nye unge",
  sources: [{document: "planlaegning.docx", section: "Udkast"}]
}) { audit { seq actor operation version after } node { id name version } } }`

func TestMutations(t *testing.T) {
	h, tok := writable(t, t.TempDir())

	t.Run("a write without a token is refused and changes nothing", func(t *testing.T) {
		if c := code(post(t, h, "", createUnge)); c != apierr.Unauthenticated {
			t.Fatalf("code %q", c)
		}
		if c := code(post(t, h, tok["widget"], createUnge)); c != apierr.Forbidden {
			t.Fatalf("reader: code %q", c)
		}
		r := post(t, h, "", `{ node(id: "targetgroup:nye-unge") { id } }`)
		if string(r.Data["node"]) != "null" {
			t.Fatalf("a refused write took effect: %s", r.Data["node"])
		}
		if c := code(post(t, h, tok["widget"], `{ audit { seq } }`)); c != apierr.Forbidden {
			t.Fatalf("a reader read the audit trail: %q", c)
		}
	})

	t.Run("a planner creates, links and reads back at once", func(t *testing.T) {
		r := post(t, h, tok["anna"], createUnge)
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data["createNode"]), `"actor":"anna"`) {
			t.Fatalf("create: %+v %s", r.Errors, r.Data["createNode"])
		}
		// Read the node first, in the same request, then link it: the answer
		// must show the link, not what the loaders held before the write.
		r = post(t, h, tok["anna"], `mutation {
  before: updateNode(id: "targetgroup:nye-unge", expectedVersion: 1, input: {description: "Unge under 30"}) { node { version ... on TargetGroup { servedBy { code } } } }
  link: createLink(input: {relationship: SERVES, from: "centre:ungecenteret", to: "targetgroup:nye-unge", basis: INFERRED,
    rationale: "Ungecenteret serves young recipients", sources: [{document: "planlaegning.docx", section: "Udkast"}]}) { audit { target } }
  after: updateNode(id: "targetgroup:nye-unge", expectedVersion: 2, input: {name: "Nye unge 18-29"}) { node { name version ... on TargetGroup { servedBy { code } } } }
}`)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		if !strings.Contains(string(r.Data["before"]), `"servedBy":[]`) || !strings.Contains(string(r.Data["after"]), `"servedBy":[{"code":"Ungecenteret"}]`) {
			t.Fatalf("stale read after a write:\nbefore %s\nafter %s", r.Data["before"], r.Data["after"])
		}
		r = post(t, h, "", `{ impact(of: "targetgroup:nye-unge") { centres { centre { code } basis } } }`)
		if !strings.Contains(string(r.Data["impact"]), `"code":"Ungecenteret"`) {
			t.Fatalf("impact does not see the write: %s", r.Data["impact"])
		}
	})

	t.Run("invalid writes are refused with their codes", func(t *testing.T) {
		for q, want := range map[string]string{
			`mutation { createLink(input: {relationship: SERVES, from: "centre:cba", to: "targetgroup:nowhere", basis: EXPLICIT, sources: [{document: "d", section: "s"}]}) { audit { seq } } }`:    apierr.BadUserInput,
			`mutation { createLink(input: {relationship: SERVES, from: "centre:cba", to: "targetgroup:nye-unge", basis: INFERRED, sources: [{document: "d", section: "s"}]}) { audit { seq } } }`:   apierr.BadUserInput,
			`mutation { createLink(input: {relationship: PAYS, from: "centre:cba", to: "targetgroup:nye-unge", basis: EXPLICIT, sources: [{document: "d", section: "s"}]}) { audit { seq } } }`:     apierr.BadUserInput,
			`mutation { createLink(input: {relationship: SERVICES, from: "centre:cba", to: "targetgroup:nye-unge", basis: EXPLICIT, sources: [{document: "d", section: "s"}]}) { audit { seq } } }`: "GRAPHQL_VALIDATION_FAILED",
			`mutation { createNode(input: {id: "planet:earth", name: "x", sources: [{document: "d", section: "s"}]}) { audit { seq } } }`:                                                           apierr.BadUserInput,
			`mutation { createNode(input: {id: "targetgroup:uden-kilde", name: "x", sources: []}) { audit { seq } } }`:                                                                              apierr.BadUserInput,
			`mutation { deleteNode(id: "targetgroup:nye-unge", expectedVersion: 3) { audit { seq } } }`:                                                                                             apierr.BadUserInput,
			`mutation { updateNode(id: "targetgroup:nowhere", expectedVersion: 1, input: {name: "x"}) { audit { seq } } }`:                                                                          apierr.NotFound,
		} {
			if c := code(post(t, h, tok["anna"], q)); c != want {
				t.Errorf("%.90s…: code %q, want %q", q, c, want)
			}
		}
	})

	t.Run("two planners edit one node at once: one wins, one conflicts, the audit holds what happened", func(t *testing.T) {
		var wg sync.WaitGroup
		results := map[string]writeResponse{}
		var mu sync.Mutex
		for _, who := range []string{"anna", "bo"} {
			wg.Go(func() {
				r := post(t, h, tok[who], fmt.Sprintf(`mutation { updateNode(id: "targetgroup:nye-unge", expectedVersion: 3, input: {description: "by %s"}) { audit { version } } }`, who))
				mu.Lock()
				results[who] = r
				mu.Unlock()
			})
		}
		wg.Wait()
		winner, conflicts := "", 0
		for who, r := range results {
			switch code(r) {
			case "":
				winner = who
			case apierr.Conflict:
				conflicts++
			default:
				t.Fatalf("%s: %+v", who, r.Errors)
			}
		}
		if winner == "" || conflicts != 1 {
			t.Fatalf("want one winner and one conflict: %+v", results)
		}
		r := post(t, h, tok["anna"], `{ audit(target: "targetgroup:nye-unge") { actor operation version } node(id: "targetgroup:nye-unge") { description version } }`)
		var trail []struct {
			Actor, Operation string
			Version          int
		}
		json.Unmarshal(r.Data["audit"], &trail)
		if len(trail) != 4 || trail[0].Actor != winner || trail[0].Version != 4 || trail[3].Operation != "CREATE_NODE" {
			t.Fatalf("audit: %+v", trail)
		}
		if !strings.Contains(string(r.Data["node"]), `"by `+winner+`"`) {
			t.Fatalf("stored: %s", r.Data["node"])
		}
	})

	t.Run("writes survive a restart", func(t *testing.T) {
		dir := t.TempDir()
		t.Run("the first server writes and stops", func(t *testing.T) { // its cleanup closes the store, freeing dir
			h1, tok1 := writable(t, dir)
			if r := post(t, h1, tok1["anna"], createUnge); len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
		})
		h2, _ := writable(t, dir)
		if r := post(t, h2, "", `{ node(id: "targetgroup:nye-unge") { name version } }`); !strings.Contains(string(r.Data["node"]), `"Nye unge"`) {
			t.Fatalf("after restart: %s", r.Data["node"])
		}
	})

	t.Run("with no data folder, writes are refused plainly", func(t *testing.T) {
		h0, tok0 := writable(t, "")
		r := post(t, h0, tok0["anna"], createUnge)
		if code(r) != apierr.WritesDisabled || !strings.Contains(r.Errors[0].Message, "data folder") {
			t.Fatalf("%+v", r.Errors)
		}
	})
}
