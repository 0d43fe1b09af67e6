package graph_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A label asked without lang follows Accept-Language, Danish without it;
// the lang argument wins over the header; caches are told it varies.
func TestLabelsFollowAcceptLanguage(t *testing.T) {
	h := newHandler(t, seededStore(t))
	const body = `{"query":"{ vocabulary { lang } search(text: \"CBA\", first: 1) { kindLabel danish: kindLabel(lang: DA) } }"}`
	for _, tc := range []struct{ header, want string }{
		{"", `"lang":"DA"},"search":[{"kindLabel":"Center","danish":"Center"}]`},
		{"en-GB,en;q=0.9", `"lang":"EN"},"search":[{"kindLabel":"Centre","danish":"Center"}]`},
		{"en;q=0.5, da", `"lang":"DA"},"search":[{"kindLabel":"Center","danish":"Center"}]`},
		{"da-DK;q=0.4,en-US;q=0.8", `"lang":"EN"},"search":[{"kindLabel":"Centre","danish":"Center"}]`},
		{"de, fr;q=0.9", `"lang":"DA"},"search":[{"kindLabel":"Center","danish":"Center"}]`},
	} {
		t.Run(tc.header, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if tc.header != "" {
				req.Header.Set("Accept-Language", tc.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("Accept-Language %q: %s, want %s", tc.header, rec.Body.String(), tc.want)
			}
			if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Language") {
				t.Errorf("Vary %q lacks Accept-Language", rec.Header().Values("Vary"))
			}
		})
	}
}
