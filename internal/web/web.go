// Package web owns the pages and scripts orggraph serves to browsers: the
// playground at / (GraphiQL, bundled at build time by web/playground/build.sh
// into dist/playground.{js,css}), the /explorer page (cytoscape, bundled by
// web/explorer/build.sh into dist/explorer.js) and the intranet widgets under
// /widgets/v1/. Every asset is embedded; nothing is loaded from the internet.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"regexp"
	"time"
)

//go:embed static/playground.html dist/playground.js dist/playground.css
//go:embed static/explorer.html static/explorer.css dist/explorer.js static/widgets/v1/orggraph-widgets.js
var files embed.FS

// asset is one embedded file with its validator and caching policy.
type asset struct {
	body         []byte
	contentType  string
	etag         string
	cacheControl string
}

const (
	// revalidate: the playground and the explorer change with each release of the binary.
	revalidate = "no-cache"
	// versioned: /widgets/v1/ keeps its interface; a day's reuse, then an ETag check.
	versioned = "public, max-age=86400"
)

// Handler serves GET / (the playground), /playground/playground.{js,css},
// /explorer, /explorer/explorer.{js,css} and /widgets/v1/orggraph-widgets.js;
// anything else is 404.
func Handler() http.Handler {
	assets := map[string]asset{
		"/":                               load("static/playground.html", "text/html; charset=utf-8", revalidate),
		"/playground/playground.js":       load("dist/playground.js", "text/javascript; charset=utf-8", revalidate),
		"/playground/playground.css":      load("dist/playground.css", "text/css; charset=utf-8", revalidate),
		"/explorer":                       load("static/explorer.html", "text/html; charset=utf-8", revalidate),
		"/explorer/":                      load("static/explorer.html", "text/html; charset=utf-8", revalidate),
		"/explorer/explorer.js":           load("dist/explorer.js", "text/javascript; charset=utf-8", revalidate),
		"/explorer/explorer.css":          load("static/explorer.css", "text/css; charset=utf-8", revalidate),
		"/widgets/v1/orggraph-widgets.js": load("static/widgets/v1/orggraph-widgets.js", "text/javascript; charset=utf-8", versioned),
	}
	modTime := time.Time{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("ETag", a.etag)
		h.Set("Cache-Control", a.cacheControl)
		h.Set("X-Content-Type-Options", "nosniff")
		if a.contentType[:9] == "text/html" {
			// The page loads only its own assets and talks only to its own origin.
			// GraphiQL's fonts are inlined in its CSS as data: URLs.
			h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'self'")
		} else {
			// Widgets are loaded by pages on other origins.
			h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		}
		http.ServeContent(w, r, "", modTime, bytes.NewReader(a.body))
	})
}

func load(name, contentType, cacheControl string) asset {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("web: embedded " + name + " missing: " + err.Error()) // a build error, not a runtime one
	}
	sum := sha256.Sum256(b)
	return asset{body: b, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, cacheControl: cacheControl}
}

// widgetQuery finds each widget's operation in the widgets' script, where
// each class declares it as `static QUERY = `query …`;`.
var widgetQuery = regexp.MustCompile("static QUERY = `(query [^`]+)`;")

// WidgetOperations are the intranet widgets' queries, as their script sends
// them. The server trusts them from its start (graph.TrustedDocuments), so a
// widget's first GET by hash alone is answered.
func WidgetOperations() []string {
	b, err := files.ReadFile("static/widgets/v1/orggraph-widgets.js")
	if err != nil {
		panic("web: embedded widgets missing: " + err.Error()) // a build error, not a runtime one
	}
	var ops []string
	for _, m := range widgetQuery.FindAllSubmatch(b, -1) {
		ops = append(ops, string(m[1]))
	}
	return ops
}
