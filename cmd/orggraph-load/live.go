package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bif-kk/orggraph/internal/loadtest"
)

// live subscribes many clients, half over graphql-ws and half over SSE,
// makes writes through the API, and reports how long each took to reach
// every subscriber and the server's memory per subscriber.
func live(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("orggraph-load live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := loadtest.LiveConfig{}
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint")
	fs.StringVar(&cfg.WriteURL, "write-url", "", "where to make the writes: another instance over the same store (default: --url)")
	fs.IntVar(&cfg.Subscribers, "subscribers", 1000, "how many subscribers, half over graphql-ws, half over SSE")
	fs.IntVar(&cfg.Writes, "writes", 20, "how many writes to make once all have subscribed")
	fs.DurationVar(&cfg.Every, "every", 500*time.Millisecond, "between writes")
	fs.StringVar(&cfg.Token, "token", os.Getenv("ORGGRAPH_LOAD_TOKEN"), "a planner's bearer token, for the writes (env ORGGRAPH_LOAD_TOKEN)")
	fs.IntVar(&cfg.ServerPID, "server-pid", 0, "the server's process id, to read its RSS (0: not read)")
	fs.DurationVar(&cfg.Timeout, "timeout", 5*time.Minute, "bound on the whole run")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := loadtest.RunLive(ctx, cfg)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if *jsonOut != "" {
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}
