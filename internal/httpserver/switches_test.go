package httpserver

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/graph"
)

func TestPlaygroundSwitch(t *testing.T) {
	tests := []struct {
		on   bool
		want int
	}{
		{true, http.StatusOK},
		{false, http.StatusNotFound},
	}
	for _, tt := range tests {
		name := "off"
		if tt.on {
			name = "on"
		}
		t.Run(name, func(t *testing.T) {
			h := quietServer(fixtureStore(t), Options{Playground: tt.on})
			for _, path := range []string{"/", "/playground/playground.js", "/playground/playground.css"} {
				if rec := send(h, http.MethodGet, path, ""); rec.Code != tt.want {
					t.Errorf("GET %s = %d, want %d", path, rec.Code, tt.want)
				}
			}
			if rec := send(h, http.MethodGet, "/graphql?query=%7B__typename%7D", ""); rec.Code != http.StatusOK {
				t.Errorf("the endpoint itself: %d", rec.Code)
			}
		})
	}
}

// The production lock-down's switches reach the endpoint: introspection off
// is a coded validation error, suggestions off hide argument names too.
func TestIntrospectionAndSuggestionSwitches(t *testing.T) {
	tests := []struct {
		on         bool
		wantStatus int
		wantHint   bool
	}{
		{true, http.StatusOK, true},
		{false, http.StatusOK, false}, // a request error: 200 to an application/json client
	}
	for _, tt := range tests {
		h := serverWith(slog.New(slog.DiscardHandler), fixtureStore(t), Options{}, graph.Options{NoIntrospection: !tt.on, NoSuggestions: !tt.on})
		rec := send(h, http.MethodGet, "/graphql?query=%7B__schema%7BqueryType%7Bname%7D%7D%7D", "")
		if rec.Code != tt.wantStatus {
			t.Errorf("introspection %t: status %d, want %d: %s", tt.on, rec.Code, tt.wantStatus, rec.Body)
		}
		if !tt.on {
			if code := onlyCode(t, rec.Body.Bytes()); code != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("introspection off: code %q", code)
			}
		}
		rec = send(h, http.MethodPost, "/graphql", `{"query":"{ node(idd: \"centre:cba\") { id } }"}`, "Content-Type", "application/json")
		if got := strings.Contains(rec.Body.String(), "Did you mean"); got != tt.wantHint {
			t.Errorf("suggestions %t: hint %t: %s", tt.on, got, rec.Body)
		}
	}
}
