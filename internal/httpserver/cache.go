package httpserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bif-kk/orggraph/internal/store"
)

// DefaultCacheMaxAge is how long a successful GET query may be reused
// without asking: none, since planners write. Clients revalidate every time
// with If-None-Match, and an unchanged answer costs a 304 without a body.
// A deployment that takes no writes may set a max-age.
const DefaultCacheMaxAge = -1 * time.Second

// cacheQueries makes GET (and HEAD) queries cacheable: a successful answer (200, no
// errors) gets a strong ETag and Cache-Control max-age, and a request whose
// If-None-Match holds that ETag gets 304 with no body. Any other answer,
// and every POST, is no-store. maxAge <= 0 means revalidate every time
// (no-cache), which still saves the body with 304s.
//
// The ETag is keyed by the graph's version read from the store
// (store.ChangeFeed) and by what was asked (the query string, Accept and
// Authorization): every instance over one store tags one answer alike,
// and none answers 304 for a graph a write on another instance has
// changed since. An answer is a function of the graph and the request, so
// a matching tag is answered 304 before the query runs. The version is
// read before the answer, so an answer never carries a tag older than the
// graph it read; when it cannot be read, nothing is cached.
//
// A request that carries Authorization gets "private": a shared cache must
// not hand one caller's answer to another, should reads ever depend on who
// asks. The answer varies with Accept too (gqlgen picks application/json or
// application/graphql-response+json by it).
func cacheQueries(maxAge time.Duration, feed store.ChangeFeed) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Cache-Control", "no-store")
				next.ServeHTTP(w, r)
				return
			}
			h := w.Header()
			h.Add("Vary", "Accept")
			h.Add("Vary", "Authorization")
			v, err := feed.Version(r.Context())
			if err != nil {
				h.Set("Cache-Control", "no-store")
				next.ServeHTTP(w, r)
				return
			}
			etag := versionTag(v, r)
			inm := r.Header.Get("If-None-Match")
			if strings.TrimSpace(inm) != "*" && etagMatches(inm, etag) {
				h.Set("ETag", etag)
				h.Set("Cache-Control", cacheControl(maxAge, r.Header.Get("Authorization") != ""))
				w.WriteHeader(http.StatusNotModified)
				return
			}
			buf := &bufferedResponse{header: h}
			next.ServeHTTP(buf, r)
			if buf.status != http.StatusOK || hasErrors(buf.body.Bytes()) {
				h.Set("Cache-Control", "no-store")
				buf.writeTo(w)
				return
			}
			h.Set("ETag", etag)
			h.Set("Cache-Control", cacheControl(maxAge, r.Header.Get("Authorization") != ""))
			if etagMatches(inm, etag) { // "*": there is an answer now
				h.Del("Content-Type")
				h.Del("Content-Length")
				w.WriteHeader(http.StatusNotModified)
				return
			}
			buf.writeTo(w)
		})
	}
}

// versionTag is the strong ETag of r's answer at graph version v.
func versionTag(v store.Version, r *http.Request) string {
	sum := sha256.New()
	for _, part := range []string{v.String(), r.URL.RawQuery, r.Header.Get("Accept"), r.Header.Get("Authorization")} {
		sum.Write([]byte(part))
		sum.Write([]byte{0})
	}
	return `"` + hex.EncodeToString(sum.Sum(nil)[:16]) + `"`
}

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
// timeoutWriter, with a header of its own.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
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
	return b.body.Write(p)
}

func (b *bufferedResponse) writeTo(w http.ResponseWriter) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}
