package handover_test

import (
	"bytes"
	"testing"

	"github.com/bif-kk/orggraph/internal/handover"
)

// holder holds what it is handed, and its releases, as the server's held
// answers do.
type holder struct {
	bytes.Buffer
	held     [][]byte
	releases []func()
}

func (h *holder) WriteOwned(p []byte, release func()) (int, error) {
	h.held, h.releases = append(h.held, p), append(h.releases, release)
	return len(p), nil
}

// A writer that can hold a slice is handed it and its release, uncalled; any
// other writer gets a copy, and the release follows the write at once.
func TestWriteHandsOverOrCopiesThenReleases(t *testing.T) {
	p := []byte("answer")
	released := 0
	release := func() { released++ }

	var h holder
	if n, err := handover.Write(&h, p, release); n != len(p) || err != nil {
		t.Fatalf("Write to a holder: %d, %v", n, err)
	}
	if len(h.held) != 1 || &h.held[0][0] != &p[0] || h.Len() != 0 || released != 0 {
		t.Fatalf("held %d slices (the caller's: %v), copied %q, released %d times: want p held, nothing copied, no release yet",
			len(h.held), len(h.held) == 1 && &h.held[0][0] == &p[0], h.String(), released)
	}

	var copied bytes.Buffer
	if n, err := handover.Write(&copied, p, release); n != len(p) || err != nil || copied.String() != "answer" || released != 1 {
		t.Fatalf("Write to a plain writer: %d, %v, wrote %q, released %d times: want a copy, then one release", n, err, copied.String(), released)
	}
	p[0] = 'A' // the copy is the writer's own
	if copied.String() != "answer" {
		t.Fatalf("the copy changed with the caller's slice: %q", copied.String())
	}

	// Copy copies even for a writer that could hold the slice, and a nil
	// release is no release.
	if _, err := handover.Copy(&h, p, nil); err != nil || h.String() != "Answer" || len(h.held) != 1 {
		t.Fatalf("Copy to a holder: %v, copied %q, held %d: want a copy and nothing more held", err, h.String(), len(h.held))
	}
}
