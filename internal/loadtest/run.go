package loadtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
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
	// GET sends each query as the intranet widgets send theirs: by GET,
	// with its variables and its persisted query's hash (automatic
	// persisted queries) in the URL, and Accept: application/json. Each is
	// registered first, by one GET with its text as well.
	GET bool
	// Asset, when set, is a path on URL's server fetched by GET in place of
	// the mix: a static file, the ceiling of what the server answers over
	// HTTP, to hold its GraphQL answers against. Its answers count by their
	// status alone, as the kind "asset".
	Asset string
}

// KindAsset is the kind Config.Asset's requests are reported as.
const KindAsset = "asset"

// request is how one kind of the mix is sent.
type request struct {
	method, url string
	body        []byte
	graphQL     bool // the answer is GraphQL's, whose errors count
}

// requests builds each kind's request, registering persisted queries
// first when they are sent by hash.
func requests(ctx context.Context, cfg Config) ([]request, error) {
	if cfg.Asset != "" {
		u, err := url.Parse(cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("loadtest: %w", err)
		}
		u.Path, u.RawQuery = cfg.Asset, ""
		return []request{{method: http.MethodGet, url: u.String()}}, nil
	}
	out := make([]request, len(cfg.Mix))
	for i, q := range cfg.Mix {
		if !cfg.GET {
			b, err := json.Marshal(map[string]any{"query": q.Query, "variables": q.Variables})
			if err != nil {
				return nil, fmt.Errorf("loadtest: %s: %w", q.Kind, err)
			}
			out[i] = request{method: http.MethodPost, url: cfg.URL, body: b, graphQL: true}
			continue
		}
		vars, err := json.Marshal(q.Variables)
		if err != nil {
			return nil, fmt.Errorf("loadtest: %s: %w", q.Kind, err)
		}
		sum := sha256.Sum256([]byte(q.Query))
		params := url.Values{
			"variables":  {string(vars)},
			"extensions": {`{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`},
		}
		out[i] = request{method: http.MethodGet, url: cfg.URL + "?" + params.Encode(), graphQL: true}
		params.Set("query", q.Query)
		if err := register(ctx, cfg.Client, cfg.URL+"?"+params.Encode()); err != nil {
			return nil, fmt.Errorf("loadtest: registering %s: %w", q.Kind, err)
		}
	}
	return out, nil
}

// register sends a persisted query with its text once, so that the server
// knows its hash.
func register(ctx context.Context, client *http.Client, target string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || hasErrors(body) {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
	}
	return nil
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
	if cfg.Asset != "" {
		cfg.Mix = []Query{{Kind: KindAsset, Weight: 1}}
	}
	reqs, err := requests(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var total int
	for _, q := range cfg.Mix {
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
		rq := reqs[kind]
		var payload io.Reader
		if rq.body != nil {
			payload = bytes.NewReader(rq.body)
		}
		req, err := http.NewRequestWithContext(rctx, rq.method, rq.url, payload)
		if err == nil {
			if rq.body != nil {
				req.Header.Set("Content-Type", "application/json")
			} else if rq.graphQL {
				req.Header.Set("Accept", "application/json")
			}
			var resp *http.Response
			resp, err = cfg.Client.Do(req)
			if err == nil {
				var body []byte
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil {
					o.status = resp.StatusCode
					o.gqlErr = rq.graphQL && hasErrors(body)
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
