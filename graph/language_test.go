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

// A centre's change reads in Danish or English by its verb, beside the
// statement, which keeps the kind's code.
func TestCentreChangeSentence(t *testing.T) {
	h := newHandler(t, seededStore(t))
	const body = `{"query":"{ centre(code: \"CBA\") { changes(from: \"2024-01-01\", to: \"2030-12-31\") { statement da: sentence(lang: DA) en: sentence(lang: EN) plain: sentence } } }"}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	want := `{"statement":"From 2026-02-01 CBA no longer SERVES Ressourceforløb, because of Afskaffelse af ressourceforløb",` +
		`"da":"Fra 2026-02-01 gælder ikke længere: CBA betjener Ressourceforløb, på grund af Afskaffelse af ressourceforløb",` +
		`"en":"From 2026-02-01 CBA no longer serves Ressourceforløb, because of Afskaffelse af ressourceforløb",` +
		`"plain":"Fra 2026-02-01 gælder ikke længere: CBA betjener Ressourceforløb, på grund af Afskaffelse af ressourceforløb"}`
	if !strings.Contains(rec.Body.String(), want) {
		t.Errorf("CBA's changes read %s; want among them %s", rec.Body.String(), want)
	}
}
