// Package auth decides who a request is: bearer tokens, each with a role
// (reader, planner, admin) and an expiry, configured as hashes so that the
// configuration never holds a usable secret (tokens.go, read again when
// their file changes: tokensfile.go), and JWTs from an OpenID Connect
// provider (oidc.go). Reads may be open or need a token; writes always need
// a planner's or admin's.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// Role is what a token may do; each role may do what the ones below it may.
type Role int

const (
	Reader Role = iota + 1
	Planner
	Admin
)

var roleNames = map[string]Role{"reader": Reader, "planner": Planner, "admin": Admin}

func (r Role) String() string {
	for name, role := range roleNames {
		if role == r {
			return name
		}
	}
	return "none"
}

// Principal is who made a request.
type Principal struct {
	Subject string // the name the token was issued to, as written in the audit trail
	Role    Role
}

// Errors with the codes UNAUTHENTICATED, FORBIDDEN and UNAVAILABLE
// (apierr.Of reads them). ErrExpired and ErrNoRole wrap ErrUnauthenticated
// and ErrForbidden.
var (
	ErrUnauthenticated = apierr.New(apierr.Unauthenticated, "a valid bearer token is required")
	ErrExpired         = fmt.Errorf("%w: the bearer token has expired", ErrUnauthenticated)
	ErrForbidden       = apierr.New(apierr.Forbidden, "the token's role does not allow this")
	ErrNoRole          = fmt.Errorf("%w: the token carries no orggraph role", ErrForbidden)
	ErrUnavailable     = apierr.New(apierr.Unavailable, "the identity provider cannot be reached yet; try again shortly")
)

// Authenticator tells whose a bearer token is: a Principal, or an error
// that is, or wraps, one of the errors above.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (Principal, error)
}

// Bearer checks a JWT (three dot-separated parts) with the identity
// provider and anything else against the configured tokens, which never
// look like a JWT. Either may be nil: its tokens are then refused.
type Bearer struct {
	Tokens Authenticator
	OIDC   Authenticator
}

// Authenticate implements Authenticator.
func (b Bearer) Authenticate(ctx context.Context, token string) (Principal, error) {
	next := b.Tokens
	if strings.Count(token, ".") == 2 {
		next = b.OIDC
	}
	if next == nil || token == "" {
		return Principal{}, ErrUnauthenticated
	}
	return next.Authenticate(ctx, token)
}

type ctxKey struct{}

var principalKey = &ctxKey{}

// FromContext returns the request's principal, if it showed a valid token.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey).(Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p, for tests and callers that
// authenticate another way.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// Require checks that the request's principal has at least role.
func Require(ctx context.Context, role Role) (Principal, error) {
	p, ok := FromContext(ctx)
	switch {
	case !ok:
		return Principal{}, ErrUnauthenticated
	case p.Role < role:
		return p, fmt.Errorf("%w: it needs the %s role, and %s is a %s", ErrForbidden, role, p.Subject, p.Role)
	}
	return p, nil
}

// Middleware reads the bearer token. A request with a token that is not
// valid is refused with 401 whatever it asks (403 for a valid JWT without a
// role, 503 while the identity provider has not been reached); one without
// a token goes on anonymously unless readsNeedToken, so that each operation
// can decide. A nil a refuses every token.
func Middleware(a Authenticator, readsNeedToken bool) func(http.Handler) http.Handler {
	if a == nil {
		a = Bearer{}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			header := r.Header.Get("Authorization")
			if header == "" {
				if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
					// A browser's WebSocket cannot send the header: graphql-ws
					// sends the token in its first message, read by
					// FromConnectionParams under the same rules.
					next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), laterKey, later{a, readsNeedToken})))
					return
				}
				if readsNeedToken {
					refuse(w, apierr.Unauthenticated, "a bearer token is required")
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			token, ok := strings.CutPrefix(header, "Bearer ")
			if !ok {
				refuse(w, apierr.Unauthenticated, "the bearer token is not valid")
				return
			}
			p, err := a.Authenticate(r.Context(), strings.TrimSpace(token))
			switch {
			case err == nil:
				next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
			case errors.Is(err, ErrExpired):
				refuse(w, apierr.Unauthenticated, "the bearer token has expired")
			case errors.Is(err, ErrNoRole):
				refuse(w, apierr.Forbidden, "the bearer token carries no orggraph role")
			case errors.Is(err, ErrUnavailable):
				w.Header().Set("Retry-After", "5")
				refuse(w, apierr.Unavailable, ErrUnavailable.Error())
			default:
				refuse(w, apierr.Unauthenticated, "the bearer token is not valid")
			}
		})
	}
}

// later is how Middleware would have judged a token the request did not
// carry: a WebSocket's, which may carry it in its connection_init.
type later struct {
	a              Authenticator
	readsNeedToken bool
}

var laterKey = &ctxKey{}

// FromConnectionParams reads the bearer token of a graphql-ws connection
// from its connection_init payload (connectionParams), under the same
// rules as Middleware's for the header: Authorization: "Bearer …" (the key
// in any case), refused if not valid, and refused if absent when reads need
// a token. An upgrade that carried the header was judged by it already, and
// ctx is returned as it is.
func FromConnectionParams(ctx context.Context, params map[string]any) (context.Context, error) {
	l, ok := ctx.Value(laterKey).(later)
	if !ok {
		return ctx, nil
	}
	var value any
	for k, v := range params {
		if strings.EqualFold(k, "Authorization") {
			value = v
		}
	}
	raw, _ := value.(string)
	if value == nil || raw == "" {
		if l.readsNeedToken {
			return ctx, fmt.Errorf("%w: send it as connectionParams' Authorization", ErrUnauthenticated)
		}
		return ctx, nil
	}
	token, ok := strings.CutPrefix(raw, "Bearer ")
	if !ok {
		return ctx, fmt.Errorf("%w: connectionParams' Authorization is Bearer and the token", ErrUnauthenticated)
	}
	p, err := l.a.Authenticate(ctx, strings.TrimSpace(token))
	switch {
	case err == nil:
		return WithPrincipal(ctx, p), nil
	case errors.Is(err, ErrExpired):
		return ctx, ErrExpired
	case errors.Is(err, ErrNoRole):
		return ctx, ErrNoRole
	case errors.Is(err, ErrUnavailable):
		return ctx, ErrUnavailable
	default:
		return ctx, fmt.Errorf("%w: the bearer token is not valid", ErrUnauthenticated)
	}
}

func refuse(w http.ResponseWriter, code, msg string) {
	if code == apierr.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="orggraph"`)
	}
	apierr.Write(w, code, msg)
}
