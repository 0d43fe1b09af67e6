package auth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"
)

// TokensFile is the tokens of a file, with fixed lines (from the
// environment) beside them, read again when the file changes, so that a
// line removed stops its token within a poll.
//
// It polls rather than watches: editors save by writing a new file and
// renaming it over the old one, and Kubernetes swaps a symlink to a new
// folder, and a watch on the file is lost after either. Reading a file of a
// few lines once a second and comparing its hash sees every change, even
// one that keeps the size and the modification time.
type TokensFile struct {
	path, fixed string
	logger      *slog.Logger
	current     atomic.Pointer[Tokens]
	seen        [sha256.Size]byte // the hash of the content current was read from
	lastErr     string            // the last reload error logged, so it is logged once
}

// OpenTokensFile reads path and the fixed lines; either failing is an
// error, since a server should not start without the tokens it was given.
func OpenTokensFile(path, fixed string, logger *slog.Logger) (*TokensFile, error) {
	f := &TokensFile{path: path, fixed: fixed, logger: logger}
	if _, err := f.reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Tokens are the ones read last that parsed.
func (f *TokensFile) Tokens() *Tokens { return f.current.Load() }

// Authenticate implements Authenticator, with the tokens read last.
func (f *TokensFile) Authenticate(ctx context.Context, token string) (Principal, error) {
	return f.Tokens().Authenticate(ctx, token)
}

// Watch reads the file again every interval until ctx ends. A file that
// cannot be read or does not parse keeps the last good tokens, and the
// reason is logged once (until it changes).
func (f *TokensFile) Watch(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		changed, err := f.reload()
		switch {
		case err != nil:
			if err.Error() != f.lastErr {
				f.lastErr = err.Error()
				f.logger.Warn("tokens file not reloaded; the tokens read last stay in force", "path", f.path, "err", err)
			}
		case changed:
			f.lastErr = ""
			all, never := f.Tokens().Len()
			f.logger.Info("tokens file reloaded", "path", f.path, "tokens", all, "never_expire", never)
		}
	}
}

// reload parses the file when its content differs from what was read last.
func (f *TokensFile) reload() (changed bool, err error) {
	b, err := os.ReadFile(f.path)
	if err != nil {
		return false, fmt.Errorf("tokens file: %w", err)
	}
	h := sha256.Sum256(b)
	if f.current.Load() != nil && h == f.seen {
		return false, nil
	}
	t, err := ParseTokens(string(b) + "\n" + f.fixed) // the file first, so that line numbers are its own
	if err != nil {
		return false, fmt.Errorf("tokens file %s: %w", f.path, err)
	}
	f.current.Store(t)
	f.seen = h
	return true, nil
}
