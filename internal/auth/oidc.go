package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// OIDCConfig says whose JWTs are accepted and how their claims make a
// principal.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration" and must name it.
	Issuer string
	// Audience must be one of the token's aud values: orggraph's client id
	// or API name at the provider.
	Audience string
	// RoleClaim names the claim with the role: a string or a list of
	// strings; dots reach into objects, as realm_access.roles.
	RoleClaim string
	// Roles maps claim values to roles; empty, a value is the role's own
	// name (reader, planner, admin). Of several values the highest role counts.
	Roles map[string]Role
	// SubjectClaim is the claim the audit trail names the writer by (sub
	// when empty).
	SubjectClaim string
	// HTTPClient fetches discovery and keys; nil: one with a 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock expiry is checked against; nil: time.Now.
	Now func() time.Time
	// KeysEvery is the shortest time between two fetches of the key set
	// (0: 5 s); see spacedKeyFetches.
	KeysEvery time.Duration
	// RetryMax is the longest wait between attempts to reach the provider
	// while it is unreachable (0: 30 s); the first wait is 1 s, then each
	// twice the last.
	RetryMax time.Duration
}

// How long the first attempt to reach the provider may hold up the start,
// and how long each later one may take.
const (
	oidcFirstTry = 5 * time.Second
	oidcRetryTry = 10 * time.Second
)

// OIDC accepts bearer JWTs from one OpenID Connect provider, checking their
// signature against its key set (cached, and fetched again when a token is
// signed by a key not in it, as a provider rotating its keys does), their
// issuer, audience and expiry.
//
// The provider is discovered when OIDC is made; if it cannot be reached,
// the server starts anyway and tries again in the background, and until it
// is reached every JWT is answered ErrUnavailable (503): the token may well
// be good, so the client should retry, not log in again.
type OIDC struct {
	cfg      OIDCConfig
	logger   *slog.Logger
	verifier atomic.Pointer[oidc.IDTokenVerifier]
}

// NewOIDC checks cfg and discovers the provider, trying for up to 5 s and
// then on in the background until ctx ends.
func NewOIDC(ctx context.Context, cfg OIDCConfig, logger *slog.Logger) (*OIDC, error) {
	switch {
	case cfg.Issuer == "":
		return nil, errors.New("oidc: the issuer is required")
	case cfg.Audience == "":
		return nil, errors.New("oidc: the audience is required (orggraph's client id or API name at the provider)")
	case cfg.RoleClaim == "":
		return nil, errors.New("oidc: the role claim is required")
	}
	if cfg.SubjectClaim == "" {
		cfg.SubjectClaim = "sub"
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 30 * time.Second
	}
	if cfg.KeysEvery <= 0 {
		cfg.KeysEvery = 5 * time.Second
	}
	client := &http.Client{Timeout: 10 * time.Second}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		client = &c
	}
	next := client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	client.Transport = &spacedKeyFetches{next: next, every: cfg.KeysEvery}
	cfg.HTTPClient = client
	o := &OIDC{cfg: cfg, logger: logger}
	first, cancel := context.WithTimeout(ctx, oidcFirstTry)
	err := o.discover(first)
	cancel()
	if err != nil {
		logger.Warn("identity provider not reached; JWTs are answered 503 UNAVAILABLE until it is", "issuer", cfg.Issuer, "err", err)
		go o.retry(ctx)
	}
	return o, nil
}

// Ready says whether the provider has been discovered.
func (o *OIDC) Ready() bool { return o.verifier.Load() != nil }

// discover fetches the discovery document within attempt. The key set
// keeps attempt's values (the HTTP client), not its deadline, for fetching
// keys later.
func (o *OIDC) discover(attempt context.Context) error {
	p, err := oidc.NewProvider(oidc.ClientContext(attempt, o.cfg.HTTPClient), o.cfg.Issuer)
	if err != nil {
		return err
	}
	o.verifier.Store(p.Verifier(&oidc.Config{ClientID: o.cfg.Audience, Now: o.cfg.Now}))
	o.logger.Info("identity provider discovered", "issuer", o.cfg.Issuer)
	return nil
}

