package auth_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/oidctest"
)

// principalOf sends token through the middleware and returns the status,
// the body, and the principal the next handler saw.
func principalOf(a auth.Authenticator, token string) (int, string, auth.Principal) {
	var seen auth.Principal
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	auth.Middleware(a, false)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = auth.FromContext(r.Context())
	})).ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), seen
}

// TestOIDCWithARealProvider starts orggraph's side before the provider, so
// that JWTs are answered 503 until the provider is reached in the
// background; then checks tokens the provider issues, accepted and
// refused; then restarts the provider, which signs with a new key, and
// checks the key set is fetched again.
func TestOIDCWithARealProvider(t *testing.T) {
	port := oidctest.FreePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.DiscardHandler)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	newOIDC := func(cfg auth.OIDCConfig) *auth.OIDC {
		t.Helper()
		cfg.Issuer, cfg.Audience, cfg.RetryMax = base+"/city", "orggraph", time.Second
		if cfg.KeysEvery == 0 {
			cfg.KeysEvery = 100 * time.Millisecond // the rotation below comes soon after forged tokens
		}
		o, err := auth.NewOIDC(ctx, cfg, logger)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	staticTok, staticLine := mint(t, "reader", "widget")
	static, err := auth.ParseTokens(staticLine)
	if err != nil {
		t.Fatal(err)
	}
	o := newOIDC(auth.OIDCConfig{RoleClaim: "orggraph_role"})
	bearer := auth.Bearer{Tokens: static, OIDC: o}

	// Not reached yet: a JWT gets 503 UNAVAILABLE, a configured token works.
	if o.Ready() {
		t.Fatal("ready before the provider started")
	}
	if code, body, _ := principalOf(bearer, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbm5hIn0.c2ln"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"UNAVAILABLE"`) {
		t.Fatalf("a JWT before the provider is reached: %d %s", code, body)
	}
	if code, _, p := principalOf(bearer, staticTok); code != http.StatusOK || p.Subject != "widget" {
		t.Fatalf("a configured token while the provider is away: %d %+v", code, p)
	}

	prov := oidctest.Start(t, port)
	planner := prov.Token(t, "city", "planner")
	deadline := time.Now().Add(30 * time.Second)
	for !o.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("the provider was not reached within 30 s of its start")
		}
		time.Sleep(50 * time.Millisecond)
	}

	mapped := newOIDC(auth.OIDCConfig{RoleClaim: "realm_access.roles", Roles: map[string]auth.Role{"cn=bif-planners,ou=groups": auth.Planner}})
	tampered := func(tok string) string { // the payload made admin, the signature kept
		parts := strings.Split(tok, ".")
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"planner"`, `"admin"`, 1)))
		return strings.Join(parts, ".")
	}
	resigned := func(tok string) string { // the last signature byte changed
		sig := []byte(tok)
		if sig[len(sig)-2] == 'A' {
			sig[len(sig)-2] = 'B'
		} else {
			sig[len(sig)-2] = 'A'
		}
		return string(sig)
	}
	for _, tt := range []struct {
		name    string
		a       auth.Authenticator
		token   string
		status  int
		code    string
		subject string
		role    auth.Role
	}{
		{"a planner", bearer, planner, 200, "", "anna", auth.Planner},
		{"a list of roles: the highest known", bearer, prov.Token(t, "city", "roles"), 200, "", "bo", auth.Admin},
		{"a mapped group in a nested claim", mapped, prov.Token(t, "city", "groups"), 200, "", "carl", auth.Planner},
		{"no role", bearer, prov.Token(t, "city", "norole"), 403, "FORBIDDEN", "", 0},
		{"a group not mapped", mapped, planner, 403, "FORBIDDEN", "", 0},
		{"another audience", bearer, prov.Token(t, "city", "wrongaud"), 401, "UNAUTHENTICATED", "", 0},
		{"expired", bearer, prov.Token(t, "city", "expired"), 401, "UNAUTHENTICATED", "", 0},
		{"another issuer", bearer, prov.Token(t, "other", "planner"), 401, "UNAUTHENTICATED", "", 0},
		{"tampered claims", bearer, tampered(planner), 401, "UNAUTHENTICATED", "", 0},
		{"tampered signature", bearer, resigned(planner), 401, "UNAUTHENTICATED", "", 0},
		{"not a JWT, not configured", bearer, "og_" + strings.Repeat("0", 64), 401, "UNAUTHENTICATED", "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body, p := principalOf(tt.a, tt.token)
			if code != tt.status || p.Subject != tt.subject || p.Role != tt.role {
				t.Fatalf("%d %+v %s; want %d %s %s", code, p, body, tt.status, tt.subject, tt.role)
			}
			if tt.code != "" && !strings.Contains(body, `"code":"`+tt.code+`"`) {
				t.Fatalf("without code %s: %s", tt.code, body)
			}
			if tt.name == "expired" && !strings.Contains(body, "expired") {
				t.Fatalf("does not say it expired: %s", body)
			}
		})
	}

	t.Run("forged tokens do not each fetch the key set", func(t *testing.T) {
		counted := &countingTransport{}
		o := newOIDC(auth.OIDCConfig{RoleClaim: "orggraph_role", KeysEvery: time.Hour, HTTPClient: &http.Client{Transport: counted}})
		if code, body, _ := principalOf(o, planner); code != 200 {
			t.Fatalf("a planner: %d %s", code, body)
		}
		for range 20 {
			if code, body, _ := principalOf(o, resigned(planner)); code != 401 {
				t.Fatalf("a forged token: %d %s", code, body)
			}
		}
		if code, body, _ := principalOf(o, planner); code != 200 {
			t.Fatalf("a planner after forged tokens: %d %s", code, body)
		}
		if n := counted.keyFetches.Load(); n != 1 {
			t.Fatalf("the key set was fetched %d times; want 1", n)
		}
	})

	t.Run("the provider's key rotated", func(t *testing.T) {
		oldKeys := prov.KeySet(t)
		prov.Restart(t)
		if newKeys := prov.KeySet(t); newKeys == oldKeys {
			t.Fatal("the restarted provider signs with the same key: nothing rotated")
		}
		fresh := prov.Token(t, "city", "planner")
		if code, body, p := principalOf(bearer, fresh); code != 200 || p.Subject != "anna" {
			t.Fatalf("a token signed by the new key: %d %s", code, body)
		}
		if code, body, _ := principalOf(bearer, planner); code != 401 {
			t.Fatalf("a token signed by the retired key: %d %s", code, body)
		}
	})
}

func TestOIDCConfig(t *testing.T) {
	for _, cfg := range []auth.OIDCConfig{
		{Audience: "orggraph", RoleClaim: "orggraph_role"},
		{Issuer: "http://127.0.0.1:1/city", RoleClaim: "orggraph_role"},
		{Issuer: "http://127.0.0.1:1/city", Audience: "orggraph"},
	} {
		if _, err := auth.NewOIDC(context.Background(), cfg, slog.New(slog.DiscardHandler)); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
	roles, err := auth.ParseRoles("cn=planners,ou=groups=planner; BIF admins=admin")
	if err != nil || roles["cn=planners,ou=groups"] != auth.Planner || roles["BIF admins"] != auth.Admin || len(roles) != 2 {
		t.Fatalf("ParseRoles: %v %v", roles, err)
	}
	for _, bad := range []string{"planner", "=planner", "x=owner"} {
		if _, err := auth.ParseRoles(bad); err == nil {
			t.Errorf("ParseRoles accepted %q", bad)
		}
	}
}

// countingTransport counts the requests for a key set that reach the provider.
type countingTransport struct{ keyFetches atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/jwks") {
		c.keyFetches.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// BenchmarkOIDCAuthenticate: a JWT checked against the cached key set (an
// RSA signature and the claims), beside BenchmarkTokensLookup.
func BenchmarkOIDCAuthenticate(b *testing.B) {
	prov := oidctest.Start(b, oidctest.FreePort(b))
	o, err := auth.NewOIDC(context.Background(), auth.OIDCConfig{
		Issuer: prov.Base + "/city", Audience: "orggraph", RoleClaim: "orggraph_role",
	}, slog.New(slog.DiscardHandler))
	if err != nil || !o.Ready() {
		b.Fatalf("not ready: %v", err)
	}
	tok := prov.Token(b, "city", "planner")
	ctx := context.Background()
	for b.Loop() {
		if _, err := o.Authenticate(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}
