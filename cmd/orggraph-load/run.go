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
	if len(rest) > 0 && (rest[0] == "run" || rest[0] == "synth" || rest[0] == "compare" || rest[0] == "siege" || rest[0] == "live" || rest[0] == "overpriced") {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "synth":
		return synth(rest, stdout, stderr)
	case "siege":
		return siege(ctx, rest, stdout, stderr)
	case "live":
		return live(ctx, rest, stdout, stderr)
	case "compare":
		return compare(ctx, rest, stdout, stderr)
	case "overpriced":
		return overpriced(ctx, rest, stdout, stderr)
	default:
		return load(ctx, rest, stdout, stderr)
	}
}

// loadFlags are the settings a run and a comparison share.
type loadFlags struct {
	rate        *float64
	maxInFlight *int
	conc        *int
	duration    *time.Duration
	warmup      *time.Duration
	timeout     *time.Duration
	weights     *string
	jsonOut     *string
}

func addLoadFlags(fs *flag.FlagSet) *loadFlags {
	return &loadFlags{
		rate:        fs.Float64("rate", 0, "open model: requests per second, latency counted from each one's scheduled start"),
		maxInFlight: fs.Int("max-in-flight", 1024, "open model: outstanding requests beyond which arrivals are dropped"),
		conc:        fs.Int("concurrency", 0, "closed model: workers, each sending when its last request answers (default 16 without --rate)"),
		duration:    fs.Duration("duration", 20*time.Second, "the measured period"),
		warmup:      fs.Duration("warmup", 5*time.Second, "run first and left out of the results"),
		timeout:     fs.Duration("timeout", 10*time.Second, "bound on one request"),
		weights:     fs.String("weights", "", "query weights, e.g. widget=100,impact=0 (kinds: widget, impact, dependencies, search, deep)"),
		jsonOut:     fs.String("json", "", "also write the report as JSON to this file ('-' for stdout instead of the table)"),
	}
}

// parse parses args into fs, which holds these flags beside its own, checks
// them and returns the load they describe, without URL and mix.
func (f *loadFlags) parse(fs *flag.FlagSet, args []string) (loadtest.Config, error) {
	if err := fs.Parse(args); err != nil {
		return loadtest.Config{}, err
	}
	if *f.rate > 0 && *f.conc > 0 {
		return loadtest.Config{}, errors.New("give --rate or --concurrency, not both")
	}
	if *f.rate == 0 && *f.conc == 0 {
		*f.conc = 16
	}
	return loadtest.Config{
		Rate: *f.rate, MaxInFlight: *f.maxInFlight, Concurrency: *f.conc,
		Warmup: *f.warmup, Duration: *f.duration, Timeout: *f.timeout, Seed: 1,
	}, nil
}

// mix is the default mix, or the one in path, weighted by --weights.
func (f *loadFlags) mix(path string) ([]loadtest.Query, error) {
	mix := loadtest.DefaultMix()
	if path != "" {
		var err error
		if mix, err = loadtest.ReadMix(path); err != nil {
			return nil, err
		}
	}
	return loadtest.ParseWeights(mix, *f.weights)
}

// write sends v to --json and md to stdout, or only v's JSON to stdout with --json -.
func (f *loadFlags) write(stdout io.Writer, v any, md func(io.Writer) error) error {
	if *f.jsonOut == "-" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	if err := writeJSON(*f.jsonOut, v); err != nil {
		return err
	}
	return md(stdout)
}

