package httpserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/store/storetest"
	"github.com/bif-kk/orggraph/internal/web"
)

// centreCard is the intranet widget's centre card as the widget asks for
// it: GET, by its persisted query's hash alone (a trusted document on
// `serve`; registered here by a first GET with the text).
func centreCard(code string) (byHash, withText string) {
	op := web.WidgetOperations()[0]
	sum := sha256.Sum256([]byte(op))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	vars := `{"code":"` + code + `"}`
	byHash = "/graphql?variables=" + url.QueryEscape(vars) + "&extensions=" + url.QueryEscape(ext)
	return byHash, byHash + "&query=" + url.QueryEscape(op)
}

// A GET query's answer is kept: the same GET again is answered with the
// same bytes and headers without reading the store, and each different
// question (variables, Accept, Accept-Language) has an answer of its own.
func TestAnswersAreKept(t *testing.T) {
	st := &storetest.CountingReads{Store: fixtureStore(t)}
	h := quietServer(st, Options{})
	byHash, withText := centreCard("CBA")
	if rec := send(h, http.MethodGet, withText, "", "Accept", "application/json"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"code":"CBA"`) {
		t.Fatalf("registering the widget's query: %d %s", rec.Code, rec.Body)
	}

	first := send(h, http.MethodGet, byHash, "", "Accept", "application/json")
	if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), `"code":"CBA"`) {
		t.Fatalf("by hash: %d %s", first.Code, first.Body)
	}
	before := st.Reads()
	again := send(h, http.MethodGet, byHash, "", "Accept", "application/json")
	if st.Reads() != before {
		t.Errorf("the same GET read the store again (%d reads)", st.Reads()-before)
	}
	if again.Code != http.StatusOK || again.Body.String() != first.Body.String() {
		t.Fatalf("kept answer: %d %s, want %s", again.Code, again.Body, first.Body)
	}
	for _, name := range []string{"Content-Type", "Etag", "Cache-Control", "Vary"} {
		if got, want := again.Header().Values(name), first.Header().Values(name); strings.Join(got, ", ") != strings.Join(want, ", ") || len(want) == 0 {
			t.Errorf("%s: kept %q, first %q", name, got, want)
		}
	}
	if got := again.Header().Get("Content-Length"); got != strconv.Itoa(again.Body.Len()) {
		t.Errorf("Content-Length %q for %d bytes", got, again.Body.Len())
	}
	vary := strings.Join(again.Header().Values("Vary"), ", ")
	for _, want := range []string{"Accept", "Authorization", "Accept-Language"} {
		if !strings.Contains(vary, want) {
			t.Errorf("Vary %q lacks %s", vary, want)
		}
	}
	if again.Header().Get("Cache-Control") != "public, no-cache" {
		t.Errorf("Cache-Control %q", again.Header().Get("Cache-Control"))
	}
	// A kept answer still revalidates to 304.
	if rec := send(h, http.MethodGet, byHash, "", "Accept", "application/json", "If-None-Match", first.Header().Get("ETag")); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("revalidating a kept answer: %d %q", rec.Code, rec.Body)
	}
	// HEAD is GET without the body, from the cache too.
	if rec := send(h, http.MethodHead, byHash, "", "Accept", "application/json"); rec.Code != http.StatusOK || rec.Header().Get("ETag") != first.Header().Get("ETag") {
		t.Errorf("HEAD: %d, ETag %q", rec.Code, rec.Header().Get("ETag"))
	}

	// Each of these asks something else: answered afresh, and kept apart.
	other, _ := centreCard("Ydelsesservice")
	tests := []struct {
		name    string
		target  string
		headers []string
		want    string
	}{
		{"other variables", other, []string{"Accept", "application/json"}, `"code":"Ydelsesservice"`},
		{"another Accept", byHash, []string{"Accept", "application/graphql-response+json"}, `"code":"CBA"`},
		{"another language", byHash, []string{"Accept", "application/json", "Accept-Language", "en"}, `"code":"CBA"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := st.Reads()
			rec := send(h, http.MethodGet, tt.target, "", tt.headers...)
			if st.Reads() == before {
				t.Error("answered from another question's answer")
			}
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tt.want) {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			if rec.Header().Get("ETag") == first.Header().Get("ETag") {
				t.Error("the same ETag as another question's")
			}
			before = st.Reads()
			if kept := send(h, http.MethodGet, tt.target, "", tt.headers...); st.Reads() != before || kept.Body.String() != rec.Body.String() {
				t.Errorf("not kept: %d reads, %s", st.Reads()-before, kept.Body)
			}
		})
	}
	t.Run("each language its own answer", func(t *testing.T) {
		q := getQuery(`{ vocabulary { lang } }`)
		for range 2 {
			da := send(h, http.MethodGet, q, "", "Accept-Language", "da")
			en := send(h, http.MethodGet, q, "", "Accept-Language", "en")
			if !strings.Contains(da.Body.String(), `"DA"`) || !strings.Contains(en.Body.String(), `"EN"`) {
				t.Fatalf("da: %s, en: %s", da.Body, en.Body)
			}
		}
	})
}

