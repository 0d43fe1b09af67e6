package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/bif-kk/orggraph/internal/auth"
)

// tokensFilePoll is how often the tokens file is read again.
const tokensFilePoll = time.Second

// authFlags registers who may read and write: token lines from a file
// (read again when it changes) and/or the environment, an OpenID Connect
// provider whose JWTs are accepted, and whether reads need a token.
func authFlags(fs *flag.FlagSet, getenv func(string) string) func(context.Context, *slog.Logger) (auth.Authenticator, bool, error) {
	file := fs.String("tokens-file", getenv("ORGGRAPH_TOKENS_FILE"), "file of token lines \"<role> <subject> sha256:<hex> [expires=<time>]\", from `orggraph token`; read again when it changes (env ORGGRAPH_TOKENS_FILE)")
	reads := fs.String("read-auth", envOr(getenv, "ORGGRAPH_READ_AUTH", "open"), "open: anyone may read; token: reads need a valid token (env ORGGRAPH_READ_AUTH)")
	issuer := fs.String("oidc-issuer", getenv("ORGGRAPH_OIDC_ISSUER"), "OpenID Connect issuer URL whose bearer JWTs are accepted; empty: none (env ORGGRAPH_OIDC_ISSUER)")
	audience := fs.String("oidc-audience", getenv("ORGGRAPH_OIDC_AUDIENCE"), "the aud a JWT must carry: orggraph's client id or API name at the provider (env ORGGRAPH_OIDC_AUDIENCE)")
	roleClaim := fs.String("oidc-role-claim", envOr(getenv, "ORGGRAPH_OIDC_ROLE_CLAIM", "orggraph_role"), "the JWT claim with the role, a string or a list; dots reach into objects, as realm_access.roles (env ORGGRAPH_OIDC_ROLE_CLAIM)")
	roles := fs.String("oidc-roles", getenv("ORGGRAPH_OIDC_ROLES"), "claim values to roles, \"<value>=<role>;…\"; empty: the values are reader, planner, admin (env ORGGRAPH_OIDC_ROLES)")
	subjectClaim := fs.String("oidc-subject-claim", envOr(getenv, "ORGGRAPH_OIDC_SUBJECT_CLAIM", "sub"), "the JWT claim the audit trail names a writer by (env ORGGRAPH_OIDC_SUBJECT_CLAIM)")
	return func(ctx context.Context, logger *slog.Logger) (auth.Authenticator, bool, error) {
		var readsNeedToken bool
		switch *reads {
		case "open":
		case "token":
			readsNeedToken = true
		default:
			return nil, false, fmt.Errorf("--read-auth %q: want open or token", *reads)
		}
		var bearer auth.Bearer
		fixed := getenv("ORGGRAPH_TOKENS") // token lines separated by ';'
		if *file != "" {
			f, err := auth.OpenTokensFile(*file, fixed, logger)
			if err != nil {
				return nil, false, fmt.Errorf("--tokens-file: %w", err)
			}
			go f.Watch(ctx, tokensFilePoll)
			bearer.Tokens = f
			logTokens(logger, f.Tokens())
		} else {
			t, err := auth.ParseTokens(fixed)
			if err != nil {
				return nil, false, fmt.Errorf("ORGGRAPH_TOKENS: %w", err)
			}
			bearer.Tokens = t
			logTokens(logger, t)
		}
		if *issuer != "" {
			roleMap, err := auth.ParseRoles(*roles)
			if err != nil {
				return nil, false, fmt.Errorf("--oidc-roles: %w", err)
			}
			o, err := auth.NewOIDC(ctx, auth.OIDCConfig{
				Issuer: *issuer, Audience: *audience, RoleClaim: *roleClaim, Roles: roleMap, SubjectClaim: *subjectClaim,
			}, logger)
			if err != nil {
				return nil, false, err
			}
			bearer.OIDC = o
		}
		return bearer, readsNeedToken, nil
	}
}

// logTokens says how many tokens are configured, and warns of those that
// never expire (lines from before tokens had an expiry, or --ttl 0).
func logTokens(logger *slog.Logger, t *auth.Tokens) {
	all, never := t.Len()
	if never > 0 {
		logger.Warn("some tokens never expire; mint them again with `orggraph token --ttl`", "tokens", all, "never_expire", never)
	}
}

// tokenCommand mints a bearer token: the token for its holder, and the line
// that configures it, which holds only the token's hash and its expiry.
func tokenCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "planner", "reader, planner or admin")
	subject := fs.String("subject", "", "who holds it, as the audit trail will name them (required)")
	ttl := fs.Duration("ttl", auth.DefaultTTL, "how long the token is valid, e.g. 720h; 0: it never expires")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	token, line, err := auth.NewToken(*role, *subject, *ttl, time.Now())
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	fmt.Fprintf(stdout, "token (give it to %s; it is not stored anywhere):\n  %s\nline for the tokens file (ORGGRAPH_TOKENS_FILE):\n  %s\n", *subject, token, line)
	return nil
}
