package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// DefaultTTL is how long a token from `orggraph token` lasts unless told
// otherwise: a quarter, so that a forgotten token ends by itself.
const DefaultTTL = 90 * 24 * time.Hour

// Tokens are the configured tokens, by the SHA-256 of the token.
type Tokens struct {
	byHash map[[sha256.Size]byte]configured
}

type configured struct {
	Principal
	expires time.Time // zero: a line without expiry
}

// ParseTokens reads token lines: "<role> <subject> sha256:<hex of the
// token's SHA-256> [expires=<RFC 3339 time>]", one a line or separated by
// ';' (for an environment variable); blank lines and '#' comments are
// skipped. A line without expires= never expires (lines from before tokens
// had an expiry). `orggraph token` prints a new token and its line.
func ParseTokens(spec string) (*Tokens, error) {
	t := &Tokens{byHash: map[[sha256.Size]byte]configured{}}
	sc := bufio.NewScanner(strings.NewReader(strings.ReplaceAll(spec, ";", "\n")))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 && len(fields) != 4 {
			return nil, fmt.Errorf("tokens line %d: want \"<role> <subject> sha256:<hex> [expires=<time>]\"", n)
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
		c := configured{Principal: Principal{Subject: fields[1], Role: role}}
		if len(fields) == 4 {
			at, ok := strings.CutPrefix(fields[3], "expires=")
			if c.expires, err = time.Parse(time.RFC3339, at); !ok || err != nil {
				return nil, fmt.Errorf("tokens line %d: the fourth field must be expires=<time>, as 2027-03-01T12:00:00Z", n)
			}
		}
		var h [sha256.Size]byte
		copy(h[:], raw)
		if _, dup := t.byHash[h]; dup {
			return nil, fmt.Errorf("tokens line %d: the same token twice", n)
		}
		t.byHash[h] = c
	}
	return t, sc.Err()
}

// Len is the number of tokens configured, and how many of them never expire.
func (t *Tokens) Len() (all, neverExpire int) {
	if t == nil {
		return 0, 0
	}
	for _, c := range t.byHash {
		if c.expires.IsZero() {
			neverExpire++
		}
	}
	return len(t.byHash), neverExpire
}

// Lookup returns the principal a token belongs to at now: ErrExpired once
// its expiry has passed, ErrUnauthenticated when it is not configured.
// Every configured hash is compared in constant time, so the time taken
// tells nothing of the tokens.
func (t *Tokens) Lookup(token string, now time.Time) (Principal, error) {
	if t == nil || token == "" {
		return Principal{}, ErrUnauthenticated
	}
	h := sha256.Sum256([]byte(token))
	var found configured
	ok := false
	for known, c := range t.byHash {
		if subtle.ConstantTimeCompare(h[:], known[:]) == 1 {
			found, ok = c, true
		}
	}
	switch {
	case !ok:
		return Principal{}, ErrUnauthenticated
	case !found.expires.IsZero() && !now.Before(found.expires):
		return Principal{}, ErrExpired
	}
	return found.Principal, nil
}

// Authenticate implements Authenticator.
func (t *Tokens) Authenticate(_ context.Context, token string) (Principal, error) {
	return t.Lookup(token, time.Now())
}

// NewToken makes a random token and the line that configures it, valid
// from now for ttl; a ttl of 0 makes a token that never expires.
func NewToken(role, subject string, ttl time.Duration, now time.Time) (token, line string, err error) {
	if _, ok := roleNames[role]; !ok {
		return "", "", fmt.Errorf("unknown role %q (reader, planner or admin)", role)
	}
	if subject == "" || strings.ContainsAny(subject, " \t;#") {
		return "", "", fmt.Errorf("the subject must be one word")
	}
	if ttl < 0 {
		return "", "", fmt.Errorf("the ttl must not be negative")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = "og_" + hex.EncodeToString(b)
	h := sha256.Sum256([]byte(token))
	line = fmt.Sprintf("%s %s sha256:%s", role, subject, hex.EncodeToString(h[:]))
	if ttl > 0 {
		line += " expires=" + now.Add(ttl).UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	return token, line, nil
}
