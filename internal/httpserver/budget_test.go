package httpserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/loadtest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// post sends one GraphQL operation as if from addr.
func post(h http.Handler, addr, query string, vars map[string]any, headers ...string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.RemoteAddr = addr
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func remaining(t *testing.T, rec *httptest.ResponseRecorder) int {
	t.Helper()
	n, err := strconv.Atoi(rec.Header().Get("RateLimit-Remaining"))
	if err != nil {
		t.Fatalf("RateLimit-Remaining = %q", rec.Header().Get("RateLimit-Remaining"))
	}
	return n
}

// The budget counts cost: an operation spends its price and a point,
// whatever route spends a point, and one that costs more than is left is
// refused before it runs, with its cost, what is left and its costliest
// field, in the message and in extensions.
func TestBudgetCountsCost(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{Budget: 0.06, BudgetBurst: 30}) // no point comes back during the test
	const addr = "192.0.2.1:1000"
	cheap := post(h, addr, `{ __typename }`, nil) // 1 point and a price of 1
	if cheap.Code != http.StatusOK || remaining(t, cheap) != 28 {
		t.Fatalf("a typename: status %d, remaining %s", cheap.Code, cheap.Header().Get("RateLimit-Remaining"))
	}
	listing := post(h, addr, `{ centres { code } }`, nil) // 1 point and a price of 6 on the fixture
	if listing.Code != http.StatusOK || remaining(t, listing) != 21 {
		t.Fatalf("a listing: status %d, remaining %s", listing.Code, listing.Header().Get("RateLimit-Remaining"))
	}
	if page := fromClient(h, addr, "/schema.graphql"); remaining(t, page) != 20 {
		t.Errorf("the schema: remaining %d, want 20", remaining(t, page))
	}

	// A question costlier than the 19 points left: a search is a traversal.
	costly := post(h, addr, `{ search(text: "cba") { node { id } } }`, nil)
	if costly.Code != http.StatusTooManyRequests || costly.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q: %s", costly.Code, costly.Header().Get("Retry-After"), costly.Body)
	}
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(costly.Body.Bytes(), &resp); err != nil || len(resp.Errors) != 1 {
		t.Fatalf("not one error: %s", costly.Body)
	}
	if resp.Data != nil {
		t.Errorf("a refused operation's answer has data: %s", costly.Body)
	}
	e := resp.Errors[0]
	cost, _ := e.Extensions["cost"].(float64)
	if e.Extensions["code"] != apierr.RateLimited || cost <= 19 || e.Extensions["remaining"] != float64(19) ||
		e.Extensions["limit"] != float64(30) || e.Extensions["path"] != "search.node.id" {
		t.Errorf("extensions %v", e.Extensions)
	}
	for _, want := range []string{fmt.Sprintf("costs %d points", int(cost)), "search.node.id", "19", "30"} {
		if !bytes.Contains([]byte(e.Message), []byte(want)) {
			t.Errorf("message %q does not say %q", e.Message, want)
		}
	}
	// Refused, it spent nothing but its point.
	if again := post(h, addr, `{ __typename }`, nil); again.Code != http.StatusOK || remaining(t, again) != 17 {
		t.Errorf("after the refusal: status %d, remaining %s, want 17", again.Code, again.Header().Get("RateLimit-Remaining"))
	}
}

// A document the limits refuse costs its client the limit, so one that
// sends them again and again is soon refused at the door.
func TestBudgetChargesRefusedDocuments(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{Budget: 0.06, BudgetBurst: 2_000_000}) // four refusals at 500,000; no point comes back meanwhile
	const addr = "192.0.2.9:1000"
	deep := loadtest.Amplification(1, 6) // 13 deep
	for i, want := range []string{apierr.DepthLimit, apierr.DepthLimit, apierr.DepthLimit, apierr.DepthLimit, apierr.RateLimited} {
		rec := post(h, addr, deep, nil)
		if got := onlyCode(t, rec.Body.Bytes()); got != want {
			t.Errorf("document %d: %s, want %s", i+1, got, want)
		}
	}
}

