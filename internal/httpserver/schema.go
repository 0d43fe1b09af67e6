package httpserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// handleSchemaSDL serves sdl, the schema, at /schema.graphql, whatever the
// introspection switch says: the schema is the API's published contract,
// and introspection off only spares the endpoint the introspection queries.
// The SDL changes with each release of the binary, so clients revalidate.
func handleSchemaSDL(sdl []byte) http.HandlerFunc {
	sum := sha256.Sum256(sdl)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("ETag", etag)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(sdl))
	}
}
