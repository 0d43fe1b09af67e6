package instrumented

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
)

// storeError joins the sentinel and a cause as neo4jstore.Error does.
type storeError struct{ cause error }

func (e *storeError) Error() string   { return "neo4jstore: op: " + domain.ErrUnavailable.Error() }
func (e *storeError) Unwrap() []error { return []error{domain.ErrUnavailable, e.cause} }

type logLine struct {
	Level      string `json:"level"`
	Msg        string `json:"msg"`
	Cause      string `json:"cause"`
	Suppressed int    `json:"suppressed"`
}

func lines(t *testing.T, buf *bytes.Buffer) []logLine {
	t.Helper()
	var out []logLine
	dec := json.NewDecoder(buf)
	for dec.More() {
		var l logLine
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// The rate rule: one line per cause per interval, carrying the count of the
// failures it did not log; another cause has its own line; the first answer
// after an outage says so once, with what was left unlogged.
func TestOutageLogIsBoundedPerCause(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s := &Store{name: "neo4jstore"}
	LogOutages(slog.New(slog.NewJSONHandler(&buf, nil)), 5*time.Second)(s)
	o := s.outages
	o.now = func() time.Time { return clock }
	ctx := context.Background()
	refused := &storeError{errors.New("ConnectivityError: dial tcp 10.0.0.7:7687: connect: connection refused")}
	timedOut := fmt.Errorf("graph: centres: %w", &storeError{context.DeadlineExceeded})

	for range 1000 {
		o.record(ctx, "NodesByKind", OutcomeUnavailable, refused)
	}
	if got := lines(t, &buf); len(got) != 1 || got[0].Level != "WARN" || got[0].Cause != refused.cause.Error() || got[0].Suppressed != 0 {
		t.Fatalf("1000 failures in one instant: %+v", got)
	}

	clock = clock.Add(4 * time.Second)
	o.record(ctx, "Links", OutcomeUnavailable, timedOut)
	o.record(ctx, "Links", OutcomeUnavailable, refused)
	if got := lines(t, &buf); len(got) != 1 || got[0].Cause != "context deadline exceeded" {
		t.Fatalf("a second cause inside the interval: %+v", got)
	}

	clock = clock.Add(time.Second)
	o.record(ctx, "Links", OutcomeUnavailable, refused)
	if got := lines(t, &buf); len(got) != 1 || got[0].Cause != refused.cause.Error() || got[0].Suppressed != 1000 {
		t.Fatalf("the first cause once its interval passed: %+v", got)
	}

	o.record(ctx, "Links", OutcomeUnavailable, refused)
	o.record(ctx, "Links", OutcomeNotFound, domain.ErrNotFound)
	if got := lines(t, &buf); len(got) != 0 {
		t.Fatalf("a failure inside the interval and an answer that is not a success: %+v", got)
	}
	o.record(ctx, "Links", OutcomeOK, nil)
	o.record(ctx, "Links", OutcomeOK, nil)
	if got := lines(t, &buf); len(got) != 1 || got[0].Msg != "store answers again" || got[0].Level != "INFO" || got[0].Suppressed != 1 {
		t.Fatalf("recovery: %+v", got)
	}
	o.record(ctx, "Links", OutcomeUnavailable, refused)
	if got := lines(t, &buf); len(got) != 1 || got[0].Suppressed != 0 {
		t.Fatalf("a new outage starts afresh: %+v", got)
	}
}

func TestOutageCauseIsTheWrappedOne(t *testing.T) {
	driver := errors.New("ConnectivityError: connection refused")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a store error", &storeError{driver}, driver.Error()},
		{"a store error wrapped again", fmt.Errorf("loader: %w", &storeError{driver}), driver.Error()},
		{"errors.Join", errors.Join(domain.ErrUnavailable, driver), driver.Error()},
		{"a plain wrap names its own cause", fmt.Errorf("memstore: %w: disk gone", domain.ErrUnavailable), "memstore: store unavailable: disk gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := causeOf(tt.err); got != tt.want {
				t.Errorf("causeOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// Causes that differ only in their numbers (a connection's ports) are one
// cause; however many distinct ones come, an interval has at most
// maxOutageCauses+1 lines.
func TestOutageCausesAreBoundedInKind(t *testing.T) {
	var buf bytes.Buffer
	s := &Store{name: "neo4jstore"}
	LogOutages(slog.New(slog.NewJSONHandler(&buf, nil)), 5*time.Second)(s)
	o := s.outages
	clock := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	o.now = func() time.Time { return clock }
	ctx := context.Background()
	for port := range 1000 {
		o.record(ctx, "Links", OutcomeUnavailable, &storeError{fmt.Errorf("read tcp 127.0.0.1:%d->127.0.0.1:7687: connection reset by peer", 40000+port)})
	}
	if got := lines(t, &buf); len(got) != 1 {
		t.Fatalf("one cause on a thousand ports: %d lines", len(got))
	}
	for i := range 1000 {
		o.record(ctx, "Links", OutcomeUnavailable, &storeError{fmt.Errorf("failure %c%c", 'a'+i%26, 'a'+i/26)})
	}
	// The room left beside the first cause, then one line for the rest.
	if got, want := len(lines(t, &buf)), (maxOutageCauses-1)+1; got != want {
		t.Fatalf("a thousand distinct causes: %d lines, want %d", got, want)
	}
}
