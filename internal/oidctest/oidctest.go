// Package oidctest gives tests a real OpenID Connect provider: NAV's
// mock-oauth2-server (tools/oidc-provider, from Maven Central, installed by
// scripts/oidc-install), run as a process on 127.0.0.1. Its issuers are
// Base+"/city" and Base+"/other"; a token's claims follow the scope asked
// for (providerConfig).
//
// Without the provider's jars the tests fail rather than skip, so that a
// run that forgot them cannot pass as green; ORGGRAPH_SKIP_OIDC=1 opts out.
package oidctest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// providerConfig is the provider's: a new signing key at every start
// (without initialKeys; by default it takes fixed keys from its jar), and
// per issuer the claims a token gets by the scope asked for. The provider
// adds iss, iat, nbf, exp and jti itself; "expired" overrides them with
// times in the past.
const providerConfig = `{
  "interactiveLogin": false,
  "httpServer": "NettyWrapper",
  "tokenProvider": {"keyProvider": {"algorithm": "RS256"}},
  "tokenCallbacks": [
    {"issuerId": "city", "tokenExpiry": 300, "requestMappings": [
      {"requestParam": "scope", "match": "planner", "claims": {"sub": "anna", "aud": ["orggraph"], "orggraph_role": "planner"}},
      {"requestParam": "scope", "match": "roles", "claims": {"sub": "bo", "aud": ["orggraph", "intranet"], "orggraph_role": ["reader", "admin", "unknown"]}},
      {"requestParam": "scope", "match": "groups", "claims": {"sub": "carl", "aud": ["orggraph"], "realm_access": {"roles": ["offline_access", "cn=bif-planners,ou=groups"]}}},
      {"requestParam": "scope", "match": "norole", "claims": {"sub": "dora", "aud": ["orggraph"]}},
      {"requestParam": "scope", "match": "wrongaud", "claims": {"sub": "anna", "aud": ["intranet"], "orggraph_role": "planner"}},
      {"requestParam": "scope", "match": "expired", "claims": {"sub": "anna", "aud": ["orggraph"], "orggraph_role": "planner", "iat": 1500000000, "nbf": 1500000000, "exp": 1500000300}}
    ]},
    {"issuerId": "other", "tokenExpiry": 300, "requestMappings": [
      {"requestParam": "scope", "match": "planner", "claims": {"sub": "anna", "aud": ["orggraph"], "orggraph_role": "planner"}}
    ]}
  ]
}`

// Provider is NAV's mock-oauth2-server (tools/oidc-provider), a real
// OpenID Connect provider, run as a process on 127.0.0.1.
type Provider struct {
	Base string // http://127.0.0.1:<port>
	lib  string
	port int
	cmd  *exec.Cmd
}

// providerLib finds the provider's jars: ORGGRAPH_OIDC_PROVIDER_LIB, set by
// scripts/test, or tools/oidc-provider/target/lib after scripts/oidc-install.
// Without them the test fails rather than skips, so that a run that forgot
// the provider cannot pass as green; ORGGRAPH_SKIP_OIDC=1 opts out.
func providerLib(t testing.TB) string {
	t.Helper()
	lib := os.Getenv("ORGGRAPH_OIDC_PROVIDER_LIB")
	if lib == "" {
		lib = filepath.Join(repoRoot(t), "tools", "oidc-provider", "target", "lib")
	}
	if jars, _ := filepath.Glob(filepath.Join(lib, "mock-oauth2-server-*.jar")); len(jars) == 0 {
		if os.Getenv("ORGGRAPH_SKIP_OIDC") == "1" {
			t.Skip("ORGGRAPH_SKIP_OIDC=1")
		}
		t.Fatalf("the OIDC provider is not installed in %s: run the tests with `make test`, or scripts/oidc-install", lib)
	}
	return lib
}

// FreePort is a port on 127.0.0.1 nothing listens on.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Start starts the provider on port and waits for its discovery document;
// it is stopped when the test ends, if not before.
func Start(t testing.TB, port int) *Provider {
	t.Helper()
	p := &Provider{Base: fmt.Sprintf("http://127.0.0.1:%d", port), lib: providerLib(t), port: port}
	p.start(t)
	t.Cleanup(p.Stop)
	return p
}

// Restart stops the provider and starts it again on the same port, with a
// new signing key.
func (p *Provider) Restart(t testing.TB) {
	t.Helper()
	p.Stop()
	p.start(t)
}

func (p *Provider) start(t testing.TB) {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "provider.json")
	if err := os.WriteFile(cfg, []byte(providerConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	java := "java"
	if home := os.Getenv("JAVA_HOME"); home != "" {
		java = filepath.Join(home, "bin", "java")
	}
	log, err := os.Create(filepath.Join(t.TempDir(), "provider.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(java, "-Xmx256m", "-cp", filepath.Join(p.lib, "*"), "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt")
	cmd.Env = append(os.Environ(), "SERVER_HOSTNAME=127.0.0.1", fmt.Sprintf("SERVER_PORT=%d", p.port), "JSON_CONFIG_PATH="+cfg)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the OIDC provider: %v", err)
	}
	p.cmd = cmd
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get(p.Base + "/city/.well-known/openid-configuration")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("the OIDC provider did not answer within 90 s: %v\n%s", err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop kills the provider, if it runs.
func (p *Provider) Stop() {
	if p.cmd.Process != nil && p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

// Token gets an access token (a JWT) from the issuer ("city" or "other")
// by the client credentials grant, asking for scope: the claims it gets
// are providerConfig's.
func (p *Provider) Token(t testing.TB, issuer, scope string) string {
	t.Helper()
	resp, err := http.PostForm(p.Base+"/"+issuer+"/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {"orggraph-test"}, "client_secret": {"secret"}, "scope": {scope},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil || resp.StatusCode != http.StatusOK || strings.Count(body.AccessToken, ".") != 2 {
		t.Fatalf("token endpoint: %d %s", resp.StatusCode, b)
	}
	return body.AccessToken
}

// KeySet is the city issuer's key set, as served.
func (p *Provider) KeySet(t testing.TB) string {
	t.Helper()
	resp, err := http.Get(p.Base + "/city/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// repoRoot is the folder of go.mod, above the test's own.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}
