package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// acceptDefer is what Apollo Client's HttpLink sends for an operation
// with @defer.
const acceptDefer = "multipart/mixed;deferSpec=20220824,application/json"

// deferPart is one part of an incremental answer (deferSpec=20220824).
type deferPart struct {
	Data        json.RawMessage `json:"data"`
	HasNext     *bool           `json:"hasNext"`
	Errors      []gqlError      `json:"errors"`
	Incremental []struct {
		Data   json.RawMessage `json:"data"`
		Path   []any           `json:"path"`
		Label  string          `json:"label"`
		Errors []gqlError      `json:"errors"`
	} `json:"incremental"`
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// postDeferred posts query accepting multipart/mixed and reads every part.
func postDeferred(t *testing.T, h http.Handler, query string) (int, []deferPart) {
	t.Helper()
	rec := serve(h, http.MethodPost, query, nil, acceptDefer)
	mt, params, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("status %d, Content-Type %q, want multipart/mixed: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var parts []deferPart
	r := multipart.NewReader(rec.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("part %d: %v", len(parts), err)
		}
		b, _ := io.ReadAll(p)
		var part deferPart
		if err := json.Unmarshal(b, &part); err != nil {
			t.Fatalf("part %d is not JSON: %v\n%s", len(parts), err, b)
		}
		parts = append(parts, part)
	}
	return rec.Code, parts
}

// TestDeferDeliversItsParts: over multipart/mixed the first part answers
// without the deferred fragment, a later one with it, and the last says
// nothing follows.
func TestDeferDeliversItsParts(t *testing.T) {
	for _, opts := range []graph.Options{{}, {GQLGenOnly: true}} {
		h := graph.NewHandler(slog.New(slog.DiscardHandler), seededStore(t), opts)
		_, plain := mustDataJSON(t, h, `{ centre(code: "CBA") { targetGroups { id } } }`)
		status, parts := postDeferred(t, h, `query Deferred { centre(code: "CBA") { code ... @defer(label: "lists") { targetGroups { id } } } }`)
		if status != http.StatusOK || len(parts) < 2 {
			t.Fatalf("status %d, %d parts, want 200 and at least 2: %+v", status, len(parts), parts)
		}
		first, last := parts[0], parts[len(parts)-1]
		// Without gqlgen's null in the deferred list's place (deferredPlaceholders).
		if string(first.Data) != `{"centre":{"code":"CBA"}}` || first.HasNext == nil || !*first.HasNext {
			t.Errorf("first part: data %s, hasNext %v; want the centre's code without its target groups, hasNext true", first.Data, first.HasNext)
		}
		if last.HasNext == nil || *last.HasNext {
			t.Errorf("last part's hasNext is %v, want false", last.HasNext)
		}
		var got []string
		for _, p := range parts[1:] {
			for _, inc := range p.Incremental {
				if inc.Label != "lists" || !slices.Equal(inc.Path, []any{"centre"}) || len(inc.Errors) > 0 {
					t.Errorf("incremental part: label %q, path %v, errors %v", inc.Label, inc.Path, inc.Errors)
				}
				got = append(got, string(inc.Data))
			}
		}
		want := `{"targetGroups":` + plain["centre"]["targetGroups"] + `}`
		if !slices.Equal(got, []string{want}) {
			t.Errorf("deferred parts %v, want [%s]", got, want)
		}
	}
}

// mustDataJSON runs a plain query and returns each root field's fields as JSON.
func mustDataJSON(t *testing.T, h http.Handler, query string) (json.RawMessage, map[string]map[string]string) {
	t.Helper()
	data := mustData(t, h, query, nil)
	var roots map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data, &roots); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for k, fields := range roots {
		out[k] = map[string]string{}
		for f, v := range fields {
			var b bytes.Buffer
			_ = json.Compact(&b, v)
			out[k][f] = b.String()
		}
	}
	return data, out
}

