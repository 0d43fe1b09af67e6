package graph

import "net/http"

// varyByLanguage tells caches that an answer depends on Accept-Language:
// a label field asked without its lang argument follows the header
// (model.Language.In).
func varyByLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Language")
		next.ServeHTTP(w, r)
	})
}
