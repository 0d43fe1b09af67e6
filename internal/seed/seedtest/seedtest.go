// Package seedtest gives tests the real seed: the repository's seed/ folder,
// read and validated by package seed, as a graph or in a fresh memstore,
// read-only or writable; and any other graph (storetest.Fixture, a
// synthetic one) in a fresh memstore the same way.
package seedtest

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/seed"
	"github.com/bif-kk/orggraph/internal/store/memstore"
)

// Dir is the repository's seed/ folder, found from this file's place in the
// tree so that a test in any package names the same folder.
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("seedtest: the source file's path is unknown")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "seed")
}

// Graph reads the real seed afresh, so the caller may change it.
func Graph(t testing.TB) *domain.Graph {
	t.Helper()
	g, err := seed.LoadDir(Dir())
	if err != nil {
		t.Fatalf("seedtest: loading %s: %v", Dir(), err)
	}
	return g
}

// Store is the real seed in a fresh memstore of its own.
func Store(t testing.TB) *memstore.Store {
	t.Helper()
	st, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Writable is the real seed in a fresh memstore that keeps its writes in
// dir, as a server started with --data-dir does; it closes when the test
// ends.
func Writable(t testing.TB, dir string) *memstore.Store {
	t.Helper()
	return Open(t, Graph(t), dir)
}

// Mem is g in a fresh read-only memstore.
func Mem(t testing.TB, g *domain.Graph) *memstore.Store {
	t.Helper()
	st, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Open is g in a fresh memstore that keeps its writes in dir; it closes
// when the test ends.
func Open(t testing.TB, g *domain.Graph, dir string) *memstore.Store {
	t.Helper()
	st, err := memstore.Open(g, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return st
}

// Load is Store for a caller with no test at hand, such as a store shared by
// a test binary's tests through sync.OnceValues.
func Load() (*memstore.Store, error) {
	g, err := seed.LoadDir(Dir())
	if err != nil {
		return nil, fmt.Errorf("seedtest: loading %s: %w", Dir(), err)
	}
	return memstore.New(g)
}