func (o *OIDC) retry(ctx context.Context) {
	wait := min(time.Second, o.cfg.RetryMax)
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		attempt, cancel := context.WithTimeout(ctx, oidcRetryTry)
		err := o.discover(attempt)
		cancel()
		if err == nil {
			return
		}
		wait = min(2*wait, o.cfg.RetryMax)
		o.logger.Warn("identity provider still not reached", "issuer", o.cfg.Issuer, "retry_in", wait.String(), "err", err)
	}
}

// Authenticate implements Authenticator for a JWT.
func (o *OIDC) Authenticate(ctx context.Context, token string) (Principal, error) {
	v := o.verifier.Load()
	if v == nil {
		return Principal{}, ErrUnavailable
	}
	idt, err := v.Verify(ctx, token)
	if err != nil {
		if _, expired := errors.AsType[*oidc.TokenExpiredError](err); expired {
			return Principal{}, ErrExpired
		}
		return Principal{}, fmt.Errorf("%w: %w", ErrUnauthenticated, err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrUnauthenticated, err)
	}
	subject, _ := claimAt(claims, o.cfg.SubjectClaim).(string)
	if subject == "" {
		return Principal{}, fmt.Errorf("%w: the token has no %s claim", ErrUnauthenticated, o.cfg.SubjectClaim)
	}
	role := o.role(claimAt(claims, o.cfg.RoleClaim))
	if role == 0 {
		return Principal{}, ErrNoRole
	}
	return Principal{Subject: subject, Role: role}, nil
}

// role is the highest role the claim's value or values map to; 0 if none.
func (o *OIDC) role(claim any) Role {
	var values []string
	switch c := claim.(type) {
	case string:
		values = []string{c}
	case []any:
		for _, v := range c {
			if s, ok := v.(string); ok {
				values = append(values, s)
			}
		}
	}
	var best Role
	for _, v := range values {
		r, ok := o.cfg.Roles[v]
		if len(o.cfg.Roles) == 0 {
			r, ok = roleNames[v]
		}
		if ok && r > best {
			best = r
		}
	}
	return best
}

// claimAt follows a dotted path into the claims; nil where it leads nowhere.
func claimAt(claims map[string]any, path string) any {
	var at any = claims
	for name := range strings.SplitSeq(path, ".") {
		obj, ok := at.(map[string]any)
		if !ok {
			return nil
		}
		at = obj[name]
	}
	return at
}

// ParseRoles reads a mapping of claim values to roles,
// "<value>=<role>;<value>=<role>…". A value may itself hold '=' or ','
// (an LDAP group's name does): the role is what follows the last '='.
func ParseRoles(spec string) (map[string]Role, error) {
	roles := map[string]Role{}
	for pair := range strings.SplitSeq(spec, ";") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		i := strings.LastIndex(pair, "=")
		if i <= 0 {
			return nil, fmt.Errorf("role mapping %q: want <claim value>=<role>", pair)
		}
		r, ok := roleNames[strings.TrimSpace(pair[i+1:])]
		if !ok {
			return nil, fmt.Errorf("role mapping %q: unknown role %q (reader, planner or admin)", pair, pair[i+1:])
		}
		roles[strings.TrimSpace(pair[:i])] = r
	}
	return roles, nil
}

// errKeysFetchedRecently refuses a fetch of the key set too soon after the last.
var errKeysFetchedRecently = errors.New("the key set was fetched moments ago")

// spacedKeyFetches lets at most one request for the key set through each
// interval; discovery requests pass. go-oidc fetches the key set again for
// every token its cached keys do not verify, a forged one included, so
// without it each forged request would cost a request to the provider and
// a wait for its answer. The price: for up to one interval after a fetch,
// a token signed by a key the provider has only just started using is
// refused (providers publish a key before they sign with it).
type spacedKeyFetches struct {
	next  http.RoundTripper
	every time.Duration
	mu    sync.Mutex
	last  time.Time
}

func (s *spacedKeyFetches) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
		s.mu.Lock()
		now := time.Now()
		soon := !s.last.IsZero() && now.Sub(s.last) < s.every
		if !soon {
			s.last = now
		}
		s.mu.Unlock()
		if soon {
			return nil, errKeysFetchedRecently
		}
	}
	return s.next.RoundTrip(r)
}
