package httpserver

import (
	"container/list"
	"context"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/store"
)

// answer is one successful GET answer as cacheQueries keeps it: the
// headers the GraphQL endpoint set (Content-Type, Vary), the body, and
// what its operation cost and was called.
type answer struct {
	header    http.Header
	body      []byte
	length    []string // Content-Length's value
	price     int
	operation string

	key, tag string // what it is kept by (answerKey), and its ETag
	size     int64
}

// pay spends the answer's price from the request's budget, as running its
// operation would: false when the budget cannot pay it.
func (a *answer) pay(r *http.Request) bool {
	if a.operation != "" {
		observe.SetOperationName(r.Context(), a.operation)
	}
	if a.price <= 0 {
		return true
	}
	b := querylimit.BudgetFrom(r.Context())
	return b == nil || b.Spend(r.Context(), a.price).OK
}

// writeTo sends the answer with its tag and caching policy. A kept answer
// is never changed, so its header values are shared by every hit; net/http
// only reads them.
func (a *answer) writeTo(w http.ResponseWriter, etag, cacheControl string) {
	h := w.Header()
	for k, vv := range a.header {
		h[k] = append(h[k], vv...)
	}
	h["Etag"] = []string{etag}
	h["Cache-Control"] = []string{cacheControl}
	h["Content-Length"] = a.length
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body)
}

// pricedBudget passes an operation's spending on to the request's budget
// and adds up what was paid, which a kept answer then costs.
type pricedBudget struct {
	querylimit.Budget
	spent atomic.Int64
}

func (p *pricedBudget) Spend(ctx context.Context, cost int) querylimit.Spending {
	s := p.Budget.Spend(ctx, cost)
	if s.OK {
		p.spent.Add(int64(cost))
	}
	return s
}

// answerEntryOverhead is about what an entry costs beside its tag, body and
// headers: the map's slot, the list's element, the answer itself.
const answerEntryOverhead = 256

// answerCache keeps answers by their key (answerKey) up to max bytes, the
// least recently used dropped first; an answer over an eighth of max is
// not kept. Every answer kept is of one graph version: an answer of
// another version empties it, since no request asks for the old graph
// again once the store has moved on (a request that read the version
// before a later one's is not kept, on a store whose versions it can
// order). A nil cache keeps nothing.
//
// It is written here, not taken from a library: the well-kept LRUs
// (hashicorp/golang-lru) bound the count of entries, not their bytes, and
// ristretto's admission may decline a first answer and sets asynchronously,
// so a GET just answered might not be kept; this is a map and a list.
type answerCache struct {
	max int64

	mu      sync.Mutex
	version store.Version
	used    int64
	byKey   map[string]*list.Element // of *answer
	recent  *list.List               // most recently used first
}

// newAnswerCache keeps up to max bytes; max <= 0 keeps none (nil).
func newAnswerCache(max int64) *answerCache {
	if max <= 0 {
		return nil
	}
	return &answerCache{max: max, byKey: map[string]*list.Element{}, recent: list.New()}
}

// get returns the answer kept under key at version v, or nil.
func (c *answerCache) get(v store.Version, key []byte) *answer {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		return nil
	}
	el, ok := c.byKey[string(key)] // no copy: the compiler looks up the bytes
	if !ok {
		return nil
	}
	c.recent.MoveToFront(el)
	return el.Value.(*answer)
}

// put keeps a, the answer at version v, under key with its ETag.
func (c *answerCache) put(v store.Version, key, tag string, a *answer) {
	if c == nil {
		return
	}
	a.key, a.tag = key, tag
	a.size = int64(len(key)+len(tag)+len(a.body)) + answerEntryOverhead
	for k, vv := range a.header {
		a.size += int64(len(k))
		for _, s := range vv {
			a.size += int64(len(s))
		}
	}
	if a.size > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		if v.Epoch == c.version.Epoch && v.Seq < c.version.Seq {
			return // read before a write whose answers are kept already
		}
		c.version, c.used = v, 0
		clear(c.byKey)
		c.recent.Init()
	}
	if el, ok := c.byKey[key]; ok { // two misses at once: keep the one
		c.recent.MoveToFront(el)
		return
	}
	c.byKey[key] = c.recent.PushFront(a)
	c.used += a.size
	for c.used > c.max {
		el := c.recent.Back()
		old := el.Value.(*answer)
		c.recent.Remove(el)
		delete(c.byKey, old.key)
		c.used -= old.size
	}
}

// stats is how many answers are kept and their bytes, for tests.
func (c *answerCache) stats() (n int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey), c.used
}
