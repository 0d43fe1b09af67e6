package httpserver

import (
	"net/http"
	"net/url"
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
	tests := []struct {
		contentType string
		want        int
	}{
		{"application/json", http.StatusOK},
		{"application/json; charset=utf-8", http.StatusOK},
		{"Application/JSON;charset=UTF-8", http.StatusOK},
		{"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"multipart/form-data; boundary=x", http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"text/plain; charset=utf-8", http.StatusUnsupportedMediaType},
		{"application/json; charset=latin1", http.StatusUnsupportedMediaType},
		{"application/json; boundary=x", http.StatusUnsupportedMediaType},
		{"application/graphql", http.StatusUnsupportedMediaType},
		{"application/jsonx", http.StatusUnsupportedMediaType},
		{"", http.StatusUnsupportedMediaType},
		{"not a media type", http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			rec := send(h, http.MethodPost, "/graphql", body, "Content-Type", tt.contentType)
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
			if tt.want == http.StatusOK {
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