// A token has its own budget: two tokens behind one address spend apart,
// and only the point of each request counts against the address.
func TestBudgetIsPerToken(t *testing.T) {
	var lines []string
	var tokens []string
	for _, name := range []string{"widget-a", "widget-b"} {
		tok, line, err := auth.NewToken("reader", name, auth.DefaultTTL, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		tokens, lines = append(tokens, "Bearer "+tok), append(lines, line)
	}
	authn, err := auth.ParseTokens(lines[0] + "\n" + lines[1])
	if err != nil {
		t.Fatal(err)
	}
	h := quietServer(fixtureStore(t), Options{Budget: 0.06, BudgetBurst: 30, Tokens: authn})
	const addr = "10.0.0.1:5000"         // a proxy both sit behind
	const query = `{ centres { code } }` // a price of 6
	for i := range 5 {
		if rec := post(h, addr, query, nil, "Authorization", tokens[0]); rec.Code != http.StatusOK {
			t.Fatalf("token a, request %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	if rec := post(h, addr, query, nil, "Authorization", tokens[0]); rec.Code != http.StatusTooManyRequests {
		t.Errorf("token a past its 30 points: %d", rec.Code)
	}
	rec := post(h, addr, query, nil, "Authorization", tokens[1])
	if rec.Code != http.StatusOK || remaining(t, rec) != 24 {
		t.Errorf("token b: %d, remaining %s, want 200 and 24", rec.Code, rec.Header().Get("RateLimit-Remaining"))
	}
	// The address spent a point a request: 7 of 30.
	if rec := post(h, addr, `{ __typename }`, nil); rec.Code != http.StatusOK || remaining(t, rec) != 21 {
		t.Errorf("anonymous from the proxy: %d, remaining %s, want 200 and 21", rec.Code, rec.Header().Get("RateLimit-Remaining"))
	}
}

// shippedQueries are the operations a page of the product asks: each of
// the widgets' and the explorer's documents, read from their sources.
func shippedQueries(t *testing.T, path, pattern string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(pattern).FindAllSubmatch(src, -1) {
		out = append(out, string(m[1]))
	}
	if len(out) < 4 {
		t.Fatalf("%s: found %d queries", path, len(out))
	}
	return out
}

var pageVars = map[string]any{"code": "CSI", "of": "reformchange:afskaffelse-af-ressourceforloeb", "text": "fleksjob", "asOf": "2026-03-01"}

// On the default budget, one address may load a page of four widgets
// (each fetching three times as it upgrades: a persisted query's hash, the
// document, a reload), browse the explorer (its graph, twenty searches as
// someone types, five impacts and five dependency views) and run the
// graphql-http audits' worth of small requests, all in one minute, while a
// client sending the hostile mix is refused at the door within two rounds
// of it.
func TestDefaultBudgetServesPagesAndRefusesFloods(t *testing.T) {
	h := quietServer(seedtest.Store(t), Options{Budget: DefaultBudget})
	widgets := shippedQueries(t, "../web/static/widgets/v1/orggraph-widgets.js", "static QUERY = `(.*?)`")
	explorer := shippedQueries(t, "../../web/explorer/src/explorer.js", "(?s)const [A-Z]+ = `(query .*?)`")

	const page = "192.0.2.10:1000"
	ask := func(query string) {
		t.Helper()
		rec := post(h, page, query, pageVars)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(apierr.RateLimited)) {
			t.Fatalf("refused on the default budget: %d %.300s", rec.Code, rec.Body)
		}
	}
	for range 3 {
		for _, q := range widgets {
			ask(q)
		}
	}
	ask(explorer[0])
	for _, n := range []int{20, 5, 5} {
		for i := range n {
			ask(explorer[1+i%(len(explorer)-1)])
		}
	}
	for range 61 {
		if rec := fromClient(h, page, "/graphql?query="+url.QueryEscape("{ __typename }")); rec.Code != http.StatusOK {
			t.Fatalf("a small request: %d", rec.Code)
		}
	}
	if left := remaining(t, post(h, page, `{ __typename }`, nil)); left < DefaultBudget/2 {
		t.Errorf("the page left %d of %d points: the default is too tight for it", left, DefaultBudget)
	}

	const hostile = "198.51.100.66:1000"
	mix := loadtest.HostileMix()
	limited := 0
	for i := range 2 * len(mix) {
		q := mix[i%len(mix)]
		rec := post(h, hostile, q.Query.Query, q.Variables)
		switch code := onlyCode(t, rec.Body.Bytes()); code {
		case apierr.RateLimited:
			limited++
		case q.Code:
			if limited > 0 {
				t.Fatalf("%s was let in again after RATE_LIMITED", q.Kind)
			}
		default:
			t.Fatalf("%s: code %s, want %s or RATE_LIMITED", q.Kind, code, q.Code)
		}
	}
	if limited == 0 {
		t.Errorf("two rounds of the hostile mix (%d documents) were never RATE_LIMITED", 2*len(mix))
	}
	t.Logf("hostile mix: %d of %d documents refused at the door", limited, 2*len(mix))
}
