package httpserver

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// POST takes JSON only: the bodies a browser may send cross-site without a
// preflight (forms, multipart, text/plain) are refused, so no page on
// another site can make a user's browser run an operation.
func TestPOSTTakesJSONOnly(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{})
	const body = `{"query":"{ centres { code } }"}`
	accepted := []string{
		"application/json",
		"application/json; charset=utf-8",
		"Application/JSON;charset=UTF-8",
	}
	refused := []string{
		"application/x-www-form-urlencoded",
		"multipart/form-data; boundary=x",
		"text/plain",
		"text/plain; charset=utf-8",
		"application/json; charset=latin1",
		"application/json; boundary=x",
		"application/graphql",
		"application/jsonx",
		"",
		"not a media type",
	}
	for _, contentType := range slices.Concat(accepted, refused) {
		t.Run(contentType, func(t *testing.T) {
			rec := send(h, http.MethodPost, "/graphql", body, "Content-Type", contentType)
			want := http.StatusUnsupportedMediaType
			if slices.Contains(accepted, contentType) {
				want = http.StatusOK
			}
			if rec.Code != want {
				t.Fatalf("status = %d, want %d: %s", rec.Code, want, rec.Body)
			}
			if want == http.StatusOK {
				if codes := errorCodes(t, rec.Body.Bytes()); len(codes) != 0 {
					t.Errorf("errors %v", codes)
				}
				return
			}
			if code := onlyCode(t, rec.Body.Bytes()); code != apierr.UnsupportedMediaType {
				t.Errorf("code = %q", code)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := rec.Header().Get("Accept-Post"); got != "application/json" {
				t.Errorf("Accept-Post = %q", got)
			}
		})
	}
}

// GET is for queries: an operation that is not one is refused with a 4xx
// (to a client that accepts application/graphql-response+json; a mutation
// is 405 to any) and a coded error, before it runs.
func TestGETRefusesWhatIsNotAQuery(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{})
	tests := []struct {
		name, query string
		code        string // "" for any
	}{
		{"a valid mutation", `mutation { deleteNode(id: "centre:cdoe", expectedVersion: 1) { audit { operation } } }`, "METHOD_NOT_ALLOWED"},
		{"a valid named mutation", `mutation Drop { deleteNode(id: "centre:cdoe", expectedVersion: 1) { node { id } } }`, "METHOD_NOT_ALLOWED"},
		{"a mutation the schema lacks", `mutation { centres { code } }`, ""},
		{"a subscription", `subscription { centres { code } }`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(h, http.MethodGet, "/graphql?query="+url.QueryEscape(tt.query), "", "Accept", "application/graphql-response+json")
			if rec.Code < 400 || rec.Code > 499 {
				t.Errorf("status = %d, want a 4xx: %s", rec.Code, rec.Body)
			}
			code := onlyCode(t, rec.Body.Bytes())
			if code == "" || (tt.code != "" && code != tt.code) {
				t.Errorf("code = %q, want %q: %s", code, tt.code, rec.Body)
			}
			if strings.Contains(rec.Body.String(), `"data":{`) {
				t.Errorf("it ran: %s", rec.Body)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
		})
	}
}