func load(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("orggraph-load run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint")
	mixFile := fs.String("mix", "", "a JSON file of the mix's queries worded for another server (default: orggraph's own mix)")
	label := fs.String("label", "", "a label for the report (the store and size, say)")
	get := fs.Bool("get", false, "send each query as the intranet widgets do: GET by its persisted query's hash (registered once with its text first)")
	asset := fs.String("asset", "", "GET this path on --url's server in place of the mix, e.g. /widgets/v1/orggraph-widgets.js: the static-file ceiling")
	lf := addLoadFlags(fs)
	cfg, err := lf.parse(fs, args)
	if err != nil {
		return err
	}
	cfg.GET, cfg.Asset = *get, *asset
	if cfg.Mix, err = lf.mix(*mixFile); err != nil {
		return err
	}
	cfg.URL = *url
	r, err := loadtest.Run(ctx, cfg)
	if err != nil {
		return err
	}
	r.Label = *label
	return lf.write(stdout, r, r.Markdown)
}

// compare runs the same load against orggraph and against a peer that asks
// the same questions in its own words, back to back, and prints the ratios.
func compare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("orggraph-load compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "orggraph's GraphQL endpoint")
	name := fs.String("name", "orggraph", "what to call orggraph in the tables")
	peerURL := fs.String("peer-url", "http://127.0.0.1:4000/graphql", "the peer's GraphQL endpoint")
	peerMix := fs.String("peer-mix", "tools/peer/mix.json", "the mix's queries worded for the peer")
	peerName := fs.String("peer-name", "@neo4j/graphql", "what to call the peer in the tables")
	rounds := fs.Int("rounds", 1, "how many times to run both, alternating")
	check := fs.Bool("check", true, "first ask each question once of both and stop unless they answer alike")
	lf := addLoadFlags(fs)
	cfg, err := lf.parse(fs, args)
	if err != nil {
		return err
	}
	own, err := lf.mix("")
	if err != nil {
		return err
	}
	theirs, err := lf.mix(*peerMix)
	if err != nil {
		return err
	}
	a := loadtest.Side{Name: *name, URL: *url, Mix: own}
	b := loadtest.Side{Name: *peerName, URL: *peerURL, Mix: theirs}
	if *check {
		if err := loadtest.CheckAlike(ctx, a, b); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s and %s answer each question of the mix alike\n", a.Name, b.Name)
	}
	c, err := loadtest.Compare(ctx, cfg, a, b, *rounds)
	if err != nil {
		return err
	}
	return lf.write(stdout, c, c.Markdown)
}

// overpriced asks each question of the mix once and prints, one a line,
// "<kind> <price> <limit>" for each the server refused for its price
// before running it; nothing when it let every one in.
func overpriced(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("orggraph-load overpriced", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint")
	weights := fs.String("weights", "", "query weights, as for a run; a kind of weight 0 is not asked")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mix, err := loadtest.ParseWeights(loadtest.DefaultMix(), *weights)
	if err != nil {
		return err
	}
	found, err := loadtest.FindOverpriced(ctx, *url, mix)
	if err != nil {
		return err
	}
	for _, o := range found {
		if _, err := fmt.Fprintf(stdout, "%s %d %d\n", o.Kind, o.Price, o.Limit); err != nil {
			return err
		}
	}
	return nil
}

// siege runs loadtest.HostileMix from eight attackers beside one ordinary
// client asking the load mix, and reports whether each was answered as it
// should be and the ordinary client's latency.
func siege(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("orggraph-load siege", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint")
	attackers := fs.Int("attackers", 8, "hostile clients, each sending as fast as it is answered; 0: the ordinary client alone")
	duration := fs.Duration("duration", 30*time.Second, "how long the siege lasts")
	deadline := fs.Duration("deadline", 10*time.Second, "the server's --request-timeout: an answer later than it counts as late")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := loadtest.Siege(ctx, loadtest.SiegeConfig{URL: *url, Hostile: loadtest.HostileMix(), Ordinary: loadtest.DefaultMix(),
		Attackers: *attackers, Duration: *duration, Deadline: *deadline})
	if err != nil {
		return err
	}
	if err := writeJSON(*jsonOut, r); err != nil {
		return err
	}
	return r.Markdown(stdout)
}

// writeJSON writes the report v as JSON to the file path; "" writes none.
func writeJSON(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}
