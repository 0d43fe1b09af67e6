package memstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// journalled is the store fixture journalled in a folder of the test's own,
// closed when the test ends.
func journalled(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := Open(storetest.Fixture(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return st, dir
}

func TestAWriteTheJournalCannotTakeChangesNothing(t *testing.T) {
	st, dir := journalled(t)
	ctx := context.Background()
	// A handle that can neither write nor cut the journal: the append
	// fails and cannot be undone.
	ro, err := os.Open(filepath.Join(dir, journalName))
	if err != nil {
		t.Fatal(err)
	}
	st.journal.f.Close()
	st.journal.f = ro

	n := storetest.NewTargetGroup()
	w := domain.Write{Op: domain.CreateNode, Actor: "planner", Node: n}
	for range 2 { // the first fails, the second is refused: the journal is broken
		if _, err := st.Apply(ctx, w); !errors.Is(err, domain.ErrUnavailable) {
			t.Fatalf("want ErrUnavailable, got %v", err)
		}
	}
	if st.journal.broken == nil {
		t.Error("a journal that could not be cut back takes more writes")
	}
	if got, _ := st.NodesByID(ctx, []domain.ID{n.ID}); len(got) != 0 {
		t.Fatal("a write the journal did not take took effect")
	}
	if es, _ := st.Audit(ctx, store.AuditQuery{Actor: "planner"}); len(es) != 0 {
		t.Fatalf("a write the journal did not take is in the audit trail: %+v", es)
	}
}