// TestDeferOverJSONOnly: a client that accepts only JSON cannot be sent the
// parts; it is told so, with a code, rather than answered null. @defer(if:
// false) defers nothing and runs.
func TestDeferOverJSONOnly(t *testing.T) {
	h := newHandler(t, seededStore(t))
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		_, body, resp := do(t, h, method, `{ centre(code: "CBA") { code ... @defer { targetGroups { id } } } }`, nil)
		if !slices.Equal(codes(resp), []string{apierr.BadRequest}) || !strings.Contains(body, "multipart/mixed") {
			t.Errorf("%s: codes %v, want [BAD_REQUEST] naming multipart/mixed: %s", method, codes(resp), body)
		}
	}
	data := mustData(t, h, `query($d: Boolean!) { centre(code: "CBA") { ... @defer(if: $d) { targetGroups { id } } } }`, map[string]any{"d": false})
	if !strings.Contains(string(data), "targetgroup:") {
		t.Errorf("@defer(if: false) over JSON: %s", data)
	}
}

// TestDeferKeepsTheLimits: the price is worked out before a deferred
// operation runs, and the answer ceiling holds its parts too, ending the
// answer with its error.
func TestDeferKeepsTheLimits(t *testing.T) {
	const q = `query { centres { code ... @defer { targetGroups { id name servedBy { code } } interventions { id name } } } }`
	t.Run("price", func(t *testing.T) {
		h := graph.NewHandler(slog.New(slog.DiscardHandler), seededStore(t), graph.Options{Limits: querylimit.Limits{MaxComplexity: 50}})
		_, body, resp := doAccepting(t, h, http.MethodPost, q, nil, acceptDefer)
		checkCode(t, body, resp, apierr.ComplexityLimit)
	})
	t.Run("ceiling", func(t *testing.T) {
		h := graph.NewHandler(slog.New(slog.DiscardHandler), seededStore(t), graph.Options{MaxAnswerValues: 30})
		_, parts := postDeferred(t, h, q)
		var got []string
		for _, p := range parts {
			for _, e := range p.Errors {
				got = append(got, e.Extensions["code"].(string))
			}
			for _, inc := range p.Incremental {
				for _, e := range inc.Errors {
					got = append(got, e.Extensions["code"].(string))
				}
			}
		}
		last := parts[len(parts)-1]
		if !slices.Contains(got, apierr.AnswerLimit) || last.HasNext != nil && *last.HasNext {
			t.Errorf("codes %v, last hasNext %v; want ANSWER_LIMIT_EXCEEDED and an answer that ends: %+v", got, last.HasNext, parts)
		}
	})
}

// TestDeferFirstPartLeavesOutWhatFollows: the first part leaves out what
// a later part delivers, in lists and fragments too, and keeps what is
// selected outside the deferred fragment, a true null included.
func TestDeferFirstPartLeavesOutWhatFollows(t *testing.T) {
	h := newHandler(t, seededStore(t))
	tests := []struct{ name, query, first string }{
		{
			"in a list, beside a null that is no placeholder",
			`{ centres { code fullName ... @defer { targetGroups { id } } } }`,
			``,
		},
		{
			"selected outside the fragment too",
			`{ centre(code: "CSI") { code units { name } ... @defer { code units { name } targetGroups { id } } } }`,
			`{"centre":{"code":"CSI","units":[]}}`,
		},
		{
			"through a named fragment",
			`query { centre(code: "CSI") { code ...Lists @defer } } fragment Lists on Centre { targetGroups { id } }`,
			`{"centre":{"code":"CSI"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, parts := postDeferred(t, h, tt.query)
			if len(parts) < 2 {
				t.Fatalf("%d parts: %+v", len(parts), parts)
			}
			got := string(parts[0].Data)
			if tt.first == "" {
				// Every centre keeps code and fullName (null where it has
				// none), and none holds its target groups yet.
				var data struct{ Centres []map[string]any }
				if err := json.Unmarshal(parts[0].Data, &data); err != nil || len(data.Centres) != 7 {
					t.Fatalf("first part %s: %v", got, err)
				}
				nulls := 0
				for _, c := range data.Centres {
					if _, ok := c["targetGroups"]; ok || len(c) != 2 {
						t.Errorf("first part's centre %v: want code and fullName alone", c)
					}
					if c["fullName"] == nil {
						nulls++
					}
				}
				if nulls == 0 {
					t.Error("no centre's fullName is null: the case keeps no true null")
				}
				return
			}
			if got != tt.first {
				t.Errorf("first part %s, want %s", got, tt.first)
			}
		})
	}
}
