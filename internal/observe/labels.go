package observe

import "sync"

// boundedLabels caps how many distinct values a label may take, so a label
// fed from the outside (an operation name) cannot grow the number of series
// without bound: past max, new values become overflow. Error codes need no
// cap: only the error table's get a series (codeLabel).
type boundedLabels struct {
	mu       sync.Mutex
	seen     map[string]struct{}
	max      int
	overflow string
}

func newBoundedLabels(max int, overflow string) *boundedLabels {
	return &boundedLabels{seen: map[string]struct{}{}, max: max, overflow: overflow}
}

// value returns v when it is already known or there is room for it, else
// the overflow value.
func (b *boundedLabels) value(v string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.seen[v]; ok {
		return v
	}
	if len(b.seen) >= b.max {
		return b.overflow
	}
	b.seen[v] = struct{}{}
	return v
}

// labelSafe reports whether s is a plausible code or name: 1 to 64 ASCII
// letters, digits and underscores. Anything else is not worth a series.
func labelSafe(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
