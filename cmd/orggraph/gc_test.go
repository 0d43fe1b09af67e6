package main

import (
	"runtime/debug"
	"testing"
)

func TestServeSetsTheCollectorsTargetUnlessGOGCIsSet(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	if got := setGCPercent(func(string) string { return "" }); got != defaultGCPercent {
		t.Fatalf("without GOGC: %d, want %d", got, defaultGCPercent)
	}
	if now := debug.SetGCPercent(defaultGCPercent); now != defaultGCPercent {
		t.Fatalf("the runtime's target is %d, want %d", now, defaultGCPercent)
	}

	// With GOGC set the runtime has applied it at start; serve leaves it.
	debug.SetGCPercent(150)
	got := setGCPercent(func(k string) string {
		if k == "GOGC" {
			return "150"
		}
		return ""
	})
	if got != 150 {
		t.Fatalf("with GOGC=150: %d", got)
	}
	if now := debug.SetGCPercent(150); now != 150 {
		t.Fatalf("the runtime's target became %d, want 150 left as it was", now)
	}
}

func TestServeSetsAMemoryLimitUnlessGOMEMLIMITIsSet(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	if got := setMemoryLimit(func(string) string { return "" }); got != defaultMemoryLimit {
		t.Fatalf("without GOMEMLIMIT: %d, want %d", got, defaultMemoryLimit)
	}
	if now := debug.SetMemoryLimit(-1); now != defaultMemoryLimit {
		t.Fatalf("the runtime's limit is %d, want %d", now, defaultMemoryLimit)
	}

	// With GOMEMLIMIT set the runtime has applied it at start; serve leaves it.
	debug.SetMemoryLimit(3 << 30)
	got := setMemoryLimit(func(k string) string {
		if k == "GOMEMLIMIT" {
			return "3GiB"
		}
		return ""
	})
	if got != 3<<30 {
		t.Fatalf("with GOMEMLIMIT=3GiB: %d", got)
	}
	if now := debug.SetMemoryLimit(-1); now != 3<<30 {
		t.Fatalf("the runtime's limit became %d, want 3 GiB left as it was", now)
	}
}
