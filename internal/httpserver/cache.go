package httpserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/store"
)

// DefaultCacheMaxAge is how long a successful GET query may be reused
// without asking: none, since planners write. Clients revalidate every time
// with If-None-Match, and an unchanged answer costs a 304 without a body.
// A deployment that takes no writes may set a max-age.
const DefaultCacheMaxAge = -1 * time.Second

// DefaultAnswerCacheBytes bounds the answers cacheQueries keeps to serve
// again: a widget's answer is a few hundred bytes, the deep listing at
// 100× the seed about 1.2 MB.
const DefaultAnswerCacheBytes = 32 << 20

// cacheQueries makes GET (and HEAD) queries cacheable, by clients and
// here: a successful answer (200, no errors) gets a strong ETag and
// Cache-Control, a request whose If-None-Match holds that ETag gets 304
// with no body, and one without it gets the answer kept in answers, when
// there is one, without the query running. Any other answer, and every
// POST, is no-store and kept nowhere. maxAge <= 0 means revalidate every
// time (no-cache), which still saves the body with 304s.
//
// The ETag names an answer: it is keyed by the graph's version read from
// the store (store.ChangeFeed) and by everything the answer depends on
// (answerKey): every instance over one store tags one answer alike, and
// none answers 304, or with a kept body, for a graph a write on another
// instance has changed since. An answer is a function of the graph and
// the request, so a matching tag is answered before the query runs. The
// version is read before the answer, so an answer never carries a tag
// older than the graph it read; when it cannot be read, nothing is cached.
// It runs after authentication, so the tag knows who is asking, and an
// expired or revoked token is refused before any answer is reused.
//
// A kept answer costs its client's budget what its operation cost
// (querylimit spends it while the query runs): a client the budget would
// refuse is not served from the cache, and the query runs to refuse it
// in the one way querylimit words it.
//
// A request that carries Authorization gets "private": a shared cache must
// not hand one caller's answer to another, should reads ever depend on who
// asks. The answer varies with Accept too (gqlgen picks application/json or
// application/graphql-response+json by it), and with Accept-Language,
// which the GraphQL endpoint names in Vary itself.
func cacheQueries(maxAge time.Duration, feed store.ChangeFeed, answers *answerCache) func(http.Handler) http.Handler {
	public, private := cacheControl(maxAge, false), cacheControl(maxAge, true)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				h.Set("Cache-Control", "no-store")
				next.ServeHTTP(w, r)
				return
			}
			h["Vary"] = append(h["Vary"], "Accept", "Authorization")
			v, err := feed.Version(r.Context())
			if err != nil {
				h.Set("Cache-Control", "no-store")
				next.ServeHTTP(w, r)
				return
			}
			kb := keyBuffers.Get().(*[]byte)
			key := answerKey((*kb)[:0], v, r)
			defer func() { *kb = key[:0]; keyBuffers.Put(kb) }()
			// A kept answer has its tag already: a hit hashes nothing.
			a := answers.get(v, key)
			var etag string
			if a != nil {
				etag = a.tag
			} else {
				etag = tagOf(key)
			}
			cc := public
			if r.Header.Get("Authorization") != "" {
				cc = private
			}
			// "*" matches any answer there is: one kept, or one made below.
			if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) && (a != nil || strings.TrimSpace(inm) != "*") {
				h["Etag"] = []string{etag}
				h["Cache-Control"] = []string{cc}
				w.WriteHeader(http.StatusNotModified)
				return
			}
			if a != nil && a.pay(r) {
				a.writeTo(w, etag, cc)
				return
			}

			// The handler writes into a header of its own, so that what it
			// sets can be kept with its answer and set again for a hit.
			buf := &bufferedResponse{header: http.Header{}}
			price := &pricedBudget{}
			if b := querylimit.BudgetFrom(r.Context()); b != nil {
				price.Budget = b
				r = r.WithContext(querylimit.WithBudget(r.Context(), price))
			}
			next.ServeHTTP(buf, r)
			body := buf.body()
			if buf.status != http.StatusOK || hasErrors(body) {
				for k, vv := range buf.header {
					h[k] = append(h[k], vv...)
				}
				h.Set("Cache-Control", "no-store")
				buf.writeTo(w)
				return
			}
			a = &answer{header: buf.header, body: body, price: int(price.spent.Load()),
				operation: observe.OperationName(r.Context())}
			a.length = []string{strconv.Itoa(len(a.body))}
			answers.put(v, string(key), etag, a)
			if etagMatches(r.Header.Get("If-None-Match"), etag) { // "*": there is an answer now
				h["Etag"] = []string{etag}
				h["Cache-Control"] = []string{cc}
				w.WriteHeader(http.StatusNotModified)
				return
			}
			a.writeTo(w, etag, cc)
		})
	}
}

