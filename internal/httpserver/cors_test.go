package httpserver

import (
	"net/http"
	"strings"
	"testing"
)

func TestCORSAllowlist(t *testing.T) {
	const query = "/graphql?query=%7Bcentres%7Bcode%7D%7D"
	allowed := []string{"https://intranet.kk.dk", "http://localhost:3000"}
	tests := []struct {
		name        string
		origins     []string
		method      string
		origin      string
		preflight   bool
		wantAllowed string // Access-Control-Allow-Origin; "" for none
	}{
		{"listed origin", allowed, http.MethodGet, "https://intranet.kk.dk", false, "https://intranet.kk.dk"},
		{"another listed origin", allowed, http.MethodGet, "http://localhost:3000", false, "http://localhost:3000"},
		{"foreign origin", allowed, http.MethodGet, "https://evil.example", false, ""},
		{"listed origin's subdomain", allowed, http.MethodGet, "https://x.intranet.kk.dk", false, ""},
		{"listed host, other scheme", allowed, http.MethodGet, "http://intranet.kk.dk", false, ""},
		{"no CORS configured", nil, http.MethodGet, "https://intranet.kk.dk", false, ""},
		{"preflight from a listed origin", allowed, http.MethodOptions, "https://intranet.kk.dk", true, "https://intranet.kk.dk"},
		{"preflight from a foreign origin", allowed, http.MethodOptions, "https://evil.example", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := quietServer(fixtureStore(t), Options{CORSOrigins: tt.origins, Budget: 1e6})
			headers := []string{"Origin", tt.origin}
			if tt.preflight {
				headers = append(headers,
					"Access-Control-Request-Method", "POST",
					"Access-Control-Request-Headers", "content-type, authorization, idempotency-key")
			}
			rec := send(h, tt.method, query, "", headers...)
			got := rec.Header().Get("Access-Control-Allow-Origin")
			if got != tt.wantAllowed {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantAllowed)
			}
			if tt.wantAllowed == "" {
				for name := range rec.Header() {
					if strings.HasPrefix(name, "Access-Control-") {
						t.Errorf("a CORS header for a request that may not have one: %s", name)
					}
				}
				return
			}
			if tt.preflight {
				checkPreflight(t, rec.Header())
				return
			}
			exposed := rec.Header().Get("Access-Control-Expose-Headers")
			for _, want := range []string{"Etag", "Ratelimit-Remaining", "Ratelimit-Reset", "Retry-After"} {
				if !strings.Contains(exposed, want) {
					t.Errorf("Access-Control-Expose-Headers = %q lacks %s", exposed, want)
				}
			}
			if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Origin") {
				t.Errorf("Vary = %q lacks Origin", rec.Header().Values("Vary"))
			}
		})
	}
}

func checkPreflight(t *testing.T, h http.Header) {
	t.Helper()
	if m := h.Get("Access-Control-Allow-Methods"); m != "POST" {
		t.Errorf("Access-Control-Allow-Methods = %q", m)
	}
	allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
	for _, want := range []string{"content-type", "authorization"} {
		if !strings.Contains(allowed, want) {
			t.Errorf("Access-Control-Allow-Headers = %q lacks %s", allowed, want)
		}
	}
	if h.Get("Access-Control-Max-Age") != "600" {
		t.Errorf("Access-Control-Max-Age = %q: preflights not cached", h.Get("Access-Control-Max-Age"))
	}
	if h.Get("Access-Control-Allow-Credentials") != "" {
		t.Error("credentials allowed: the API uses no cookies")
	}
}

// A preflight asking for a method or header outside the list is not
// granted it.
func TestCORSPreflightRefusesTheUnlisted(t *testing.T) {
	h := quietServer(fixtureStore(t), Options{CORSOrigins: []string{"https://intranet.kk.dk"}})
	tests := []struct {
		name, method, headers string
	}{
		{"method", "DELETE", ""},
		{"header", "POST", "x-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(h, http.MethodOptions, "/graphql", "",
				"Origin", "https://intranet.kk.dk",
				"Access-Control-Request-Method", tt.method,
				"Access-Control-Request-Headers", tt.headers)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("granted: Access-Control-Allow-Origin = %q", got)
			}
		})
	}
}
