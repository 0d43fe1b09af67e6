package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

// fakeStore fails, or panics, where a test says; every other call answers
// from a tiny fixed graph of one centre and one target group.
type fakeStore struct {
	fail  func(op string) error // the error op returns, or nil
	panic string                // the op that panics
}

var (
	fakeCentre = &domain.Node{ID: "centre:cbe", Kind: domain.KindCentre, Name: "CBE", Code: "CBE"}
	fakeGroup  = &domain.Node{ID: "targetgroup:a-dagpenge", Kind: domain.KindTargetGroup, Name: "A-dagpenge"}
	fakeServes = &domain.Relationship{Kind: domain.RelServes, From: fakeCentre.ID, To: fakeGroup.ID, Basis: domain.Explicit}
)

func (s fakeStore) check(op string) error {
	if s.panic == op {
		panic("boom in " + op + ": secret detail")
	}
	if s.fail != nil {
		return s.fail(op)
	}
	return nil
}

func (s fakeStore) NodesByID(_ context.Context, ids []domain.ID) (map[domain.ID]*domain.Node, error) {
	if err := s.check("NodesByID"); err != nil {
		return nil, err
	}
	out := map[domain.ID]*domain.Node{}
	for _, id := range ids {
		for _, n := range []*domain.Node{fakeCentre, fakeGroup} {
			if n.ID == id {
				out[id] = n
			}
		}
	}
	return out, nil
}

func (s fakeStore) NodesByKind(_ context.Context, kind domain.Kind) ([]*domain.Node, error) {
	if err := s.check("NodesByKind"); err != nil {
		return nil, err
	}
	if kind == domain.KindCentre {
		return []*domain.Node{fakeCentre}, nil
	}
	return nil, nil
}

func (s fakeStore) NodeByCode(context.Context, domain.Kind, string) (*domain.Node, error) {
	if err := s.check("NodeByCode"); err != nil {
		return nil, err
	}
	return nil, domain.ErrNotFound
}

func (s fakeStore) Links(_ context.Context, ids []domain.ID, q store.LinkQuery) (map[domain.ID][]domain.Link, error) {
	if err := s.check("Links"); err != nil {
		return nil, err
	}
	if q.Kind == domain.RelServes && q.Dir == domain.Outgoing {
		return map[domain.ID][]domain.Link{fakeCentre.ID: {{Rel: fakeServes, Other: fakeGroup.ID, Dir: domain.Outgoing}}}, nil
	}
	return nil, nil
}

func (s fakeStore) ImpactPaths(context.Context, []domain.ID, int) (map[domain.ID][]domain.Path, error) {
	return nil, s.check("ImpactPaths")
}

func (s fakeStore) PathsBetween(context.Context, domain.ID, domain.ID, int) ([]domain.Path, error) {
	return nil, s.check("PathsBetween")
}

func (s fakeStore) Dependencies(context.Context, []domain.ID) ([]domain.Shared, map[domain.ID]*domain.Node, error) {
	return nil, nil, s.check("Dependencies")
}

func (s fakeStore) Snapshot(context.Context) (*domain.Graph, error) {
	return nil, s.check("Snapshot")
}

func (s fakeStore) Apply(context.Context, domain.Write) (*domain.AuditEntry, error) {
	return nil, s.check("Apply")
}

func (s fakeStore) Audit(context.Context, store.AuditQuery) ([]domain.AuditEntry, error) {
	return nil, s.check("Audit")
}
func (s fakeStore) Version(context.Context) (store.Version, error) {
	return store.Version{}, s.check("Version")
}
func (s fakeStore) Changes(context.Context, int64, int) ([]domain.AuditEntry, error) {
	return nil, s.check("Changes")
}

func (s fakeStore) Scenarios(context.Context) ([]*domain.Scenario, error) {
	return nil, s.check("Scenarios")
}

func (s fakeStore) Scenario(context.Context, string) (*domain.Scenario, error) {
	return nil, s.check("Scenario")
}

func (s fakeStore) ApplyScenario(context.Context, domain.ScenarioWrite) (*domain.Scenario, *domain.AuditEntry, error) {
	return nil, nil, s.check("ApplyScenario")
}

func (s fakeStore) Search(context.Context, []string, int) ([]search.Hit, error) {
	return nil, s.check("Search")
}

