package httpserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// goText is what a client must never read: Go's and encoding/json's words
// for a value that did not fit, and gqlgen's package names.
var goText = []string{"Go value", "Go struct", "json:", "graphql.", "unmarshal", "interface {}", "map[string]", "[]interface", "json.Number", "float64", "int64", "RawParams", " map ", " slice", "reflect", "UseNumber"}

// goWord returns the first of goText in message, or "".
func goWord(message string) string {
	for _, word := range goText {
		if strings.Contains(message, word) {
			return word
		}
	}
	return ""
}

// checkErrors fails unless every error in a GraphQL-shaped body carries
// extensions.code, one of the error table's with its status, and no Go text; it reports whether the body held errors.
// checkRefused checks that rec answers what, a client's mistake, with an
// error (checkErrors) and not as a failure of the server's.
func checkRefused(t testing.TB, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if !checkErrors(t, what, rec) {
		t.Errorf("%q answered %d without an error: %s", what, rec.Code, rec.Body)
	}
	if rec.Code >= 500 {
		t.Errorf("%q answered %d", what, rec.Code)
	}
}

func checkErrors(t testing.TB, what string, rec *httptest.ResponseRecorder) bool {
	t.Helper()
	body := bytes.TrimSpace(rec.Body.Bytes())
	if len(body) > 0 && body[0] == '[' { // a batch's answers, each checked as one
		var answers []json.RawMessage
		if err := json.Unmarshal(body, &answers); err != nil || rec.Code != http.StatusOK {
			t.Errorf("%s: answered %d with a batch that is not a list of answers: %s", what, rec.Code, body)
			return false
		}
		errs := false
		for _, a := range answers {
			one := httptest.NewRecorder()
			one.Body.Write(a)
			errs = checkErrors(t, what, one) || errs
		}
		return errs
	}
	var resp struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), &resp); err != nil {
		t.Errorf("%s: answered %d with a body that is not GraphQL's shape: %s", what, rec.Code, body)
		return false
	}
	for _, e := range resp.Errors {
		if code, _ := e.Extensions["code"].(string); code == "" {
			t.Errorf("%s: an error without extensions.code: %s", what, body)
		}
		if word := goWord(e.Message); word != "" {
			t.Errorf("%s: message %q speaks Go (%q)", what, e.Message, word)
		}
		if e.Extensions["code"] == "INTERNAL" {
			t.Errorf("%s: a client's mistake answered as the server's: %s", what, body)
		}
		code, _ := e.Extensions["code"].(string)
		entry, ok := apierr.Lookup(code)
		switch {
		case !ok:
			t.Errorf("%s: the code %q is not in the error table: %s", what, code, body)
		case rec.Code != http.StatusOK && rec.Code != entry.Status:
			t.Errorf("%s: %s answered %d; the error table says %d", what, code, rec.Code, entry.Status)
		}
	}
	return len(resp.Errors) > 0
}

