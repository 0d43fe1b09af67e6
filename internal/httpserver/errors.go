package httpserver

import (
	"net/http"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// writeError answers one error of code, with the table's status
// (apierr.Write), and counts it by code.
func writeError(w http.ResponseWriter, m *observe.Metrics, code, message string) {
	m.ErrorCoded(code)
	apierr.Write(w, code, message)
}
