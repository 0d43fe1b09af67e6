package graph_test

import (
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