// TestMalformedRequestsAreCoded sweeps the ways a request can be wrong
// before any GraphQL is read: bodies that are not JSON or not one object,
// each parameter of the wrong type, and GET parameters that do not decode.
// Each is refused with a 4xx, a code and words a client can act on.
func TestMalformedRequestsAreCoded(t *testing.T) {
	h, err := fuzzServer()
	if err != nil {
		t.Fatal(err)
	}
	const ok = `"query":"{ __typename }"`
	posts := []struct{ name, body string }{
		{"empty", ``},
		{"not JSON", `{ centres { code } }`},
		{"cut short", `{"query":`},
		{"a batch of a string", `["{ __typename }"]`},
		{"a batch of a batch", `[[{` + ok + `}]]`},
		{"an empty batch", `[]`},
		{"a batch too long", `[` + strings.Repeat(`{`+ok+`},`, 10) + `{` + ok + `}]`},
		{"a string", `"{ __typename }"`},
		{"a number", `5`},
		{"null", `null`},
		{"true", `true`},
		{"query a number", `{"query":5}`},
		{"query an object", `{"query":{"a":1}}`},
		{"query a list", `{"query":["{ __typename }"]}`},
		{"query a bool", `{"query":true}`},
		{"variables a string", `{` + ok + `,"variables":"{}"}`},
		{"variables a list", `{` + ok + `,"variables":[1]}`},
		{"variables a number", `{` + ok + `,"variables":1}`},
		{"operationName a number", `{` + ok + `,"operationName":1}`},
		{"operationName an object", `{` + ok + `,"operationName":{}}`},
		{"extensions a string", `{` + ok + `,"extensions":"x"}`},
		{"extensions a list", `{` + ok + `,"extensions":[]}`},
		{"persistedQuery a string", `{` + ok + `,"extensions":{"persistedQuery":"x"}}`},
		{"persistedQuery version a string", `{` + ok + `,"extensions":{"persistedQuery":{"version":"1","sha256Hash":"00"}}}`},
		{"persistedQuery hash a number", `{` + ok + `,"extensions":{"persistedQuery":{"version":1,"sha256Hash":5}}}`},
		{"invalid UTF-8", "{\"query\":\"{ node(id: \\\"\xff\\\") { id } }\"}"},
		{"unknown operation", `{"query":"query A { __typename }","operationName":"B"}`},
		{"two operations, no name", `{"query":"query A { __typename } query B { __typename }"}`},
		{"no query", `{}`},
		{"Int variable a string", `{"query":"query($n: Int) { search(text: \"x\", first: $n) { score } }","variables":{"n":"ten"}}`},
		{"Int variable too big", `{"query":"query($n: Int) { search(text: \"x\", first: $n) { score } }","variables":{"n":1e100}}`},
		{"Int variable a fraction", `{"query":"query($n: Int) { search(text: \"x\", first: $n) { score } }","variables":{"n":1.5}}`},
		{"String variable an object", `{"query":"query($t: String!) { search(text: $t) { score } }","variables":{"t":{"a":1}}}`},
		{"ID variable a number", `{"query":"query($id: ID!) { node(id: $id) { id } }","variables":{"id":5}}`},
		{"ID variable a list", `{"query":"query($id: ID!) { node(id: $id) { id } }","variables":{"id":["centre:cbe"]}}`},
		{"ID literal a number", `{"query":"{ node(id: 5) { id } }"}`},
		{"ID variable a fraction", `{"query":"query($id: ID!) { node(id: $id) { id } }","variables":{"id":1.5}}`},
		{"ID variable too big", `{"query":"query($id: ID!) { node(id: $id) { id } }","variables":{"id":1e300}}`},
		{"Boolean variable a string", `{"query":"query($b: Boolean!) { centres @include(if: $b) { code } }","variables":{"b":"yes"}}`},
		{"variable null where required", `{"query":"query($t: String!) { search(text: $t) { score } }","variables":{"t":null}}`},
		{"Date variable a number", `{"query":"query($d: Date) { reformChanges(from: $d) { name } }","variables":{"d":20260101}}`},
		{"Date variable an object", `{"query":"query($d: Date) { reformChanges(from: $d) { name } }","variables":{"d":{}}}`},
		{"Date variable not a day", `{"query":"query($d: Date) { reformChanges(from: $d) { name } }","variables":{"d":"2026-13-01"}}`},
		{"enum variable not a value", `{"query":"query($k: Direction) { node(id: \"centre:cbe\") { links(direction: $k) { relationship } } }","variables":{"k":"UP"}}`},
		{"enum variable a number", `{"query":"query($k: Direction) { node(id: \"centre:cbe\") { links(direction: $k) { relationship } } }","variables":{"k":1}}`},
		{"input variable a string", `{"query":"query($f: TargetGroupFilter) { targetGroupsConnection(filter: $f) { totalCount } }","variables":{"f":"x"}}`},
		{"input variable an unknown field", `{"query":"query($f: TargetGroupFilter) { targetGroupsConnection(filter: $f) { totalCount } }","variables":{"f":{"txt":"x"}}}`},
	}
	for _, tt := range posts {
		t.Run("POST "+tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			checkRefused(t, tt.body, rec)
		})
	}
	q := "query=" + url.QueryEscape("{ __typename }")
	gets := []struct{ name, rawQuery string }{
		{"no query", ``},
		{"a bad escape", `query=%zz`},
		{"a semicolon", q + `;x=1`},
		{"variables not JSON", q + `&variables=x`},
		{"variables a list", q + `&variables=` + url.QueryEscape(`[1]`)},
		{"variables a number", q + `&variables=1`},
		{"variables a string", q + `&variables=` + url.QueryEscape(`"x"`)},
		{"extensions not JSON", q + `&extensions=x`},
		{"extensions a list", q + `&extensions=` + url.QueryEscape(`[]`)},
		{"persistedQuery a string", q + `&extensions=` + url.QueryEscape(`{"persistedQuery":"x"}`)},
		{"unknown operation", q + `&operationName=B`},
		{"a mutation", "query=" + url.QueryEscape(`mutation { __typename }`)},
		{"ID variable a number", "query=" + url.QueryEscape(`query($id: ID!) { node(id: $id) { id } }`) + "&variables=" + url.QueryEscape(`{"id":5}`)},
	}
	for _, tt := range gets {
		t.Run("GET "+tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphql?"+tt.rawQuery, nil))
			checkRefused(t, tt.rawQuery, rec)
		})
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method+" with an Upgrade header", func(t *testing.T) {
			req := httptest.NewRequest(method, "/graphql?"+q, strings.NewReader(`{`+ok+`}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Upgrade", "websocket")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if !checkErrors(t, "Upgrade", rec) {
				t.Errorf("answered %d without an error: %s", rec.Code, rec.Body)
			}
		})
	}
}
