package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bif-kk/orggraph/internal/auth"
)

// authFlags registers who may read and write: token lines from a file
// and/or the environment, and whether reads need a token.
func authFlags(fs *flag.FlagSet, getenv func(string) string) func() (*auth.Tokens, bool, error) {
	file := fs.String("tokens-file", getenv("ORGGRAPH_TOKENS_FILE"), "file of token lines \"<role> <subject> sha256:<hex>\", from `orggraph token` (env ORGGRAPH_TOKENS_FILE)")
	reads := fs.String("read-auth", envOr(getenv, "ORGGRAPH_READ_AUTH", "open"), "open: anyone may read; token: reads need a valid token (env ORGGRAPH_READ_AUTH)")
	return func() (*auth.Tokens, bool, error) {
		spec := getenv("ORGGRAPH_TOKENS") // token lines separated by ';'
		if *file != "" {
			b, err := os.ReadFile(*file)
			if err != nil {
				return nil, false, fmt.Errorf("--tokens-file: %w", err)
			}
			spec += "\n" + string(b)
		}
		tokens, err := auth.ParseTokens(spec)
		if err != nil {
			return nil, false, err
		}
		switch *reads {
		case "open":
			return tokens, false, nil
		case "token":
			return tokens, true, nil
		default:
			return nil, false, fmt.Errorf("--read-auth %q: want open or token", *reads)
		}
	}
}

// tokenCommand mints a bearer token: the token for its holder, and the line
// that configures it, which holds only the token's hash.
func tokenCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "planner", "reader, planner or admin")
	subject := fs.String("subject", "", "who holds it, as the audit trail will name them (required)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	token, line, err := auth.NewToken(*role, *subject)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	fmt.Fprintf(stdout, "token (give it to %s; it is not stored anywhere):\n  %s\nline for the tokens file (ORGGRAPH_TOKENS_FILE):\n  %s\n", *subject, token, line)
	return nil
}
