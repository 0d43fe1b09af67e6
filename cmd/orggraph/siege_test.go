package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/loadtest"
)

// siegeFor is how long TestServeUnderSiege lasts: ORGGRAPH_SIEGE (a Go
// duration), 30 s without it. An environment variable rather than a test
// flag, so that scripts/test can pass it to every package at once.
func siegeFor(t *testing.T) time.Duration {
	t.Helper()
	v := os.Getenv("ORGGRAPH_SIEGE")
	if v == "" {
		return 30 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("ORGGRAPH_SIEGE=%q: want a positive duration such as 30s", v)
	}
	return d
}

// TestServeUnderSiege runs the real server on 127.0.0.1 and, for
// ORGGRAPH_SIEGE (30 s), eight clients sending loadtest.HostileMix as fast as they are
// answered beside one ordinary client asking the load mix. Every hostile
// request is refused with its own code, every ordinary request is
// answered, nothing answers after the request deadline, and nothing is
// logged as an error. The rate limit is off: every client is 127.0.0.1,
// and the limits, not the rate limiter, are what is under test.
// scripts/benchmarks measures the ordinary client's latency and the
// server's memory under the same load.
func TestServeUnderSiege(t *testing.T) {
	const deadline = 2 * time.Second
	base, stderr, stop := startServe(t, nil, "--seed-dir", "../../seed", "--rate-limit", "0", "--request-timeout", deadline.String())

	r, err := loadtest.Siege(context.Background(), loadtest.SiegeConfig{
		URL: base + "/graphql", Hostile: loadtest.HostileMix(), Ordinary: loadtest.DefaultMix(),
		Attackers: 8, Duration: siegeFor(t), Deadline: deadline,
	})
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	_ = r.Markdown(&table)
	t.Logf("under siege:\n%s", table.String())
	switch {
	case r.HostileSent == 0 || r.OrdinarySent == 0:
		t.Fatalf("nothing was sent: %+v", r)
	case r.HostileRefused != r.HostileSent:
		t.Errorf("%d of %d hostile requests were not refused with their code: %v", r.HostileSent-r.HostileRefused, r.HostileSent, r.HostileWrong)
	case r.OrdinaryOK != r.OrdinarySent:
		t.Errorf("%d of %d ordinary requests failed: %v", r.OrdinarySent-r.OrdinaryOK, r.OrdinarySent, r.OrdinaryFailed)
	case r.Late > 0:
		t.Errorf("%d answers came after the %s deadline", r.Late, deadline)
	}

	stop()
	if logs := stderr.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("errors logged under siege:\n%.2000s", logs)
	}
}
