package loadtest

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Report is one run's measured period; latencies are in milliseconds.
type Report struct {
	Label       string  `json:"label,omitempty"`
	Model       string  `json:"model"` // "open" or "closed"
	URL         string  `json:"url"`
	Rate        float64 `json:"rate,omitempty"`
	Concurrency int     `json:"concurrency,omitempty"`
	WarmupSec   float64 `json:"warmupSeconds"`
	DurationSec float64 `json:"durationSeconds"`
	// Dropped counts open-model arrivals not sent because MaxInFlight
	// requests were outstanding; Late those sent behind their schedule.
	Dropped int     `json:"dropped"`
	Late    int     `json:"late"`
	Overall Stats   `json:"overall"`
	Kinds   []Stats `json:"kinds"`
}

// Stats are one query kind's (or all kinds') numbers.
type Stats struct {
	Kind     string  `json:"kind"`
	Requests int     `json:"requests"`
	OK       int     `json:"ok"`
	PerSec   float64 `json:"perSecond"`
	// HTTPErrors are answers with a status other than 200 and requests that
	// got no answer; GraphQLErrors are 200 answers carrying errors.
	HTTPErrors    int     `json:"httpErrors"`
	GraphQLErrors int     `json:"graphqlErrors"`
	MeanMs        float64 `json:"meanMs"`
	P50Ms         float64 `json:"p50Ms"`
	P95Ms         float64 `json:"p95Ms"`
	P99Ms         float64 `json:"p99Ms"`
	MaxMs         float64 `json:"maxMs"`
}

func buildReport(cfg Config, outcomes []outcome, dropped int, elapsed time.Duration) *Report {
	r := &Report{
		Model: "closed", URL: cfg.URL, Concurrency: cfg.Concurrency,
		WarmupSec: cfg.Warmup.Seconds(), DurationSec: elapsed.Seconds(), Dropped: dropped,
	}
	if cfg.Rate > 0 {
		r.Model, r.Rate, r.Concurrency = "open", cfg.Rate, 0
	}
	byKind := make([][]outcome, len(cfg.Mix))
	for _, o := range outcomes {
		byKind[o.kind] = append(byKind[o.kind], o)
		if o.late {
			r.Late++
		}
	}
	for i, q := range cfg.Mix {
		r.Kinds = append(r.Kinds, stats(q.Kind, byKind[i], elapsed))
	}
	r.Overall = stats("all", outcomes, elapsed)
	return r
}

func stats(kind string, os []outcome, elapsed time.Duration) Stats {
	s := Stats{Kind: kind, Requests: len(os)}
	if elapsed > 0 {
		s.PerSec = round(float64(len(os)) / elapsed.Seconds())
	}
	lat := make([]time.Duration, 0, len(os))
	var sum time.Duration
	for _, o := range os {
		switch {
		case o.status != 200:
			s.HTTPErrors++
		case o.gqlErr:
			s.GraphQLErrors++
		default:
			s.OK++
		}
		lat = append(lat, o.latency)
		sum += o.latency
	}
	if len(lat) == 0 {
		return s
	}
	slices.Sort(lat)
	s.MeanMs = ms(sum / time.Duration(len(lat)))
	s.P50Ms = ms(percentile(lat, 50))
	s.P95Ms = ms(percentile(lat, 95))
	s.P99Ms = ms(percentile(lat, 99))
	s.MaxMs = ms(lat[len(lat)-1])
	return s
}

// percentile is the nearest-rank percentile of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return round(float64(d) / float64(time.Millisecond)) }

func round(f float64) float64 { return math.Round(f*1000) / 1000 }

// Markdown writes the report as a table, one row per kind and one overall.
func (r *Report) Markdown(w io.Writer) error {
	load := fmt.Sprintf("%d workers", r.Concurrency)
	if r.Model == "open" {
		load = fmt.Sprintf("%g req/s offered, %d dropped, %d late", r.Rate, r.Dropped, r.Late)
	}
	if r.Label != "" {
		if _, err := fmt.Fprintf(w, "%s: ", r.Label); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%s model, %s, %gs after %gs warm-up, %s\n\n"+
		"| kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | HTTP errors | GraphQL errors |\n"+
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", r.Model, load, r.DurationSec, r.WarmupSec, r.URL)
	if err != nil {
		return err
	}
	for _, s := range append(slices.Clone(r.Kinds), r.Overall) {
		name := s.Kind
		if name == "all" {
			name = "**all**"
		}
		if _, err := fmt.Fprintf(w, "| %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %d |\n",
			name, s.Requests, s.PerSec, s.P50Ms, s.P95Ms, s.P99Ms, s.MaxMs, s.HTTPErrors, s.GraphQLErrors); err != nil {
			return err
		}
	}
	return nil
}