// Expand reads level by level through the fake's own NodesByKind,
// NodeByCode, NodesByID and Links, so that their failures reach every
// reader of expansions.
func (s fakeStore) Expand(ctx context.Context, xs []store.Expansion) ([]store.Expanded, error) {
	out := make([]store.Expanded, len(xs))
	for i, x := range xs {
		var roots []*domain.Node
		switch r := x.Roots; r.By {
		case store.ByCode:
			n, err := s.NodeByCode(ctx, r.Kind, r.Code)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return nil, err
			}
			if n != nil {
				roots = []*domain.Node{n}
			}
		case store.ByKind:
			ns, err := s.NodesByKind(ctx, r.Kind)
			if err != nil {
				return nil, err
			}
			roots = ns
		default:
			found, err := s.NodesByID(ctx, r.IDs)
			if err != nil {
				return nil, err
			}
			for _, id := range r.IDs {
				if n := found[id]; n != nil {
					roots = append(roots, n)
				}
			}
		}
		got := store.Expanded{Roots: roots, Links: map[store.LinkQuery]map[domain.ID][]domain.Link{}}
		var walk func(ids []domain.ID, steps []store.Step) error
		walk = func(ids []domain.ID, steps []store.Step) error {
			for _, st := range steps {
				found, err := s.Links(ctx, ids, st.Q)
				if err != nil {
					return err
				}
				got.Links[st.Q] = found
				var next []domain.ID
				for _, links := range found {
					for _, l := range links {
						next = append(next, l.Other)
					}
				}
				if err := walk(next, st.Below); err != nil {
					return err
				}
			}
			return nil
		}
		ids := make([]domain.ID, len(roots))
		for j, n := range roots {
			ids[j] = n.ID
		}
		if err := walk(ids, x.Steps); err != nil {
			return nil, err
		}
		out[i] = got
	}
	return out, nil
}

func (s fakeStore) Ping(context.Context) error  { return s.check("Ping") }
func (s fakeStore) Close(context.Context) error { return nil }

// driverText stands for what a database driver puts in its errors: nothing
// of it may reach a client.
const driverText = "neo4j: connection refused bolt://10.0.0.7:7687"

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// do sends query to h with method and returns the status, raw body and
// decoded response.
func do(t *testing.T, h http.Handler, method, query string, variables map[string]any) (int, string, gqlResponse) {
	t.Helper()
	return doAccepting(t, h, method, query, variables, "")
}

// doAccepting is do with an Accept header ("" for none).
func doAccepting(t *testing.T, h http.Handler, method, query string, variables map[string]any, accept string) (int, string, gqlResponse) {
	t.Helper()
	rec := serve(h, method, query, variables, accept)
	var resp gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d, body is not JSON: %v\n%s", rec.Code, err, rec.Body)
	}
	return rec.Code, rec.Body.String(), resp
}

