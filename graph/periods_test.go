package graph_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// A period that ends before it begins, on a node, a task or a link, is the
// client's mistake: BAD_USER_INPUT, and nothing is written.
func TestBackwardPeriodsAreBadUserInput(t *testing.T) {
	h, tok := writable(t, t.TempDir())
	const src = `sources: [{document: "planlaegning.docx", section: "Udkast"}]`
	tests := []struct{ name, mutation string }{
		{"a new node", `mutation { createNode(input: {id: "targetgroup:baglaens", name: "x", ` + src + `,
			validFrom: "2026-07-01", validTo: "2026-01-01"}) { audit { seq } } }`},
		{"a new node's task", `mutation { createNode(input: {id: "targetgroup:baglaens-opgave", name: "x", ` + src + `,
			tasks: [{text: "t", validFrom: "2026-07-01", validTo: "2026-01-01"}]}) { audit { seq } } }`},
		{"a change to a node", `mutation { updateNode(id: "centre:cba", expectedVersion: 1, input: {
			validFrom: "2026-07-01", validTo: "2026-01-01"}) { audit { seq } } }`},
		{"a new link", `mutation { createLink(input: {relationship: SERVES, from: "centre:cba", to: "targetgroup:sygedagpenge",
			basis: EXPLICIT, ` + src + `, validFrom: "2026-07-01", validTo: "2026-01-01"}) { audit { seq } } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, h, tok["anna"], tt.mutation)
			if c := code(r); c != apierr.BadUserInput {
				t.Fatalf("code %q, want %s: %+v", c, apierr.BadUserInput, r.Errors)
			}
		})
	}
	if r := post(t, h, tok["anna"], `{ audit(actor: "anna") { seq } }`); string(r.Data["audit"]) != "[]" {
		t.Errorf("a refused write was audited: %s", r.Data["audit"])
	}
}

// Every question asked between two days refuses a to before its from with
// BAD_USER_INPUT, by the one check they share (domain.CheckPeriod); the
// same days the right way round are answered.
func TestBackwardQuestionsAreBadUserInput(t *testing.T) {
	h := newHandler(t, seededStore(t))
	tests := []struct{ name, backward, forward string }{
		{"Centre.changes", `{ centre(code: "CBA") { changes(from: "2026-07-01", to: "2026-01-01") { date } } }`,
			`{ centre(code: "CBA") { changes(from: "2026-01-01", to: "2026-07-01") { date } } }`},
		{"reformChanges", `{ reformChanges(from: "2026-07-01", to: "2026-01-01") { id } }`,
			`{ reformChanges(from: "2026-01-01", to: "2026-07-01") { id } }`},
		{"reformChangesConnection's filter", `{ reformChangesConnection(filter: {from: "2026-07-01", to: "2026-01-01"}) { edges { node { id } } } }`,
			`{ reformChangesConnection(filter: {from: "2026-01-01", to: "2026-07-01"}) { edges { node { id } } } }`},
		{"timeline", `{ timeline(from: "2026-07-01", to: "2026-01-01") { date } }`,
			`{ timeline(from: "2026-01-01", to: "2026-07-01") { date } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body, resp := do(t, h, http.MethodPost, tt.backward, nil)
			if got := codes(resp); len(got) != 1 || got[0] != apierr.BadUserInput {
				t.Errorf("codes %v, want [%s]:\n%s", got, apierr.BadUserInput, body)
			} else if !strings.Contains(resp.Errors[0].Message, "to (2026-01-01) is before from (2026-07-01)") {
				t.Errorf("message %q does not say what is wrong", resp.Errors[0].Message)
			}
			if _, body, resp := do(t, h, http.MethodPost, tt.forward, nil); len(resp.Errors) > 0 {
				t.Errorf("the right way round: %s", body)
			}
		})
	}
}
