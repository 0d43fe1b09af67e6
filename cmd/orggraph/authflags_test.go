package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/oidctest"
)

// mintThroughTheBinary runs `orggraph token` and returns the token and its line.
func mintThroughTheBinary(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"orggraph", "token", "--role", "planner"}, args...), noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	m := mintedToken.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("token printed no token and line:\n%s", out.String())
	}
	return m[1], m[2]
}

func TestTokenTTLThroughTheBinary(t *testing.T) {
	_, line := mintThroughTheBinary(t, "--subject", "anna", "--ttl", "720h")
	at, ok := strings.CutPrefix(strings.Fields(line)[3], "expires=")
	expires, err := time.Parse(time.RFC3339, at)
	if !ok || err != nil || time.Until(expires) < 719*time.Hour || time.Until(expires) > 720*time.Hour {
		t.Fatalf("--ttl 720h wrote %q", line)
	}
	_, line = mintThroughTheBinary(t, "--subject", "anna")
	if at, _ = strings.CutPrefix(strings.Fields(line)[3], "expires="); at == "" {
		t.Fatalf("the default ttl wrote no expiry: %q", line)
	}
	if expires, _ = time.Parse(time.RFC3339, at); time.Until(expires) < 89*24*time.Hour {
		t.Fatalf("the default ttl is not 90 days: %q", line)
	}
	if _, line = mintThroughTheBinary(t, "--subject", "anna", "--ttl", "0"); strings.Contains(line, "expires=") {
		t.Fatalf("--ttl 0 wrote an expiry: %q", line)
	}
}

// TestTokensFileThroughTheBinary: an expired line is refused saying so, and
// a line removed from the file stops its token while the server runs.
func TestTokensFileThroughTheBinary(t *testing.T) {
	anna, annaLine := mintThroughTheBinary(t, "--subject", "anna")
	bo, boLine := mintThroughTheBinary(t, "--subject", "bo")
	old, oldLine := mintThroughTheBinary(t, "--subject", "carl", "--ttl", "0")
	expiredLine := strings.Fields(oldLine)
	expiredLine = append(expiredLine[:3], "expires="+time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))
	tokensFile := filepath.Join(t.TempDir(), "tokens")
	save := func(lines ...string) {
		t.Helper()
		if err := os.WriteFile(tokensFile+".new", []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tokensFile+".new", tokensFile); err != nil {
			t.Fatal(err)
		}
	}
	save(annaLine, boLine, strings.Join(expiredLine, " "))
	base, stop := serveWith(t, "--tokens-file", tokensFile, "--read-auth", "token")
	defer stop()
	const read = `{ centre(code: "CBE") { code } }`

	if status, body := graphql(t, base, old, read); status != http.StatusUnauthorized || !strings.Contains(body, `"UNAUTHENTICATED"`) || !strings.Contains(body, "expired") {
		t.Fatalf("an expired token: %d %s", status, body)
	}
	for _, tok := range []string{anna, bo} {
		if status, body := graphql(t, base, tok, read); status != http.StatusOK {
			t.Fatalf("before the edit: %d %s", status, body)
		}
	}
	save(boLine)
	edited := time.Now()
	deadline := edited.Add(10 * time.Second)
	for {
		status, body := graphql(t, base, anna, read)
		if status == http.StatusUnauthorized && strings.Contains(body, `"UNAUTHENTICATED"`) {
			t.Logf("anna's token refused %s after her line was removed", time.Since(edited).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("anna's line removed 10 s ago, her token still answers %d %s", status, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status, body := graphql(t, base, bo, read); status != http.StatusOK {
		t.Fatalf("bo's token, still in the file: %d %s", status, body)
	}
}

// TestServeStartsWhileTheIdentityProviderIsAway: nothing listens at the
// issuer; the server starts, answers a JWT 503 UNAVAILABLE and a configured
// token as usual.
func TestServeStartsWhileTheIdentityProviderIsAway(t *testing.T) {
	anna, annaLine := mintThroughTheBinary(t, "--subject", "anna")
	tokensFile := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(tokensFile, []byte(annaLine+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	issuer := fmt.Sprintf("http://%s/city", freeAddr(t))
	base, stop := serveWith(t, "--tokens-file", tokensFile, "--oidc-issuer", issuer, "--oidc-audience", "orggraph")
	defer stop()
	const read = `{ centre(code: "CBE") { code } }`
	status, body := graphql(t, base, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbm5hIn0.c2ln", read)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"UNAVAILABLE"`) {
		t.Fatalf("a JWT while the provider is away: %d %s", status, body)
	}
	if status, body := graphql(t, base, anna, read); status != http.StatusOK {
		t.Fatalf("a configured token while the provider is away: %d %s", status, body)
	}
}

func TestOIDCFlagsAreChecked(t *testing.T) {
	for _, args := range [][]string{
		{"--oidc-issuer", "http://127.0.0.1:1/city"}, // no audience
		{"--oidc-issuer", "http://127.0.0.1:1/city", "--oidc-audience", "orggraph", "--oidc-roles", "planners=owner"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // should a bad flag be let through
		err := run(ctx, append([]string{"orggraph", "serve", "--addr", freeAddr(t), "--seed-dir", "../../seed"}, args...), noEnv, io.Discard, io.Discard)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "oidc") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestPlannersWriteWithTheCitysJWT: serve with the identity provider's
// flags; a planner's JWT writes, and the audit trail names its subject; a
// reader cannot, and reads gated by --read-auth token take a JWT too.
func TestPlannersWriteWithTheCitysJWT(t *testing.T) {
	prov := oidctest.Start(t, oidctest.FreePort(t))
	base, stop := serveWith(t, "--data-dir", t.TempDir(), "--read-auth", "token",
		"--oidc-issuer", prov.Base+"/city", "--oidc-audience", "orggraph")
	defer stop()
	const create = `mutation { createNode(input: {id: "targetgroup:nye-unge", name: "Nye unge", sources: [{document: "plan.docx", section: "Udkast"}]}) { audit { actor } } }`
	if _, body := graphql(t, base, prov.Token(t, "city", "planner"), create); !strings.Contains(body, `"actor":"anna"`) {
		t.Fatalf("a planner's JWT writing: %s", body)
	}
	if status, body := graphql(t, base, prov.Token(t, "city", "planner"), `{ node(id: "targetgroup:nye-unge") { name } }`); status != http.StatusOK || !strings.Contains(body, `"name":"Nye unge"`) {
		t.Fatalf("a JWT reading, reads gated: %d %s", status, body)
	}
	if status, body := graphql(t, base, prov.Token(t, "city", "wrongaud"), create); status != http.StatusUnauthorized || !strings.Contains(body, `"UNAUTHENTICATED"`) {
		t.Fatalf("a JWT for another audience: %d %s", status, body)
	}
	if status, body := graphql(t, base, prov.Token(t, "city", "norole"), create); status != http.StatusForbidden || !strings.Contains(body, `"FORBIDDEN"`) {
		t.Fatalf("a JWT without a role: %d %s", status, body)
	}
}
