package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/store/neo4jstore"
)

// neo4jFlags registers the connection settings shared by serve and seed.
// Each flag defaults to its environment variable.
func neo4jFlags(fs *flag.FlagSet, getenv func(string) string) func() (neo4jstore.Config, error) {
	uri := fs.String("neo4j-uri", envOr(getenv, "NEO4J_URI", "bolt://127.0.0.1:7687"), "Neo4j URI; neo4j://… routes across a cluster (env NEO4J_URI)")
	user := fs.String("neo4j-user", envOr(getenv, "NEO4J_USER", "neo4j"), "Neo4j user (env NEO4J_USER)")
	password := fs.String("neo4j-password", getenv("NEO4J_PASSWORD"), "Neo4j password (env NEO4J_PASSWORD)")
	database := fs.String("neo4j-database", envOr(getenv, "NEO4J_DATABASE", "neo4j"), "Neo4j database (env NEO4J_DATABASE)")
	timeout := fs.String("neo4j-timeout", envOr(getenv, "ORGGRAPH_NEO4J_TIMEOUT", "5s"), "bound on each Neo4j transaction (env ORGGRAPH_NEO4J_TIMEOUT)")
	return func() (neo4jstore.Config, error) {
		d, err := time.ParseDuration(*timeout)
		if err != nil || d <= 0 {
			return neo4jstore.Config{}, fmt.Errorf("--neo4j-timeout %q is not a positive duration such as 5s", *timeout)
		}
		return neo4jstore.Config{URI: *uri, User: *user, Password: *password, Database: *database, QueryTimeout: d}, nil
	}
}

// bootstrapWithBackoff creates the schema, retrying with growing pauses
// while Neo4j cannot be reached, and says so plainly each time. It gives up
// only when ctx ends or, if patience is positive, once patience has passed.
func bootstrapWithBackoff(ctx context.Context, st *neo4jstore.Store, cfg neo4jstore.Config, patience time.Duration, logger *slog.Logger) error {
	start := time.Now()
	pause := 500 * time.Millisecond
	for {
		err := st.Bootstrap(ctx)
		if err == nil {
			return nil
		}
		if !errors.Is(err, domain.ErrUnavailable) || ctx.Err() != nil {
			return err
		}
		if patience > 0 && time.Since(start)+pause > patience {
			return fmt.Errorf("Neo4j at %s did not answer within %s", cfg.URI, patience)
		}
		var cause *neo4jstore.Error
		reason := "it does not answer"
		if errors.As(err, &cause) && cause.Cause != nil {
			reason = cause.Cause.Error()
		}
		logger.Warn("Neo4j is not reachable; retrying", "uri", cfg.URI, "database", cfg.Database,
			"retry_in", pause.String(), "reason", reason)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(pause*2, 30*time.Second)
	}
}

// seedCommand brings seed/ into Neo4j by the re-seed rule
// (domain.PlanReseed): versions rise, each change is audited as the seed,
// planners' edits are kept unless --overwrite, and the report says what was
// changed, kept and in conflict. Invalid seed data writes nothing.
func seedCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seedDir := fs.String("seed-dir", envOr(getenv, "ORGGRAPH_SEED_DIR", "seed"), "directory of seed YAML files (env ORGGRAPH_SEED_DIR)")
	prune := fs.Bool("prune", false, "also remove nodes and relationships that seed/ no longer holds (planners' own are kept)")
	overwrite := fs.Bool("overwrite", false, "write seed/'s facts over planners' edits of them")
	wait := fs.Duration("wait", 60*time.Second, "how long to wait for Neo4j to answer")
	config := neo4jFlags(fs, getenv)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	cfg, err := config()
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	// Validate first: bad seed data never reaches the database.
	g, err := seed.LoadDir(*seedDir)
	if err != nil {
		return fmt.Errorf("seed: seed data in %s is not valid; nothing was written:\n%w", *seedDir, err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	st, err := neo4jstore.New(cfg)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer st.Close(context.WithoutCancel(ctx))
	if err := bootstrapWithBackoff(ctx, st, cfg, *wait, logger); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	rep, err := st.Reseed(ctx, g, domain.ReseedOptions{Prune: *prune, Overwrite: *overwrite})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	nodes, rels, err := st.Counts(ctx)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(stdout, "seeded %s (database %s) from %s: %d nodes, %d relationships in the database\n%s\n",
		cfg.URI, cfg.Database, *seedDir, nodes, rels, rep)
	return nil
}