// A write, on this server or on another over the same store, changes the
// graph's version: the kept answer is not served after it.
func TestAKeptAnswerEndsWithAWrite(t *testing.T) {
	st := &storetest.CountingReads{Store: writableStore(t)}
	planner, tokens := oneToken(t, "planner", "planner-a")
	a := quietServer(st, Options{Tokens: tokens})
	b := quietServer(st, Options{Tokens: tokens}) // another instance over the same store
	target := getQuery(`{ centre(code: "CBA") { name } }`)

	rename := func(t *testing.T, on http.Handler, version int, name string) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"query": fmt.Sprintf(`mutation { updateNode(id: "centre:cba", expectedVersion: %d, input: {name: %q}) { node { id } } }`, version, name)})
		rec := send(on, http.MethodPost, "/graphql", string(body), "Content-Type", "application/json", "Authorization", "Bearer "+planner)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
			t.Fatalf("the write: %d %s", rec.Code, rec.Body)
		}
	}
	kept := func(t *testing.T, name string) {
		t.Helper()
		first := send(a, http.MethodGet, target, "")
		if !strings.Contains(first.Body.String(), name) {
			t.Fatalf("before: %s, want %s", first.Body, name)
		}
		before := st.Reads()
		if again := send(a, http.MethodGet, target, ""); st.Reads() != before || again.Body.String() != first.Body.String() {
			t.Fatalf("not kept: %s", again.Body)
		}
	}

	kept(t, `"name":"CBA"`)
	t.Run("a write on this server", func(t *testing.T) {
		rename(t, a, 1, "CBA, omdøbt")
		before := st.Reads()
		rec := send(a, http.MethodGet, target, "")
		if st.Reads() == before || !strings.Contains(rec.Body.String(), `"name":"CBA, omdøbt"`) {
			t.Fatalf("after the write: %s", rec.Body)
		}
	})
	t.Run("a write on another server over the same store", func(t *testing.T) {
		kept(t, `"name":"CBA, omdøbt"`)
		rename(t, b, 2, "CBA igen")
		before := st.Reads()
		rec := send(a, http.MethodGet, target, "")
		if st.Reads() == before || !strings.Contains(rec.Body.String(), `"name":"CBA igen"`) {
			t.Fatalf("after the other server's write: %s", rec.Body)
		}
	})
}

// switchingTokens is one token whose role the test changes, as a tokens
// file read again may.
type switchingTokens struct {
	mu   sync.Mutex
	role auth.Role
	err  error
}

func (s *switchingTokens) Authenticate(_ context.Context, token string) (auth.Principal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return auth.Principal{}, s.err
	}
	return auth.Principal{Subject: "widget-" + token, Role: s.role}, nil
}

func (s *switchingTokens) set(role auth.Role, err error) {
	s.mu.Lock()
	s.role, s.err = role, err
	s.mu.Unlock()
}

