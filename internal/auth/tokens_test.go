package auth_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/observe/observetest"
)

// status sends a request with token through the middleware and returns the
// status and the body.
func status(t *testing.T, a auth.Authenticator, token string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	auth.Middleware(a, false)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestTokenExpiry(t *testing.T) {
	minted := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tok, line, err := auth.NewToken("planner", "anna", 720*time.Hour, minted)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(line, " expires=2026-12-31T12:00:00Z") {
		t.Fatalf("the line does not carry the expiry: %s", line)
	}
	forever, foreverLine, err := auth.NewToken("reader", "widget", 0, minted)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(foreverLine, "expires=") {
		t.Fatalf("--ttl 0 wrote an expiry: %s", foreverLine)
	}
	if _, _, err := auth.NewToken("reader", "widget", -time.Hour, minted); err == nil {
		t.Fatal("a negative ttl was accepted")
	}
	tokens, err := auth.ParseTokens(line + "\n" + foreverLine)
	if err != nil {
		t.Fatal(err)
	}
	if all, never := tokens.Len(); all != 2 || never != 1 {
		t.Fatalf("Len = %d, %d; want 2, 1", all, never)
	}
	for _, tt := range []struct {
		name  string
		token string
		at    time.Time
		want  error
	}{
		{"just minted", tok, minted, nil},
		{"a second before its expiry", tok, minted.Add(720*time.Hour - time.Second), nil},
		{"at its expiry", tok, minted.Add(720 * time.Hour), auth.ErrExpired},
		{"a year on", tok, minted.AddDate(1, 0, 0), auth.ErrExpired},
		{"a line without expiry, a century on", forever, minted.AddDate(100, 0, 0), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tokens.Lookup(tt.token, tt.at)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Lookup: %v, want %v", err, tt.want)
			}
		})
	}

	t.Run("refused with 401 saying it expired", func(t *testing.T) {
		expired, line, err := auth.NewToken("planner", "anna", time.Hour, time.Now().Add(-2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		tokens, err := auth.ParseTokens(line)
		if err != nil {
			t.Fatal(err)
		}
		code, body := status(t, tokens, expired)
		if code != http.StatusUnauthorized || !strings.Contains(body, `"code":"UNAUTHENTICATED"`) || !strings.Contains(body, "expired") {
			t.Fatalf("%d %s", code, body)
		}
	})
}

// TestTokensFileReload removes a line from the tokens file, as an editor
// saves (a new file renamed over the old), and polls until its token is
// refused; the other token keeps working, and a file that does not parse
// keeps the tokens read last.
func TestTokensFileReload(t *testing.T) {
	annaTok, annaLine := mint(t, "planner", "anna")
	boTok, boLine := mint(t, "planner", "bo")
	envTok, envLine := mint(t, "reader", "widget")
	path := filepath.Join(t.TempDir(), "tokens")
	save := func(content string) {
		t.Helper()
		tmp := path + ".new"
		if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	save(annaLine + "\n" + boLine + "\n")
	logs := &observetest.Logs{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	f, err := auth.OpenTokensFile(path, envLine, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go f.Watch(ctx, 50*time.Millisecond)

	for _, tok := range []string{annaTok, boTok, envTok} {
		if code, body := status(t, f, tok); code != http.StatusOK {
			t.Fatalf("before the edit: %d %s", code, body)
		}
	}
	save("# anna left\n" + boLine + "\n")
	refusedWithin(t, f, annaTok, 5*time.Second)
	if code, _ := status(t, f, boTok); code != http.StatusOK {
		t.Fatalf("bo's token, still in the file: %d", code)
	}
	if code, _ := status(t, f, envTok); code != http.StatusOK {
		t.Fatalf("the environment's token: %d", code)
	}

	t.Run("a file that does not parse keeps the last good tokens", func(t *testing.T) {
		save(boLine + "\nplanner carl sha256:nothex\n")
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(logs.String(), "not reloaded") {
			if time.Now().After(deadline) {
				t.Fatalf("no log of the bad file within 5 s: %s", logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(logs.String(), "line 2") {
			t.Fatalf("the log does not say which line: %s", logs.String())
		}
		if code, _ := status(t, f, boTok); code != http.StatusOK {
			t.Fatalf("bo's token after a bad edit: %d", code)
		}
		if code, _ := status(t, f, annaTok); code != http.StatusUnauthorized {
			t.Fatalf("anna's token came back: %d", code)
		}
	})

	t.Run("a file removed keeps the last good tokens", func(t *testing.T) {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		save(annaLine + "\n")
		// Back with anna only: bo is refused once the file is read again.
		refusedWithin(t, f, boTok, 5*time.Second)
		if code, _ := status(t, f, annaTok); code != http.StatusOK {
			t.Fatalf("anna's token, back in the file: %d", code)
		}
	})

	t.Run("a file that cannot be read at start is an error", func(t *testing.T) {
		if _, err := auth.OpenTokensFile(filepath.Join(t.TempDir(), "missing"), "", logger); err == nil {
			t.Fatal("opened a missing file")
		}
	})
}

// refusedWithin polls until token is refused with 401, failing after limit.
func refusedWithin(t *testing.T, a auth.Authenticator, token string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		code, body := status(t, a, token)
		if code == http.StatusUnauthorized {
			if !strings.Contains(body, `"code":"UNAUTHENTICATED"`) {
				t.Fatalf("401 without its code: %s", body)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %d after %s", code, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkTokensLookup: every configured hash is compared, so a lookup
// costs in proportion to the number of tokens.
func BenchmarkTokensLookup(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("%d tokens", n), func(b *testing.B) {
			var lines []string
			var tok string
			for i := range n {
				t, line, err := auth.NewToken("planner", fmt.Sprintf("p%d", i), auth.DefaultTTL, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				tok, lines = t, append(lines, line)
			}
			tokens, err := auth.ParseTokens(strings.Join(lines, "\n"))
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			for b.Loop() {
				if _, err := tokens.Lookup(tok, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
