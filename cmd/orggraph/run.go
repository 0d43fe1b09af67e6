package main

import (
	"context"
	"errors"
	"flag"
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

// parseFlags parses a command's flags and refuses arguments beyond them.
// done says the command has nothing more to do: its flags are wrong (err),
// or -h asked for their usage, which fs has printed.
func parseFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return true, err
	}
	if fs.NArg() > 0 {
		return true, fmt.Errorf("%s: unexpected arguments %q", fs.Name(), fs.Args())
	}
	return false, nil
}

// envOr returns the environment variable key, or def when it is unset or empty.
func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