// serve sends query to h as a client does over method (GET: in the URL;
// otherwise a JSON body), asking for accept where given.
func serve(h http.Handler, method, query string, variables map[string]any, accept string) *httptest.ResponseRecorder {
	var req *http.Request
	if method == http.MethodGet {
		req = httptest.NewRequest(method, "/graphql?query="+url.QueryEscape(query), nil)
	} else {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
		req = httptest.NewRequest(method, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func codes(r gqlResponse) []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// checkCode fails t unless the answer carries exactly one error, of code
// want, or none where want is "".
func checkCode(t *testing.T, body string, resp gqlResponse, want string) {
	t.Helper()
	got := codes(resp)
	if want == "" && len(got) > 0 || want != "" && !slices.Equal(got, []string{want}) {
		t.Errorf("codes %v, want [%s]:\n%s", got, want, body)
	}
}

func TestStoreFailuresArePresentedWithoutDetail(t *testing.T) {
	tests := []struct {
		name     string
		store    fakeStore
		query    string
		wantCode string
		wantMsg  string
	}{
		{
			name:     "driver error at the root",
			store:    fakeStore{fail: func(string) error { return errors.New(driverText) }},
			query:    `{ centres { name } }`,
			wantCode: apierr.Internal,
			wantMsg:  "internal error",
		},
		{
			name: "driver error in a batched nested field",
			store: fakeStore{fail: func(op string) error {
				if op == "Links" {
					return fmt.Errorf("neo4jstore: links: %s", driverText)
				}
				return nil
			}},
			query:    `{ centres { name targetGroups { name } } }`,
			wantCode: apierr.Internal,
			wantMsg:  "internal error",
		},
		{
			name: "unavailable store",
			store: fakeStore{fail: func(string) error {
				return fmt.Errorf("neo4jstore: %w: %s", domain.ErrUnavailable, driverText)
			}},
			query:    `{ centres { name } }`,
			wantCode: apierr.Unavailable,
			wantMsg:  "the store is unavailable; try again later",
		},
		{
			name:     "panic in a root resolver's store call",
			store:    fakeStore{panic: "NodesByKind"},
			query:    `{ centres { name } }`,
			wantCode: apierr.Internal,
			wantMsg:  "internal error",
		},
		{
			name:     "panic while working out an impact",
			store:    fakeStore{panic: "ImpactPaths"},
			query:    `{ impact(of: "centre:cbe") { fullTimePersons } }`,
			wantCode: apierr.Internal,
			wantMsg:  "internal error",
		},
		{
			name:     "panic inside a loader's batch",
			store:    fakeStore{panic: "Links"},
			query:    `{ centres { name targetGroups { name } } }`,
			wantCode: apierr.Internal,
			wantMsg:  "internal error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			// At debug: an unavailable store's errors are logged there, its
			// cause by the store's decorator at WARN.
			h := graph.NewHandler(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), tt.store, graph.Options{})
			_, body, resp := do(t, h, http.MethodPost, tt.query, nil)
			if len(resp.Errors) != 1 {
				t.Fatalf("want one error, got %s", body)
			}
			if got := codes(resp)[0]; got != tt.wantCode {
				t.Errorf("code = %q, want %q", got, tt.wantCode)
			}
			if got := resp.Errors[0].Message; got != tt.wantMsg {
				t.Errorf("message = %q, want %q", got, tt.wantMsg)
			}
			for _, secret := range []string{"bolt://", "neo4j", "secret detail", "goroutine", ".go:"} {
				if strings.Contains(body, secret) {
					t.Errorf("response leaks %q:\n%s", secret, body)
				}
			}
			if !strings.Contains(logs.String(), "path") {
				t.Errorf("the failure was not logged with its path:\n%s", logs.String())
			}
		})
	}
}

// aliases asks for the same field n times under different names: cheap to
// write, costly to run.
func aliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

func TestRefusedRequestsAreCoded(t *testing.T) {
	h := graph.NewHandler(slog.New(slog.DiscardHandler), fakeStore{}, graph.Options{Limits: querylimit.Limits{
		MaxDepth: 4, MaxComplexity: 50, ListBound: 2, MaxAliases: 3, MaxFields: 10, MaxDirectives: 2, MaxTokens: 300}})
	tests := []struct {
		name     string
		method   string
		query    string
		wantJSON int // to a client that accepts application/json
		wantGQL  int // to one that accepts application/graphql-response+json
		wantCode string
	}{
		{"parse error over POST", http.MethodPost, `{ centres { name `, http.StatusOK, http.StatusBadRequest, "GRAPHQL_PARSE_FAILED"},
		{"parse error over GET", http.MethodGet, `{ centres { name `, http.StatusOK, http.StatusBadRequest, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", http.MethodPost, `{ centres { salary } }`, http.StatusOK, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown argument", http.MethodPost, `{ centres(first: 2) { name } }`, http.StatusOK, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED"},
		{"mutation over GET", http.MethodGet, `mutation { renameCentre(code: "CBE") { name } }`, http.StatusOK, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED"},
		{
			"too deep", http.MethodPost,
			`{ centres { targetGroups { servedBy { targetGroups { servedBy { name } } } } } }`,
			http.StatusOK, http.StatusBadRequest, apierr.DepthLimit,
		},
		{
			"too deep through fragments", http.MethodPost,
			`fragment F on TargetGroup { servedBy { targetGroups { servedBy { name } } } } { centres { targetGroups { ...F } } }`,
			http.StatusOK, http.StatusBadRequest, apierr.DepthLimit,
		},
		{"too costly", http.MethodPost, `{ impact(of: "centre:cba") { fullTimePersons } }`, http.StatusOK, http.StatusBadRequest, apierr.ComplexityLimit},
		{"too costly over GET", http.MethodGet, `{ search(text: "x", first: 5) { score node { id } } }`, http.StatusOK, http.StatusBadRequest, apierr.ComplexityLimit},
		{"too many aliases", http.MethodPost, aliases(4, "centres { code }"), http.StatusOK, http.StatusBadRequest, apierr.AliasLimit},
		{"too many fields in a selection", http.MethodPost, "{ centres { " + strings.Repeat("code ", 11) + "} }", http.StatusOK, http.StatusBadRequest, apierr.FieldLimit},
		{"too many directives", http.MethodPost, `{ centres @include(if: true) @skip(if: false) @include(if: true) { code } }`, http.StatusOK, http.StatusBadRequest, apierr.DirectiveLimit},
		{"too many tokens", http.MethodPost, "{ centres { " + strings.Repeat("code ", 301) + "} }", http.StatusOK, http.StatusBadRequest, apierr.TokenLimit},
		{"too many tokens over GET", http.MethodGet, "{ centres { " + strings.Repeat("code ", 301) + "} }", http.StatusOK, http.StatusBadRequest, apierr.TokenLimit},
		{"at the depth limit", http.MethodPost, `{ centres { targetGroups { servedBy { name } } } }`, http.StatusOK, http.StatusOK, ""},
		{"query over GET", http.MethodGet, `{ centres { name } }`, http.StatusOK, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, _ := doAccepting(t, h, tt.method, tt.query, nil, "application/graphql-response+json")
			if status != tt.wantGQL {
				t.Errorf("status to a graphql-response+json client = %d, want %d", status, tt.wantGQL)
			}
			status, body, resp := do(t, h, tt.method, tt.query, nil)
			if status != tt.wantJSON {
				t.Errorf("status to a JSON client = %d, want %d", status, tt.wantJSON)
			}
			if tt.wantCode == "" {
				if len(resp.Errors) > 0 {
					t.Errorf("want no errors:\n%s", body)
				}
				return
			}
			if got := codes(resp); len(got) == 0 || got[0] != tt.wantCode {
				t.Errorf("codes = %v, want %s:\n%s", got, tt.wantCode, body)
			}
			if strings.Contains(body, `"data"`) {
				t.Errorf("a refused operation's answer has a data entry: %s", body)
			}
		})
	}
}
