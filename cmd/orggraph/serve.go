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
	"syscall"
	"time"

	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/memstore"
)

// shutdownTimeout bounds how long in-flight requests get to finish.
const shutdownTimeout = 10 * time.Second

// serve runs the HTTP server until ctx ends or SIGINT/SIGTERM arrives, then
// shuts down gracefully.
func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "ORGGRAPH_ADDR", ":8080"), "address to listen on (env ORGGRAPH_ADDR)")
	storeName := fs.String("store", envOr(getenv, "ORGGRAPH_STORE", "memory"), "store to serve from: memory (env ORGGRAPH_STORE)")
	seedDir := fs.String("seed-dir", envOr(getenv, "ORGGRAPH_SEED_DIR", "seed"), "directory of seed YAML files (env ORGGRAPH_SEED_DIR)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	st, err := openStore(*storeName, *seedDir)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close(context.WithoutCancel(ctx)) }()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           httpserver.NewServer(logger, st, httpserver.Options{}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("orggraph listening", "addr", ln.Addr().String(), "store", *storeName, "seed_dir", *seedDir)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	logger.Info("orggraph shutting down")
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

// openStore is the one place a store is chosen.
func openStore(name, seedDir string) (store.Store, error) {
	switch name {
	case "memory":
		g, err := seed.LoadDir(seedDir)
		if err != nil {
			return nil, fmt.Errorf("serve: seed data in %s is not valid:\n%w", seedDir, err)
		}
		st, err := memstore.New(g)
		if err != nil {
			return nil, fmt.Errorf("serve: memory store: %w", err)
		}
		return st, nil
	case "neo4j":
		return nil, errors.New("serve: store neo4j is not available yet; use --store memory")
	default:
		return nil, fmt.Errorf("serve: unknown store %q (want memory)", name)
	}
}
