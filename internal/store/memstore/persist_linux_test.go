//go:build linux

package memstore

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// TestAFailedAppendIsCutBack fills the disk, as far as the journal can
// tell: a file size limit a few bytes past its end, so the next line is
// written in part and fails (Go ignores SIGXFSZ, so the write returns
// EFBIG). The part must be cut, so the next write starts a line of its own.
func TestAFailedAppendIsCutBack(t *testing.T) {
	st, dir := journalled(t)
	ctx := context.Background()
	n := storetest.NewTargetGroup()
	if _, err := st.Apply(ctx, domain.Write{Op: domain.CreateNode, Actor: "planner", Node: n}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, journalName)
	before, _ := os.ReadFile(path)

	var was syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &was); err != nil {
		t.Fatal(err)
	}
	limited := was
	limited.Cur = uint64(len(before) + 100)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limited); err != nil {
		t.Fatal(err)
	}
	upd := *n
	upd.Description = strings.Repeat("lang ", 100)
	_, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &upd, ExpectedVersion: 1})
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &was); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("a write past the limit: want ErrUnavailable, got %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatalf("the failed line was not cut: %d bytes, want %d", len(after), len(before))
	}

	upd.Description = "kort"
	if _, err := st.Apply(ctx, domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &upd, ExpectedVersion: 1}); err != nil {
		t.Fatalf("the next write: %v", err)
	}
	st.Close(ctx)
	var logged bytes.Buffer
	again, err := Open(storetest.Fixture(), dir, WithLogger(slog.New(slog.NewJSONHandler(&logged, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close(ctx)
	got, _ := again.NodesByID(ctx, []domain.ID{n.ID})
	if g := got[n.ID]; g.Version != 2 || g.Description != "kort" || logged.Len() > 0 {
		t.Fatalf("after restart: %+v; logged %s", g, logged.String())
	}
}