// Who asks is part of the key: one caller's kept answer never reaches
// another, nor the same token once authentication says something else of
// it, and a token no longer valid is refused before any kept answer.
func TestKeptAnswersKnowWhoAsks(t *testing.T) {
	st := &storetest.CountingReads{Store: fixtureStore(t)}
	tokens := &switchingTokens{role: auth.Reader}
	h := quietServer(st, Options{Tokens: tokens})
	target := getQuery(`{ centres { code } }`)
	ask := func(t *testing.T, authorization string) (fresh bool, rec *http.Response, body string) {
		t.Helper()
		before := st.Reads()
		r := send(h, http.MethodGet, target, "", "Authorization", authorization)
		return st.Reads() != before, r.Result(), r.Body.String()
	}

	if fresh, _, _ := ask(t, ""); !fresh {
		t.Fatal("the first anonymous GET was not answered afresh")
	}
	if fresh, _, _ := ask(t, ""); fresh {
		t.Fatal("the second anonymous GET was not kept")
	}
	steps := []struct {
		name          string
		authorization string
		role          auth.Role
		err           error
		fresh         bool
		status        int
	}{
		{"a token, after anonymous", "Bearer one", auth.Reader, nil, true, http.StatusOK},
		{"the same token again", "Bearer one", auth.Reader, nil, false, http.StatusOK},
		{"another token", "Bearer two", auth.Reader, nil, true, http.StatusOK},
		{"the first token, now a planner's", "Bearer one", auth.Planner, nil, true, http.StatusOK},
		{"the first token, expired", "Bearer one", auth.Planner, auth.ErrExpired, false, http.StatusUnauthorized},
		{"anonymous still kept", "", auth.Planner, nil, false, http.StatusOK},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			tokens.set(s.role, s.err)
			fresh, resp, body := ask(t, s.authorization)
			if resp.StatusCode != s.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, s.status, body)
			}
			if fresh != s.fresh {
				t.Errorf("answered afresh: %v, want %v", fresh, s.fresh)
			}
			if s.authorization != "" && s.status == http.StatusOK && resp.Header.Get("Cache-Control") != "private, no-cache" {
				t.Errorf("Cache-Control %q with a token", resp.Header.Get("Cache-Control"))
			}
		})
	}
}

// Only successful GET queries are kept: not errors, not answers with
// errors, not POSTs, not GET mutations.
func TestWhatIsNotKept(t *testing.T) {
	st := &storetest.CountingReads{Store: fixtureStore(t)}
	h := quietServer(st, Options{})
	tests := []struct {
		name, method, target, body string
	}{
		{"an error in the data", http.MethodGet, getQuery(`{ centres { code } centre(code: "NOPE") { code } node(id: "x") { id } }`), ""},
		{"a POST", http.MethodPost, "/graphql", `{"query":"{ centres { code } }"}`},
		{"a GET mutation", http.MethodGet, getQuery(`mutation { deleteNode(id: "centre:cba", expectedVersion: 1) { node { id } } }`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := send(h, tt.method, tt.target, tt.body, "Content-Type", "application/json")
			before := st.Reads()
			again := send(h, tt.method, tt.target, tt.body, "Content-Type", "application/json")
			if again.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", again.Header().Get("Cache-Control"))
			}
			if tt.method == http.MethodGet && len(errorCodes(t, again.Body.Bytes())) == 0 {
				t.Fatalf("the case wants errors: %s", again.Body)
			}
			if tt.name != "a GET mutation" && st.Reads() == before {
				t.Errorf("answered without reading the store: %s (first %s)", again.Body, first.Body)
			}
		})
	}
}