// answerKey appends to b what r's answer at graph version v depends on:
// the version, what was asked (the query string: the document or its
// persisted hash, the variables, the operation's name) and who asked and
// how they read it (Accept, Accept-Language, Authorization, and the
// principal that authentication made of it, whose role a tokens file may
// change). The answers are kept by it, and its digest is their ETag.
func answerKey(b []byte, v store.Version, r *http.Request) []byte {
	b = append(b, v.Epoch...)
	b = append(b, 0)
	b = strconv.AppendInt(b, v.Seq, 10)
	b = append(b, 0)
	b = append(b, r.URL.RawQuery...)
	for _, name := range [...]string{"Accept", "Accept-Language", "Authorization"} {
		b = append(b, 0)
		b = append(b, r.Header.Get(name)...)
	}
	if p, ok := auth.FromContext(r.Context()); ok {
		b = append(b, 0, 'p')
		b = strconv.AppendInt(b, int64(p.Role), 10)
		b = append(b, 0)
		b = append(b, p.Subject...)
	}
	return b
}

// tagOf is the strong ETag of the answer answerKey keyed: every instance
// over one store tags one answer alike.
func tagOf(key []byte) string {
	sum := sha256.Sum256(key)
	var tag [34]byte
	tag[0], tag[33] = '"', '"'
	hex.Encode(tag[1:33], sum[:16])
	return string(tag[:])
}

// keyBuffers are the buffers answerKey writes into.
var keyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func cacheControl(maxAge time.Duration, private bool) string {
	scope := "public"
	if private {
		scope = "private"
	}
	if maxAge <= 0 {
		return scope + ", no-cache"
	}
	return scope + ", max-age=" + strconv.Itoa(int(maxAge.Seconds()))
}

// hasErrors reports whether a GraphQL response carries errors, or is not
// one at all: either way it must not be cached.
func hasErrors(body []byte) bool {
	var resp struct {
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return true
	}
	errs := bytes.TrimSpace(resp.Errors)
	return len(errs) > 0 && !bytes.Equal(errs, []byte("null")) && !bytes.Equal(errs, []byte("[]"))
}

// etagMatches applies If-None-Match's weak comparison: "*" matches, and so
// does any listed tag whose opaque part is etag's, W/ or not.
func etagMatches(ifNoneMatch, etag string) bool {
	list := strings.TrimSpace(ifNoneMatch)
	if list == "*" {
		return true
	}
	for list != "" {
		list = strings.TrimLeft(list, " \t,")
		list = strings.TrimPrefix(list, "W/")
		if !strings.HasPrefix(list, `"`) {
			return false // not a list of entity tags
		}
		end := strings.IndexByte(list[1:], '"')
		if end < 0 {
			return false
		}
		if list[:end+2] == etag {
			return true
		}
		list = list[end+2:]
	}
	return false
}

// bufferedResponse holds a handler's answer so it can be looked at before it
// is sent: by cacheQueries, with the real writer's header, and inside
// timeoutWriter, with a header of its own. What is written is copied; what
// is handed over (WriteOwned) is held as it is, so a large answer is not
// copied once more on its way out, and given back (its release) once
// writeTo has sent it; an answer kept by its body is never given back.
type bufferedResponse struct {
	header   http.Header
	status   int
	parts    [][]byte // the answer in order: copies of what was written, slices handed over
	copied   bool     // the last part is a copy, which the next Write extends
	releases []func() // of the slices handed over, for writeTo
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	if n := len(b.parts); n > 0 && b.copied {
		b.parts[n-1] = append(b.parts[n-1], p...)
	} else {
		b.parts = append(b.parts, bytes.Clone(p))
		b.copied = true
	}
	return len(p), nil
}

// WriteOwned is Write for a caller that hands p over and never changes it
// afterwards (graph's answers): p is held, not copied. release, if not
// nil, is called once writeTo has sent p; not if the answer is kept.
func (b *bufferedResponse) WriteOwned(p []byte, release func()) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.parts = append(b.parts, p)
	b.copied = false
	if release != nil {
		b.releases = append(b.releases, release)
	}
	return len(p), nil
}

// body is the whole answer in one slice, the buffer's own (a part held
// alone, or the parts joined), which nothing changes.
func (b *bufferedResponse) body() []byte {
	if len(b.parts) == 1 {
		return b.parts[0]
	}
	return bytes.Join(b.parts, nil)
}

func (b *bufferedResponse) writeTo(w http.ResponseWriter) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	for _, p := range b.parts {
		_, _ = w.Write(p) // which holds no slice it was given (io.Writer)
	}
	b.parts = nil
	for _, release := range b.releases {
		release()
	}
	b.releases = nil
}
