package memstore

import (
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store/storetest"
)

// A node's links of one kind are the snapshot's own slice, its capacity
// ending where it does: two callers that each append to the slice they
// were given get copies of their own, and neither's element lands in the
// other's.
func TestLinksGivenOutAreNotShared(t *testing.T) {
	st, err := New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	sn := st.current()
	for k := range sn.kinded {
		a := append(sn.links(k.id, k.q), domain.Link{Other: "a"})
		b := append(sn.links(k.id, k.q), domain.Link{Other: "b"})
		if a[len(a)-1].Other != "a" || b[len(b)-1].Other != "b" {
			t.Fatalf("%s's %v links: one caller's append shows in the other's (%s, %s)", k.id, k.q, a[len(a)-1].Other, b[len(b)-1].Other)
		}
	}
}