// A kept answer costs the budget what running its operation cost.
func TestAKeptAnswerCostsItsPrice(t *testing.T) {
	// A point a second: the bucket hardly refills between requests.
	h := quietServer(fixtureStore(t), Options{Budget: 60, BudgetBurst: 1e6})
	target := getQuery(`{ centres { code targetGroups { name } } }`)
	remaining := func() int {
		rec := send(h, http.MethodGet, target, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		n, err := strconv.Atoi(rec.Header().Get("RateLimit-Remaining"))
		if err != nil {
			t.Fatalf("RateLimit-Remaining %q", rec.Header().Get("RateLimit-Remaining"))
		}
		return n
	}
	start := 1_000_000
	ran := remaining()
	kept := remaining()
	keptAgain := remaining()
	priceRan, priceKept := start-ran, ran-kept
	if priceRan <= 1 {
		t.Fatalf("the operation cost %d points: a price is wanted", priceRan)
	}
	// The bucket refills a little between requests: a point either way.
	if d := priceKept - priceRan; d < -1 || d > 1 {
		t.Errorf("the kept answer cost %d points, running it %d", priceKept, priceRan)
	}
	if d := (kept - keptAgain) - priceRan; d < -1 || d > 1 {
		t.Errorf("the kept answer cost %d points the second time, running it %d", kept-keptAgain, priceRan)
	}

	t.Run("a client that cannot pay is refused as the operation would be", func(t *testing.T) {
		poor := quietServer(fixtureStore(t), Options{Budget: 60, BudgetBurst: priceRan + priceRan/2})
		if rec := send(poor, http.MethodGet, target, ""); rec.Code != http.StatusOK {
			t.Fatalf("the first: %d %s", rec.Code, rec.Body)
		}
		rec := send(poor, http.MethodGet, target, "")
		if code := onlyCode(t, rec.Body.Bytes()); code != "RATE_LIMITED" {
			t.Errorf("code %q: %s", code, rec.Body)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q on a refusal", rec.Header().Get("Cache-Control"))
		}
	})
}

// The cache holds at most its bytes, dropping the least recently used.
func TestAnswerCacheIsBounded(t *testing.T) {
	const max = 16 << 10
	st := &storetest.CountingReads{Store: fixtureStore(t)}
	h := quietServer(st, Options{AnswerCacheBytes: max})
	answers := func(i int) string {
		return "/graphql?query=" + url.QueryEscape(fmt.Sprintf(`query Q%d { centres { code name fullName description } }`, i))
	}
	const asked = 200 // each answer is some hundreds of bytes: far more than fit
	for i := range asked {
		if rec := send(h, http.MethodGet, answers(i), ""); rec.Code != http.StatusOK || rec.Body.Len() < 256 {
			t.Fatalf("%d: %d %d bytes", i, rec.Code, rec.Body.Len())
		}
	}
	before := st.Reads()
	send(h, http.MethodGet, answers(asked-1), "")
	if st.Reads() != before {
		t.Error("the latest answer is not kept")
	}
	send(h, http.MethodGet, answers(0), "")
	if st.Reads() == before {
		t.Error("the first answer is still kept, past the bound")
	}

	c := newAnswerCache(max)
	v := store.Version{Epoch: "e", Seq: 1}
	body := []byte(strings.Repeat("x", 300))
	for i := range asked {
		c.put(v, strconv.Itoa(i), "", &answer{header: http.Header{"Content-Type": {"application/json"}}, body: body})
		if _, used := c.stats(); used > max {
			t.Fatalf("after %d answers: %d bytes kept, over %d", i+1, used, max)
		}
	}
	n, used := c.stats()
	if n == 0 || n >= asked || used < max/2 {
		t.Errorf("%d answers in %d bytes", n, used)
	}
	if c.get(v, []byte(strconv.Itoa(asked-1))) == nil || c.get(v, []byte("0")) != nil {
		t.Error("not the least recently used dropped")
	}
	c.put(v, "big", "", &answer{body: make([]byte, max/4)})
	if c.get(v, []byte("big")) != nil {
		t.Error("an answer over an eighth of the bound is kept")
	}
	// Another version empties it; an older one is not kept.
	next := store.Version{Epoch: "e", Seq: 2}
	c.put(next, "new", "", &answer{body: body})
	if n, _ := c.stats(); n != 1 || c.get(next, []byte("new")) == nil || c.get(v, []byte(strconv.Itoa(asked-1))) != nil {
		t.Errorf("after a newer version: %d kept", n)
	}
	c.put(v, "stale", "", &answer{body: body})
	if c.get(v, []byte("stale")) != nil || c.get(next, []byte("new")) == nil {
		t.Error("an answer of an older version was kept")
	}
	if newAnswerCache(0) != nil || quietServer(st, Options{AnswerCacheBytes: -1}) == nil {
		t.Error("a cache of no bytes")
	}
}
