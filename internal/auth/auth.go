// Package auth decides who a request is: bearer tokens, each with a role
// (reader, planner, admin), configured as hashes so that the configuration
// never holds a usable secret. Reads may be open or need a token; writes
// always need a planner's or admin's.
package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
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

// Errors a caller maps to UNAUTHENTICATED and FORBIDDEN.
var (
	ErrUnauthenticated = errors.New("a valid bearer token is required")
	ErrForbidden       = errors.New("the token's role does not allow this")
)

// Tokens are the configured tokens, by the SHA-256 of the token.
type Tokens struct {
	byHash map[[sha256.Size]byte]Principal
}

// ParseTokens reads token lines: "<role> <subject> sha256:<hex of the
// token's SHA-256>", one a line or separated by ';' (for an environment
// variable); blank lines and '#' comments are skipped. `orggraph token`
// prints a new token and its line.
func ParseTokens(spec string) (*Tokens, error) {
	t := &Tokens{byHash: map[[sha256.Size]byte]Principal{}}
	sc := bufio.NewScanner(strings.NewReader(strings.ReplaceAll(spec, ";", "\n")))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 {
			return nil, fmt.Errorf("tokens line %d: want \"<role> <subject> sha256:<hex>\"", n)
		}
		role, ok := roleNames[fields[0]]
		if !ok {
			return nil, fmt.Errorf("tokens line %d: unknown role %q (reader, planner or admin)", n, fields[0])
		}
		hexHash, ok := strings.CutPrefix(fields[2], "sha256:")
		raw, err := hex.DecodeString(hexHash)
		if !ok || err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("tokens line %d: the third field must be sha256:<64 hex digits>", n)
		}
		var h [sha256.Size]byte
		copy(h[:], raw)
		if _, dup := t.byHash[h]; dup {
			return nil, fmt.Errorf("tokens line %d: the same token twice", n)
		}
		t.byHash[h] = Principal{Subject: fields[1], Role: role}
	}
	return t, sc.Err()
}

// Lookup returns the principal a token belongs to. Every configured hash is
// compared in constant time, so the time taken tells nothing of the tokens.
func (t *Tokens) Lookup(token string) (Principal, bool) {
	if t == nil || token == "" {
		return Principal{}, false
	}
	h := sha256.Sum256([]byte(token))
	var found Principal
	ok := false
	for known, p := range t.byHash {
		if subtle.ConstantTimeCompare(h[:], known[:]) == 1 {
			found, ok = p, true
		}
	}
	return found, ok
}

// NewToken makes a random token and the line that configures it.
func NewToken(role, subject string) (token, line string, err error) {
	if _, ok := roleNames[role]; !ok {
		return "", "", fmt.Errorf("unknown role %q (reader, planner or admin)", role)
	}
	if subject == "" || strings.ContainsAny(subject, " \t;#") {
		return "", "", fmt.Errorf("the subject must be one word")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = "og_" + hex.EncodeToString(b)
	h := sha256.Sum256([]byte(token))
	return token, fmt.Sprintf("%s %s sha256:%s", role, subject, hex.EncodeToString(h[:])), nil
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
// valid is refused with 401 whatever it asks; one without a token goes on
// anonymously unless readsNeedToken, so that each operation can decide.
func Middleware(tokens *Tokens, readsNeedToken bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			header := r.Header.Get("Authorization")
			if header == "" {
				if readsNeedToken {
					unauthorized(w, "a bearer token is required")
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			token, ok := strings.CutPrefix(header, "Bearer ")
			p, valid := tokens.Lookup(strings.TrimSpace(token))
			if !ok || !valid {
				unauthorized(w, "the bearer token is not valid")
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="orggraph"`)
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintf(w, `{"errors":[{"message":%q,"extensions":{"code":"UNAUTHENTICATED"}}]}`+"\n", msg)
}
