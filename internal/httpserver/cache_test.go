package httpserver

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"time"
)

func getQuery(query string) string { return "/graphql?query=" + url.QueryEscape(query) }

// A successful GET query carries a strong ETag and may be cached; sending
// the ETag back gets 304 with no body.
func TestGETQueriesAreCacheable(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{})
	target := getQuery(`{ centres { code } }`)
	first := send(h, http.MethodGet, target, "")
	if first.Code != http.StatusOK {
		t.Fatalf("status %d: %s", first.Code, first.Body)
	}
	etag := first.Header().Get("ETag")
	if len(etag) != 34 || !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) {
		t.Fatalf("ETag = %q, want a strong tag of 32 hex digits", etag)
	}
	if cc := first.Header().Get("Cache-Control"); cc != "public, no-cache" { // revalidate: a write may change the answer
		t.Errorf("Cache-Control = %q", cc)
	}
	vary := strings.Join(first.Header().Values("Vary"), ", ")
	for _, want := range []string{"Accept", "Authorization"} {
		if !strings.Contains(vary, want) {
			t.Errorf("Vary = %q lacks %s", vary, want)
		}
	}
	if again := send(h, http.MethodGet, target, ""); again.Header().Get("ETag") != etag {
		t.Errorf("the same answer got another ETag: %q", again.Header().Get("ETag"))
	}
	if other := send(h, http.MethodGet, getQuery(`{ centres { name } }`), ""); other.Header().Get("ETag") == etag {
		t.Error("a different answer got the same ETag")
	}

	tests := []struct {
		name        string
		ifNoneMatch string
		want        int
	}{
		{"the ETag", etag, http.StatusNotModified},
		{"the ETag, weak", "W/" + etag, http.StatusNotModified},
		{"in a list", `"0000", ` + etag + `, "ffff"`, http.StatusNotModified},
		{"weak, in a list without spaces", `W/"0000",W/` + etag, http.StatusNotModified},
		{"any", "*", http.StatusNotModified},
		{"another tag", `"0123456789abcdef0123456789abcdef"`, http.StatusOK},
		{"the tag unquoted", strings.Trim(etag, `"`), http.StatusOK},
		{"a list of others", `"a", W/"b"`, http.StatusOK},
		{"none", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(h, http.MethodGet, target, "", "If-None-Match", tt.ifNoneMatch)
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d", rec.Code, tt.want)
			}
			if rec.Header().Get("ETag") != etag || rec.Header().Get("Cache-Control") != "public, no-cache" {
				t.Errorf("ETag %q, Cache-Control %q", rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
			}
			if tt.want == http.StatusNotModified {
				if rec.Body.Len() != 0 {
					t.Errorf("a 304 with a body: %s", rec.Body)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "" {
					t.Errorf("a 304 with Content-Type %q", ct)
				}
			} else if rec.Body.String() != first.Body.String() {
				t.Errorf("body = %s, want %s", rec.Body, first.Body)
			}
		})
	}
}

// What is not a successful GET query must not be stored anywhere.
func TestWhatMayNotBeCached(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{})
	tests := []struct {
		name, method, target, body string
		status                     int
	}{
		{"POST", http.MethodPost, "/graphql", `{"query":"{ centres { code } }"}`, http.StatusOK},
		{"an error in the data", http.MethodGet, getQuery(`{ centre(code: "NOPE") { code } node(id: "x") { id } }`), "", http.StatusOK},
		// A request error: 200 to an application/json client, which reads it from the body.
		{"does not validate", http.MethodGet, getQuery(`{ nope }`), "", http.StatusOK},
		{"no query", http.MethodGet, "/graphql", "", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(h, tt.method, tt.target, tt.body, "Content-Type", "application/json")
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.method == http.MethodGet && len(errorCodes(t, rec.Body.Bytes())) == 0 {
				t.Fatalf("the case wants errors: %s", rec.Body)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			if etag := rec.Header().Get("ETag"); etag != "" {
				t.Errorf("ETag %q on what may not be cached", etag)
			}
			// Nor does a matching If-None-Match get a 304 for it.
			again := send(h, tt.method, tt.target, tt.body, "Content-Type", "application/json", "If-None-Match", "*")
			if again.Code == http.StatusNotModified {
				t.Error("304 for an answer that may not be cached")
			}
		})
	}
}

func TestCacheControl(t *testing.T) {
	target := getQuery(`{ centres { code } }`)
	tests := []struct {
		name   string
		maxAge time.Duration
		auth   string
		want   string
	}{
		{"default: revalidate every time, since planners write", 0, "", "public, no-cache"},
		{"configured", 5 * time.Minute, "", "public, max-age=300"},
		{"revalidate every time", -1, "", "public, no-cache"},
		{"with a bearer token", 5 * time.Minute, "reader", "private, max-age=300"},
		{"with a bearer token that is not valid", 0, "Bearer abc", "no-store"},
	}
	tok, tokens := oneToken(t, "reader", "widget")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.auth == "reader" {
				tt.auth = "Bearer " + tok
			}
			h := quietServer(fixtureStore(t), Options{CacheMaxAge: tt.maxAge, Tokens: tokens})
			rec := send(h, http.MethodGet, target, "", "Authorization", tt.auth)
			if got := rec.Header().Get("Cache-Control"); got != tt.want {
				t.Errorf("Cache-Control = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestETagMatches(t *testing.T) {
	const etag = `"abc"`
	tests := []struct {
		header string
		want   bool
	}{
		{`"abc"`, true},
		{`W/"abc"`, true},
		{` "x" , "abc" `, true},
		{`*`, true},
		{`"abcd"`, false},
		{`"ab"`, false},
		{`abc`, false},
		{`"abc`, false},
		{``, false},
		{`W/`, false},
		{`"x",,`, false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := etagMatches(tt.header, etag); got != tt.want {
				t.Errorf("etagMatches(%q) = %v", tt.header, got)
			}
		})
	}
}
