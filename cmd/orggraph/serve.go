package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/live"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/instrumented"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/neo4jstore"
	"github.com/bif-kk/orggraph/internal/web"
)

// shutdownTimeout bounds how long in-flight requests get to finish.
const shutdownTimeout = 10 * time.Second

// serve runs the HTTP server until ctx ends or SIGINT/SIGTERM arrives, then
// shuts down gracefully.
func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "ORGGRAPH_ADDR", ":8080"), "address to listen on (env ORGGRAPH_ADDR)")
	storeName := fs.String("store", envOr(getenv, "ORGGRAPH_STORE", "memory"), "store to serve from: memory or neo4j (env ORGGRAPH_STORE)")
	seedDir := fs.String("seed-dir", envOr(getenv, "ORGGRAPH_SEED_DIR", "seed"), "directory of seed YAML files, for the memory store (env ORGGRAPH_SEED_DIR)")
	seedOverwrite := fs.Bool("seed-overwrite", false, "at start, write seed/'s facts over planners' recorded edits of them (memory store with --data-dir)")
	dataDir := fs.String("data-dir", getenv("ORGGRAPH_DATA_DIR"), "folder where the memory store journals planners' writes, locked while served; without it, writes are refused (env ORGGRAPH_DATA_DIR)")
	pprofAddr := fs.String("pprof", getenv("ORGGRAPH_PPROF"), "address to serve Go's profiles on (/debug/pprof/), apart from the API, e.g. 127.0.0.1:6060; empty: off (env ORGGRAPH_PPROF)")
	authConfig := authFlags(fs, getenv)
	neo4jConfig := neo4jFlags(fs, getenv)
	httpConfig := httpFlags(fs, getenv)
	telemetryConfig := observeFlags(fs, getenv)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	opts, gqlOpts, err := httpConfig()
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	gcPercent := setGCPercent(getenv)
	memoryLimit := setMemoryLimit(getenv)
	if gqlOpts.LoaderWait == 0 && *storeName == "memory" {
		gqlOpts.LoaderWait = graph.MemoryLoaderWait
	}
	if *storeName == "neo4j" {
		gqlOpts.HeavySlots = graph.Neo4jHeavySlots
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := httpserver.RequestLogger(slog.New(slog.NewJSONHandler(stderr, nil)))
	if opts.Tokens, opts.ReadsNeedToken, err = authConfig(ctx, logger); err != nil {
		return fmt.Errorf("serve: %w", err)
	}

	tel, err := telemetryConfig(ctx)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer func() { // flush the last spans
		flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = tel.shutdown(flushCtx)
	}()
	opts.Metrics, opts.TracerProvider = tel.metrics, tel.tracing
	gqlOpts.Metrics = tel.metrics
	gqlOpts.TrustedDocuments = graph.NewTrustedDocuments(web.WidgetOperations()...)

	st, err := openStore(ctx, *storeName, *seedDir, *dataDir, *seedOverwrite, neo4jConfig, logger)
	if err != nil {
		return err
	}
	st = instrumented.New(st, tel.metrics, tel.tracer(), instrumented.LogOutages(logger, instrumented.DefaultOutageLogEvery))
	defer func() { _ = st.Close(context.WithoutCancel(ctx)) }()

	if *pprofAddr != "" {
		if err := servePprof(ctx, *pprofAddr, logger); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// The GraphQL endpoint is built here and handed to the HTTP layer,
	// which knows it only as a handler.
	gql := graph.NewHandler(logger, st, gqlOpts)
	defer gql.Close() // before the store closes: the change feed may be reading it
	opts.GraphQL, opts.Schema = gql, graph.SDL()
	// Live connections end as the shutdown begins, each told why, rather
	// than hold it for shutdownTimeout.
	drain, endLive := context.WithCancelCause(context.WithoutCancel(ctx))
	defer endLive(nil)
	opts.Drain = drain
	srv := &http.Server{
		Handler:           httpserver.NewServer(logger, st, opts),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      max(60*time.Second, opts.RequestTimeout+10*time.Second), // past the request's own deadline
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("orggraph listening", "addr", ln.Addr().String(), "store", *storeName, "seed_dir", *seedDir,
		"playground", opts.Playground, "cors_origins", opts.CORSOrigins, "budget", opts.Budget,
		"metrics", tel.metrics != nil, "tracing", tel.tracing != nil, "data_dir", *dataDir, "reads_need_token", opts.ReadsNeedToken,
		"gc_percent", gcPercent, "memory_limit_bytes", memoryLimit)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	logger.Info("orggraph shutting down")
	srv.RegisterOnShutdown(func() { endLive(live.ErrShuttingDown) })
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// defaultGCPercent is the collector's target for serve when GOGC is not set.
// A request allocates much and keeps nothing, and the seed is a few MB, so at
// Go's 100 the collector ran many times a second: the widget served 9,744
// req/s at 100, 11,898 at 200 and 14,187 at 400 (16 workers, one run each).
// The price is a heap up to five times the live data; GOGC=100 restores Go's
// default, and GOMEMLIMIT caps the heap whatever the target.
const defaultGCPercent = 400

// setGCPercent applies defaultGCPercent unless GOGC says otherwise, and
// returns the target in force (-1: off).
func setGCPercent(getenv func(string) string) int {
	if getenv("GOGC") != "" {
		p := debug.SetGCPercent(100) // read the runtime's value…
		debug.SetGCPercent(p)        // …and put it back
		return p
	}
	debug.SetGCPercent(defaultGCPercent)
	return defaultGCPercent
}

// defaultMemoryLimit is the heap's soft limit for serve when GOMEMLIMIT is
// not set. defaultGCPercent lets the heap grow to five times the live data,
// which at the seed's size is a few tens of MB; at a thousand times the seed
// the live data is some 270 MB, and parsing it passes through twice that. The
// limit makes the collector work harder as the heap nears it, instead of
// letting it grow to 1.5 GB: the memory store at 1000× starts under 1 GB of
// RSS. A heap that needs more than the limit still gets it (the runtime
// bounds the collector's share of CPU); GOMEMLIMIT sets another limit, such as
// a container's memory less some headroom, and GOMEMLIMIT=off none.
const defaultMemoryLimit = 768 << 20

// setMemoryLimit applies defaultMemoryLimit unless GOMEMLIMIT says
// otherwise, and returns the limit in force.
func setMemoryLimit(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1) // the runtime has applied it; read it
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
	return defaultMemoryLimit
}

// openStore is the one place a store is chosen. A Neo4j store is returned at
// once, so the server listens (and /readyz says 503) while Neo4j is still
// coming up; its schema is bootstrapped in the background with backoff.
func openStore(ctx context.Context, name, seedDir, dataDir string, seedOverwrite bool, neo4jConfig func() (neo4jstore.Config, error), logger *slog.Logger) (store.Store, error) {
	switch name {
	case "memory":
		g, err := seed.LoadDir(seedDir)
		if err != nil {
			return nil, fmt.Errorf("serve: seed data in %s is not valid:\n%w", seedDir, err)
		}
		st, err := memstore.Open(g, dataDir, memstore.WithLogger(logger),
			memstore.WithReseed(domain.ReseedOptions{Prune: true, Overwrite: seedOverwrite}))
		if err != nil {
			return nil, fmt.Errorf("serve: memory store: %w", err)
		}
		if dataDir != "" {
			logSeedReport(logger, seedDir, st.Report())
		}
		return st, nil
	case "neo4j":
		cfg, err := neo4jConfig()
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		st, err := neo4jstore.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		go func() {
			if err := bootstrapWithBackoff(ctx, st, cfg, 0, logger); err != nil {
				if ctx.Err() == nil {
					logger.Error("Neo4j schema bootstrap failed", "uri", cfg.URI, "err", err)
				}
				return
			}
			nodes, _, err := st.Counts(ctx)
			switch {
			case err != nil:
			case nodes == 0:
				logger.Warn("Neo4j holds no orggraph data yet: run `orggraph seed`", "uri", cfg.URI, "database", cfg.Database)
			default:
				logger.Info("Neo4j ready", "uri", cfg.URI, "database", cfg.Database, "nodes", nodes)
			}
		}()
		return st, nil
	default:
		return nil, fmt.Errorf("serve: unknown store %q (want memory or neo4j)", name)
	}
}

// logSeedReport logs what the embedded store's re-seed at start did; a
// conflict (a planner's edit of a fact seed/ changed too) is a warning.
func logSeedReport(logger *slog.Logger, seedDir string, rep domain.SeedReport) {
	level := slog.LevelInfo
	if len(rep.Conflicts) > 0 {
		level = slog.LevelWarn
	}
	logger.Log(context.Background(), level, "re-seeded the memory store from "+seedDir,
		"changed", len(rep.Changed), "kept", len(rep.Kept), "conflicts", len(rep.Conflicts), "unchanged", rep.Unchanged,
		"report", rep.String())
}
