package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/auth"
)

func mint(t *testing.T, role, subject string) (string, string) {
	t.Helper()
	tok, line, err := auth.NewToken(role, subject, auth.DefaultTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok, line
}

func TestTokensAndRoles(t *testing.T) {
	readerTok, readerLine := mint(t, "reader", "widget")
	plannerTok, plannerLine := mint(t, "planner", "anna")
	tokens, err := auth.ParseTokens("# comment\n" + readerLine + ";" + plannerLine)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := tokens.Lookup(plannerTok, time.Now()); err != nil || p.Subject != "anna" || p.Role != auth.Planner {
		t.Fatalf("planner token: %+v %v", p, err)
	}
	if _, err := tokens.Lookup(plannerTok+"x", time.Now()); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("a wrong token: %v", err)
	}
	if strings.Contains(readerLine+plannerLine, plannerTok) {
		t.Fatal("the configuration line holds the token itself")
	}
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{Subject: "widget", Role: auth.Reader})
	if _, err := auth.Require(ctx, auth.Planner); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("reader writing: %v", err)
	}
	if _, err := auth.Require(context.Background(), auth.Reader); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("anonymous: %v", err)
	}
	_ = readerTok
}

func TestParseTokensRefusesBadLines(t *testing.T) {
	for _, spec := range []string{
		"planner anna",
		"owner anna sha256:" + strings.Repeat("ab", 32),
		"planner anna sha256:xyz",
		"planner anna " + strings.Repeat("ab", 32),
		"planner anna sha256:" + strings.Repeat("ab", 32) + " expires=tomorrow",
		"planner anna sha256:" + strings.Repeat("ab", 32) + " 2027-01-01T00:00:00Z",
		"planner anna sha256:" + strings.Repeat("ab", 32) + " expires=2027-01-01T00:00:00Z extra",
	} {
		if _, err := auth.ParseTokens(spec); err == nil {
			t.Errorf("accepted %q", spec)
		}
	}
}

func TestMiddleware(t *testing.T) {
	tok, line := mint(t, "planner", "anna")
	tokens, _ := auth.ParseTokens(line)
	seen := ""
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.FromContext(r.Context())
		seen = p.Subject
	})
	tests := []struct {
		name      string
		gated     bool
		header    string
		status    int
		principal string
	}{
		{"anonymous read, open", false, "", 200, ""},
		{"anonymous read, gated", true, "", 401, ""},
		{"valid token", true, "Bearer " + tok, 200, "anna"},
		{"invalid token, even when open", false, "Bearer nope", 401, ""},
		{"not a bearer", false, "Basic YTpi", 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = ""
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			auth.Middleware(tokens, tt.gated)(next).ServeHTTP(rec, req)
			if rec.Code != tt.status || seen != tt.principal {
				t.Fatalf("status %d principal %q; want %d %q", rec.Code, seen, tt.status, tt.principal)
			}
			if rec.Code == 401 && !strings.Contains(rec.Body.String(), `"code":"UNAUTHENTICATED"`) {
				t.Fatalf("401 without its code: %s", rec.Body.String())
			}
		})
	}
}
