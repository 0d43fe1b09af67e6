package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

const usage = `Usage: orggraph <command> [flags]

Commands:
  serve   serve the GraphQL API (orggraph serve -h for its flags)
  seed    load seed/ into Neo4j (orggraph seed -h for its flags)
  token   mint a bearer token for a reader, planner or admin, valid for --ttl (90 days)
  help    show this text
`

// errUsage says the command line named no known command.
var errUsage = errors.New("unknown or missing command")

// run is the whole program: main only supplies the process's context,
// arguments, environment and streams, so tests can run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch cmd, rest := args[1], args[2:]; cmd {
	case "serve":
		return serve(ctx, rest, getenv, stderr)
	case "seed":
		return seedCommand(ctx, rest, getenv, stdout, stderr)
	case "token":
		return tokenCommand(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: %q", errUsage, cmd)
	}
}

// envOr returns the environment variable key, or def when it is unset or empty.
func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
