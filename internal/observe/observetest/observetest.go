// Package observetest reads metric values and logs back in tests.
package observetest

import (
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/bif-kk/orggraph/internal/observe"
)

// Value returns the value of the metric called name whose labels include
// every one of labels: a counter's or gauge's value, a histogram's sample
// count; summed over the series that match. 0 when none does.
func Value(t testing.TB, m *observe.Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, metric := range f.GetMetric() {
			if !hasLabels(metric, labels) {
				continue
			}
			switch {
			case metric.Counter != nil:
				sum += metric.Counter.GetValue()
			case metric.Gauge != nil:
				sum += metric.Gauge.GetValue()
			case metric.Histogram != nil:
				sum += float64(metric.Histogram.GetSampleCount())
			}
		}
	}
	return sum
}

func hasLabels(metric *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range metric.GetLabel() {
		if v, ok := want[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(want)
}
