package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bif-kk/orggraph/internal/loadtest"
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rest := args[1:]
	cmd := "run"
	if len(rest) > 0 && (rest[0] == "run" || rest[0] == "synth") {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "synth":
		return synth(rest, stdout, stderr)
	default:
		return load(ctx, rest, stdout, stderr)
	}
}

func load(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("orggraph-load run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint")
	rate := fs.Float64("rate", 0, "open model: requests per second, latency counted from each one's scheduled start")
	maxInFlight := fs.Int("max-in-flight", 1024, "open model: outstanding requests beyond which arrivals are dropped")
	conc := fs.Int("concurrency", 0, "closed model: workers, each sending when its last request answers (default 16 without --rate)")
	duration := fs.Duration("duration", 20*time.Second, "the measured period")
	warmup := fs.Duration("warmup", 5*time.Second, "run first and left out of the results")
	timeout := fs.Duration("timeout", 10*time.Second, "bound on one request")
	weights := fs.String("weights", "", "query weights, e.g. widget=100,impact=0 (kinds: widget, impact, dependencies, search, deep)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file ('-' for stdout instead of the table)")
	label := fs.String("label", "", "a label for the report (the store and size, say)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rate > 0 && *conc > 0 {
		return errors.New("give --rate or --concurrency, not both")
	}
	if *rate == 0 && *conc == 0 {
		*conc = 16
	}
	mix, err := loadtest.ParseWeights(loadtest.DefaultMix(), *weights)
	if err != nil {
		return err
	}
	r, err := loadtest.Run(ctx, loadtest.Config{
		URL: *url, Mix: mix, Rate: *rate, MaxInFlight: *maxInFlight, Concurrency: *conc,
		Warmup: *warmup, Duration: *duration, Timeout: *timeout, Seed: 1,
	})
	if err != nil {
		return err
	}
	r.Label = *label
	if *jsonOut == "-" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	if *jsonOut != "" {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	return r.Markdown(stdout)
}
