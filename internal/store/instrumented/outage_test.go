package instrumented_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store/instrumented"
)

// Through the decorator: a thousand calls failing for one cause are one
// WARN line that names it; the calls still fail as the store said.
func TestOutagesAreLoggedOncePerCause(t *testing.T) {
	var logs bytes.Buffer
	cause := errors.New("ConnectivityError: dial tcp 10.0.0.7:7687: connect: connection refused")
	st := instrumented.New(&fakeStore{err: errors.Join(domain.ErrUnavailable, cause)}, nil, nil,
		instrumented.LogOutages(slog.New(slog.NewJSONHandler(&logs, nil)), time.Hour))
	for range 1000 {
		if _, err := st.NodesByID(context.Background(), []domain.ID{"centre:cba"}); !errors.Is(err, domain.ErrUnavailable) {
			t.Fatalf("the call's error changed: %v", err)
		}
	}
	got := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(got) != 1 || !strings.Contains(got[0], `"level":"WARN"`) || !strings.Contains(got[0], `"cause":"`+cause.Error()+`"`) ||
		!strings.Contains(got[0], `"op":"NodesByID"`) {
		t.Fatalf("want one WARN line naming the cause, got %d:\n%s", len(got), logs.String())
	}
}
