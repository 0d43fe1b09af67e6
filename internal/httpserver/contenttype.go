package httpserver

import (
	"mime"
	"net/http"
	"strings"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// requireJSON refuses a POST whose body is not declared application/json
// (optionally charset=utf-8) with 415. Form and multipart bodies, and
// text/plain, are what a browser may send cross-site without a preflight;
// refusing them keeps the endpoint out of reach of CSRF.
func requireJSON(m *observe.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && !isJSON(r.Header.Get("Content-Type")) {
				w.Header().Set("Accept-Post", "application/json")
				writeError(w, m, apierr.UnsupportedMediaType, "")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func isJSON(contentType string) bool {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "application/json" {
		return false
	}
	for name, value := range params {
		if name != "charset" || !strings.EqualFold(value, "utf-8") {
			return false
		}
	}
	return true
}
