package loadtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Only a refusal for the price counts: a question let in that then timed
// out is not overpriced, and an answer that is no GraphQL response at all
// is an error.
func TestFindOverpriced(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(b), "priced"):
			io.WriteString(w, `{"errors":[{"message":"too many","extensions":{"code":"COMPLEXITY_LIMIT_EXCEEDED","cost":2954000,"limit":500000}}]}`)
		case strings.Contains(string(b), "slow"):
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"errors":[{"message":"the request took longer than 10s","extensions":{"code":"TIMEOUT"}}]}`)
		case strings.Contains(string(b), "broken"):
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, `<html>bad gateway</html>`)
		default:
			io.WriteString(w, `{"data":{"centres":[]}}`)
		}
	}))
	defer srv.Close()
	mix := []Query{{Kind: "widget", Query: "{ fine }"}, {Kind: "impact", Query: "{ slow }"}, {Kind: "deep", Query: "{ priced }"}}
	got, err := FindOverpriced(context.Background(), srv.URL, mix)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Overpriced{{Kind: "deep", Price: 2954000, Limit: 500000}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	_, err = FindOverpriced(context.Background(), srv.URL, append(mix, Query{Kind: "search", Query: "{ broken }"}))
	if err == nil || !strings.Contains(err.Error(), "search: status 502, not a GraphQL response") {
		t.Errorf("a page that is no GraphQL answer: %v", err)
	}
}

// The check of answers asks again while a side answers 503 (a deadline
// passed on a busy database), and gives up after settleTries.
func TestCheckAlikeWaitsOutA503(t *testing.T) {
	settleWait = time.Millisecond
	busy := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if busy > 0 {
			busy--
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"errors":[{"message":"the request took longer than 10s","extensions":{"code":"TIMEOUT"}}]}`)
			return
		}
		io.WriteString(w, `{"data":{"centres":[{"code":"CBE"}]}}`)
	}))
	defer srv.Close()
	mix := []Query{{Kind: "deep", Query: "{ centres { code } }"}}
	a, b := Side{Name: "a", URL: srv.URL, Mix: mix}, Side{Name: "b", URL: srv.URL, Mix: mix}
	busy = settleTries - 1
	if err := CheckAlike(context.Background(), a, b); err != nil {
		t.Errorf("after %d answers of 503: %v", settleTries-1, err)
	}
	busy = settleTries
	if err := CheckAlike(context.Background(), a, b); err == nil || !strings.Contains(err.Error(), "a, deep: status 503") {
		t.Errorf("after %d answers of 503: %v", settleTries, err)
	}
	for _, tt := range []struct {
		body string
		want bool
	}{
		{`{"errors":[{"message":"m","extensions":{"code":"UNAVAILABLE"}}],"data":{"search":null}}`, true},
		{`{"errors":[{"extensions":{"code":"TIMEOUT"}},{"extensions":{"code":"UNAVAILABLE"}}]}`, true},
		{`{"errors":[{"extensions":{"code":"TIMEOUT"}},{"extensions":{"code":"NOT_FOUND"}}]}`, false},
		{`{"data":{"centres":[]}}`, false},
		{`not json`, false},
	} {
		if got := saysTryLater([]byte(tt.body)); got != tt.want {
			t.Errorf("saysTryLater(%s) = %v", tt.body, got)
		}
	}
}
