package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Config is one load run.
type Config struct {
	// URL is the GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql.
	URL string
	Mix []Query
	// Rate > 0 runs the open model: Rate requests a second arrive on
	// schedule whether or not earlier ones have finished, and each one's
	// latency counts from its scheduled start, so queueing is included.
	Rate float64
	// MaxInFlight bounds the open model's outstanding requests; an arrival
	// beyond it is dropped and counted (default 1024).
	MaxInFlight int
	// Concurrency > 0 (with Rate 0) runs the closed model: that many
	// workers, each sending its next request when the last one answers.
	Concurrency int
	// Warmup is run first and left out of the results; Duration is measured.
	Warmup, Duration time.Duration
	// Timeout bounds one request (default 10 s).
	Timeout time.Duration
	// Client sends the requests (default: one with enough idle connections).
	Client *http.Client
	// Seed makes the choice of queries repeatable.
	Seed uint64
}

// lateAfter is how far behind its schedule an open-model request may be sent
// before it counts as late: the generator itself could not keep up.
const lateAfter = 5 * time.Millisecond

type outcome struct {
	kind    int
	latency time.Duration
	status  int // 0 when the request failed before an answer
	gqlErr  bool
	late    bool
}

// Run drives the load and returns the report of the measured period.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.URL == "" || len(cfg.Mix) == 0 {
		return nil, errors.New("loadtest: a URL and a mix are needed")
	}
	if (cfg.Rate > 0) == (cfg.Concurrency > 0) {
		return nil, errors.New("loadtest: give either a rate (open model) or a concurrency (closed model)")
	}
	if cfg.Duration <= 0 {
		return nil, errors.New("loadtest: the duration must be positive")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 1024
	}
	conns := cfg.Concurrency
	if cfg.Rate > 0 {
		conns = cfg.MaxInFlight
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: &http.Transport{
			MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute,
		}}
	}
	bodies := make([][]byte, len(cfg.Mix))
	var total int
	for i, q := range cfg.Mix {
		b, err := json.Marshal(map[string]any{"query": q.Query, "variables": q.Variables})
		if err != nil {
			return nil, fmt.Errorf("loadtest: %s: %w", q.Kind, err)
		}
		bodies[i] = b
		total += q.Weight
	}
	cum := make([]int, len(cfg.Mix))
	acc := 0
	for i, q := range cfg.Mix {
		acc += q.Weight
		cum[i] = acc
	}
	pick := func(r *rand.Rand) int {
		n := r.IntN(total)
		for i, c := range cum {
			if n < c {
				return i
			}
		}
		return len(cum) - 1
	}

	var (
		mu       sync.Mutex
		outcomes []outcome
		dropped  int
	)
	start := time.Now()
	measureFrom := start.Add(cfg.Warmup)
	end := measureFrom.Add(cfg.Duration)
	record := func(o outcome, scheduled time.Time) {
		if scheduled.Before(measureFrom) {
			return
		}
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
	}
	send := func(kind int, scheduled time.Time) outcome {
		o := outcome{kind: kind}
		rctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(rctx, http.MethodPost, cfg.URL, bytes.NewReader(bodies[kind]))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			var resp *http.Response
			resp, err = cfg.Client.Do(req)
			if err == nil {
				var body []byte
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil {
					o.status = resp.StatusCode
					o.gqlErr = hasErrors(body)
				}
			}
		}
		o.latency = time.Since(scheduled)
		return o
	}

	var wg sync.WaitGroup
	if cfg.Concurrency > 0 {
		for w := range cfg.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(cfg.Seed, uint64(w)))
				for ctx.Err() == nil {
					now := time.Now()
					if !now.Before(end) {
						return
					}
					k := pick(r)
					record(send(k, now), now)
				}
			}()
		}
	} else {
		r := rand.New(rand.NewPCG(cfg.Seed, 0))
		interval := time.Duration(float64(time.Second) / cfg.Rate)
		slots := make(chan struct{}, cfg.MaxInFlight)
	schedule:
		for i := 0; ; i++ {
			scheduled := start.Add(time.Duration(i) * interval)
			if !scheduled.Before(end) {
				break
			}
			if d := time.Until(scheduled); d > 0 {
				select {
				case <-ctx.Done():
					break schedule
				case <-time.After(d):
				}
			}
			k := pick(r)
			late := time.Since(scheduled) > lateAfter
			select {
			case slots <- struct{}{}:
			default:
				if !scheduled.Before(measureFrom) {
					mu.Lock()
					dropped++
					mu.Unlock()
				}
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				o := send(k, scheduled)
				o.late = late
				record(o, scheduled)
			}()
		}
	}
	wg.Wait()
	elapsed := cfg.Duration
	if ctx.Err() != nil {
		elapsed = max(0, time.Since(measureFrom))
	}
	return buildReport(cfg, outcomes, dropped, elapsed), nil
}

// hasErrors says whether a GraphQL response carries errors. gqlgen writes
// "errors" before "data", so a look at the start avoids decoding every
// response in the load generator's own hot path.
func hasErrors(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	if bytes.HasPrefix(b, []byte(`{"errors"`)) {
		return true
	}
	if bytes.HasPrefix(b, []byte(`{"data"`)) {
		return false
	}
	var r struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(b, &r) != nil {
		return true // not GraphQL at all
	}
	return len(r.Errors) > 0
}
