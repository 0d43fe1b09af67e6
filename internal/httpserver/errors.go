package httpserver

import (
	"net/http"

	"github.com/bif-kk/orggraph/internal/observe"
)

// Codes of the errors the HTTP layer answers itself, before GraphQL runs.
const (
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	CodeRateLimited          = "RATE_LIMITED"
	CodeTimeout              = "TIMEOUT"
	CodeRequestTooLarge      = "REQUEST_TOO_LARGE"
)

const msgRequestTooLarge = "request body too large"

// writeError answers status with one error in GraphQL's shape, so clients
// read every error alike, and counts it by code. Such an answer is about
// this one request, so nothing may store it.
func writeError(w http.ResponseWriter, m *observe.Metrics, status int, code, message string) {
	m.ErrorCoded(code)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]any{
		"errors": []map[string]any{{
			"message":    message,
			"extensions": map[string]string{"code": code},
		}},
	})
}
