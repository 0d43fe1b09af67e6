package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// SiegeConfig is a hostile load: Attackers workers, each sending the
// Hostile documents in turn as fast as they are answered, beside one
// ordinary client asking the Ordinary queries as often as their weights
// say, one after the other, for Duration.
type SiegeConfig struct {
	URL      string
	Hostile  []Hostile
	Ordinary []Query
	// Attackers is how many hostile workers run; 0 measures the ordinary
	// client alone.
	Attackers int
	Duration  time.Duration
	// Deadline is the server's request timeout: an answer that comes later
	// than Deadline and a second's grace counts as late.
	Deadline time.Duration
	Client   *http.Client
}

// SiegeReport is what a siege saw.
type SiegeReport struct {
	Seconds float64 `json:"seconds"`
	// Hostile requests sent, refused with their own code, and a few that
	// were not (what they answered).
	HostileSent    int      `json:"hostileSent"`
	HostileRefused int      `json:"hostileRefused"`
	HostileWrong   []string `json:"hostileWrong,omitempty"`
	// Ordinary requests sent, answered without errors, and a few that were
	// not; the ordinary client's latencies.
	OrdinarySent   int      `json:"ordinarySent"`
	OrdinaryOK     int      `json:"ordinaryOK"`
	OrdinaryFailed []string `json:"ordinaryFailed,omitempty"`
	OrdinaryP50ms  float64  `json:"ordinaryP50ms"`
	OrdinaryP99ms  float64  `json:"ordinaryP99ms"`
	OrdinaryMaxms  float64  `json:"ordinaryMaxms"`
	// Late counts answers, of either kind, that came after the deadline.
	Late int `json:"late"`
}

// keptSamples bounds how many wrong answers a report quotes.
const keptSamples = 10

// Siege runs cfg and reports. It stops early, with what it saw so far,
// when ctx ends.
func Siege(ctx context.Context, cfg SiegeConfig) (*SiegeReport, error) {
	if cfg.URL == "" || cfg.Attackers > 0 && len(cfg.Hostile) == 0 || len(cfg.Ordinary) == 0 || cfg.Duration <= 0 || cfg.Deadline <= 0 {
		return nil, errors.New("loadtest: a siege needs a URL, hostile and ordinary queries, a duration and the server's deadline")
	}
	attackers := max(cfg.Attackers, 0)
	var ordinary []Query // each as often as its weight
	for _, q := range cfg.Ordinary {
		for range max(q.Weight, 1) {
			ordinary = append(ordinary, q)
		}
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: attackers + 1}}
	}
	late := cfg.Deadline + time.Second
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()

	var mu sync.Mutex
	r := &SiegeReport{}
	var latencies []time.Duration
	sample := func(list *[]string, s string) {
		if len(*list) < keptSamples {
			*list = append(*list, s)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range attackers {
		wg.Go(func() {
			for i := w; ctx.Err() == nil; i++ {
				h := cfg.Hostile[i%len(cfg.Hostile)]
				code, took, err := siegeAsk(ctx, client, cfg.URL, h.Query, late)
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				r.HostileSent++
				if took > late {
					r.Late++
				}
				switch {
				case err != nil:
					sample(&r.HostileWrong, fmt.Sprintf("%s: %v", h.Kind, err))
				case code != h.Code:
					sample(&r.HostileWrong, fmt.Sprintf("%s: code %q, want %s", h.Kind, code, h.Code))
				default:
					r.HostileRefused++
				}
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			q := ordinary[i%len(ordinary)]
			code, took, err := siegeAsk(ctx, client, cfg.URL, q, late)
			if ctx.Err() != nil {
				return
			}
			mu.Lock()
			r.OrdinarySent++
			latencies = append(latencies, took)
			if took > late {
				r.Late++
			}
			switch {
			case err != nil:
				sample(&r.OrdinaryFailed, fmt.Sprintf("%s: %v", q.Kind, err))
			case code != "":
				sample(&r.OrdinaryFailed, fmt.Sprintf("%s: code %s", q.Kind, code))
			default:
				r.OrdinaryOK++
			}
			mu.Unlock()
		}
	})
	wg.Wait()
	r.Seconds = round(time.Since(start).Seconds())
	slices.Sort(latencies)
	if len(latencies) > 0 {
		r.OrdinaryP50ms = ms(percentile(latencies, 50))
		r.OrdinaryP99ms = ms(percentile(latencies, 99))
		r.OrdinaryMaxms = ms(latencies[len(latencies)-1])
	}
	return r, nil
}

// siegeAsk posts q and returns its first error's code ("" when it answered
// without errors) and how long the answer took. An answer that is not
// GraphQL, or has errors without a code, is an error; so is none within
// bound.
func siegeAsk(ctx context.Context, client *http.Client, url string, q Query, bound time.Duration) (string, time.Duration, error) {
	body, err := json.Marshal(map[string]any{"query": q.Query, "variables": q.Variables})
	if err != nil {
		return "", 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*bound) // long enough to see a late answer
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return "", time.Since(start), err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil {
		return "", took, err
	}
	var answer struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &answer); err != nil {
		return "", took, fmt.Errorf("status %d, not JSON: %.80s", resp.StatusCode, b)
	}
	if len(answer.Errors) == 0 {
		if resp.StatusCode != http.StatusOK {
			return "", took, fmt.Errorf("status %d without errors", resp.StatusCode)
		}
		return "", took, nil
	}
	code := answer.Errors[0].Extensions.Code
	if code == "" {
		return "", took, fmt.Errorf("status %d, an error without a code: %.120s", resp.StatusCode, b)
	}
	return code, took, nil
}

// Markdown writes the report as a short table.
func (r *SiegeReport) Markdown(w io.Writer) error {
	_, err := fmt.Fprintf(w, "| for | hostile sent | refused with their code | ordinary sent | answered | p50 | p99 | max | late |\n|---|---|---|---|---|---|---|---|---|\n| %.0f s | %d | %d | %d | %d | %.1f ms | %.1f ms | %.1f ms | %d |\n",
		r.Seconds, r.HostileSent, r.HostileRefused, r.OrdinarySent, r.OrdinaryOK, r.OrdinaryP50ms, r.OrdinaryP99ms, r.OrdinaryMaxms, r.Late)
	for _, s := range append(r.HostileWrong, r.OrdinaryFailed...) {
		if err == nil {
			_, err = fmt.Fprintf(w, "- %s\n", s)
		}
	}
	return err
}
