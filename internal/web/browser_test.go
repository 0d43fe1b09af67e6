package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
	"github.com/bif-kk/orggraph/internal/store"
	"github.com/bif-kk/orggraph/internal/web"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts a fresh headless Chromium. Without one the tests fail
// rather than skip, so a green run means a real browser ran them;
// ORGGRAPH_SKIP_BROWSER=1 opts out explicitly (as ORGGRAPH_SKIP_NEO4J does).
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("ORGGRAPH_SKIP_BROWSER") == "1" {
			t.Skip("ORGGRAPH_SKIP_BROWSER=1")
		}
		t.Fatalf("%s is missing: run the tests with `make test` (it installs Debian's chromium), or set ORGGRAPH_SKIP_BROWSER=1", chromiumPath)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// consoleErrors collects console errors and warnings, uncaught exceptions
// and the browser's own error log (failed loads, CSP violations).
func consoleErrors(ctx context.Context) func() []string {
	var mu sync.Mutex
	var errs []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				mu.Lock()
				errs = append(errs, m.String()+" "+m.URL)
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// apiServer serves the real seed on 127.0.0.1, allowing corsOrigins, with
// the widgets' trusted documents, and records each GET /graphql as "STATUS
// hash-only|with-query" and each POST as "POST <operation name>".
func apiServer(t *testing.T, corsOrigins ...string) (*httptest.Server, func() []string) {
	t.Helper()
	return apiServerOn(t, seedtest.Store(t), corsOrigins...)
}

// apiServerOn is apiServer over the store st.
func apiServerOn(t *testing.T, st store.Store, corsOrigins ...string) (*httptest.Server, func() []string) {
	t.Helper()
	h := servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{CORSOrigins: corsOrigins},
		graph.Options{TrustedDocuments: graph.NewTrustedDocuments(web.WidgetOperations()...)})
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" && r.Method == http.MethodPost {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			op := "?"
			if m := operationName.FindSubmatch(body); m != nil {
				op = string(m[1])
			}
			mu.Lock()
			seen = append(seen, "POST "+op)
			mu.Unlock()
		}
		if r.URL.Path != "/graphql" || r.Method != http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		kind := "with-query"
		if r.URL.Query().Get("query") == "" {
			kind = "hash-only"
		}
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%d %s", rec.status, kind))
		mu.Unlock()
	}))
	t.Cleanup(func() {
		// The explorer keeps an event stream open (graphChanged), which
		// Close alone would wait for; closing the listener first keeps the
		// EventSource from opening another.
		srv.Listener.Close()
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

var operationName = regexp.MustCompile(`"query":"(?:query|mutation) (\w+)`)

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

// screenshot saves a PNG of the viewport: into a temp dir, or into
// $ORGGRAPH_SCREENSHOTS (relative to the repository root) when set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ORGGRAPH_SCREENSHOTS")
	switch {
	case dir == "":
		dir = t.TempDir()
	case !filepath.IsAbs(dir):
		dir = filepath.Join("..", "..", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// choose picks value in a <select> as a user would, firing change.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return script(fmt.Sprintf(`const s = document.querySelector(%q); s.value = %q;
		s.dispatchEvent(new Event("change", { bubbles: true }));`, sel, value))
}

// script runs statements for their effect.
func script(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool]("(() => {"+js+"; return true })()")(ctx, t)
		return chromedp.Void{}, err
	}
}

func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second))
}

// eval runs a script and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// do runs steps, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestExplorer(t *testing.T) {
	ctx := browser(t)
	errs := consoleErrors(ctx)
	api, _ := apiServer(t)
	outside, _ := offline(t, ctx)

	do(t, ctx,
		chromedp.Navigate(api.URL+"/explorer"),
		poll(`window.orggraphExplorer && document.querySelectorAll("#reform option").length > 10`),
	)

	t.Run("a reform item lights up the centres it reaches", func(t *testing.T) {
		do(t, ctx,
			choose("#reform", "reformchange:afskaffelse-af-ressourceforloeb"),
			poll(`document.querySelector("#graph").dataset.highlighted`),
		)
		highlighted := eval[string](t, ctx, `document.querySelector("#graph").dataset.highlighted`)
		inGraph := eval[string](t, ctx, `orggraphExplorer.cy.nodes(".reached").map(n => n.data("label")).sort().join(" ")`)
		listed := eval[[]string](t, ctx, `[...document.querySelectorAll("#details .affected > li")].map(li => li.dataset.centreCode + ":" + li.querySelector("h3 .basis").textContent)`)
		if highlighted != "CBA Ydelsesservice" || inGraph != "CBA Ydelsesservice" {
			t.Errorf("highlighted %q, in the graph %q; want CBA and Ydelsesservice", highlighted, inGraph)
		}
		if strings.Join(listed, " ") != "CBA:Eksplicit Ydelsesservice:Udledt" {
			t.Errorf("Berørte centre lists %q", listed)
		}
		do(t, ctx, poll(`!orggraphExplorer.cy.animated()`))
		screenshot(t, ctx, "explorer-impact.png")
	})

	t.Run("a phase reaches what its items reach", func(t *testing.T) {
		do(t, ctx,
			choose("#reform", "reformphase:2026-07-01"),
			poll(`document.querySelector("#details h2")?.textContent.includes("1. Juli 2026")`),
		)
		highlighted := eval[string](t, ctx, `document.querySelector("#graph").dataset.highlighted`)
		for _, code := range []string{"CBE", "CBA", "Ungecenteret", "CSI", "Ydelsesservice"} {
			if !strings.Contains(" "+highlighted+" ", " "+code+" ") {
				t.Errorf("the 1 July 2026 phase highlights %q; want %s among them", highlighted, code)
			}
		}
	})

	t.Run("the date changes what CBA shows", func(t *testing.T) {
		const targetGroups = `document.querySelector("#details .targetgroups")?.textContent || ""`
		do(t, ctx,
			choose("#centre", "CBA"),
			poll(`document.querySelector("#details").dataset.centre === "CBA" && !!document.querySelector("#details .targetgroups")`),
		)
		before := eval[string](t, ctx, targetGroups)
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS("#asof"), "2026-03-01"),
			script(`document.querySelector("#asof").dispatchEvent(new Event("change"))`),
			poll(`document.querySelector("#graph").dataset.asOf === "2026-03-01" && /pr\. 2026-03-01/.test(document.querySelector("#details").textContent)`),
		)
		after := eval[string](t, ctx, targetGroups)
		inGraph := eval[bool](t, ctx, `orggraphExplorer.cy.getElementById("centre:cba").neighborhood().some(n => n.id() === "targetgroup:ressourceforloeb")`)
		// Keyed by node, not by the dated view's id (centre:cba@2026-03-01),
		// so that impact and paths, which name the node, find it.
		if !eval[bool](t, ctx, `orggraphExplorer.cy.getElementById("centre:cba").nonempty()`) {
			t.Error("on 2026-03-01 the graph has no element centre:cba")
		}
		if !strings.Contains(before, "Ressourceforløb") {
			t.Errorf("without a date CBA's target groups are %q; want Ressourceforløb among them", before)
		}
		if strings.Contains(after, "Ressourceforløb") || inGraph {
			t.Errorf("on 2026-03-01 CBA still shows Ressourceforløb (panel %q, graph %v)", after, inGraph)
		}
		do(t, ctx, poll(`!orggraphExplorer.cy.animated()`))
		screenshot(t, ctx, "explorer-centre-asof.png")
	})

	t.Run("search", func(t *testing.T) {
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS("#q"), "fleksjob"),
			chromedp.Click(chromedp.CSS("#search button")),
			poll(`document.querySelectorAll("#details .hits li").length > 0`),
		)
	})

	if o := outside(); len(o) > 0 {
		t.Errorf("the explorer reached outside 127.0.0.1:\n%s", strings.Join(o, "\n"))
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(e, "\n"))
	}
}

func TestWidgetsFromAnotherOrigin(t *testing.T) {
	ctx := browser(t)

	// A port nothing listens on, for the degrade message.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	var apiURL, otherURL string
	intranet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Intranet</title>
<script src="%[1]s/widgets/v1/orggraph-widgets.js" defer></script>
<style>body{font-family:system-ui;margin:1rem;display:grid;grid-template-columns:1fr 1fr;gap:1rem;align-items:start}</style></head><body>
<orggraph-centre-card id="card" code="CBA" api="%[1]s"></orggraph-centre-card>
<orggraph-impact id="impact" item="reformchange:afskaffelse-af-ressourceforloeb" api="%[1]s"></orggraph-impact>
<orggraph-reform-timeline id="timeline" api="%[1]s"></orggraph-reform-timeline>
<orggraph-budget id="budget" api="%[1]s"></orggraph-budget>
<orggraph-centre-card id="down" code="CBA" api="%[2]s"></orggraph-centre-card>
<orggraph-centre-card id="refused" code="CBA" api="%[3]s"></orggraph-centre-card>
</body></html>`, apiURL, closed, otherURL)
	}))
	defer intranet.Close()
	api, requests := apiServer(t, intranet.URL)
	apiURL = api.URL
	// An API that allows other origins than the intranet's.
	other, _ := apiServer(t, "http://intranet.example")
	otherURL = other.URL
	if api.URL == intranet.URL {
		t.Fatal("the two servers share an origin")
	}

	const ready = `["card","impact","timeline","budget"].every(id => document.getElementById(id)?.dataset.state === "ready") && document.getElementById("down")?.dataset.state === "error" && document.getElementById("refused")?.dataset.state === "refused"`
	text := func(id string) string {
		return eval[string](t, ctx, fmt.Sprintf(`document.getElementById(%q).shadowRoot.textContent`, id))
	}
	do(t, ctx, chromedp.Navigate(intranet.URL), poll(ready))
	screenshot(t, ctx, "widgets.png")
	card, impact, down := text("card"), text("impact"), text("down")
	role := eval[string](t, ctx, `document.getElementById("down").shadowRoot.querySelector("section").getAttribute("role")`)
	for _, want := range []string{"CBA", "Aktivitetsparate kontanthjælpsmodtagere", "Målgrupper"} {
		if !strings.Contains(card, want) {
			t.Errorf("the centre card lacks %q: %q", want, card)
		}
	}
	if !strings.Contains(impact, "Ydelsesservice") || !strings.Contains(impact, "Eksplicit") {
		t.Errorf("the impact widget shows %q", impact)
	}
	if !strings.Contains(down, "kunne ikke hentes") || role != "alert" {
		t.Errorf("with the API down the widget shows %q (role %q)", down, role)
	}
	// An API that refuses the page's origin is not said to be down.
	if refused := text("refused"); !strings.Contains(refused, "CORS") || strings.Contains(refused, "kunne ikke hentes") {
		t.Errorf("with the page's origin refused the widget shows %q", refused)
	}
	noViolations(t, ctx, "the widgets")

	// Danish dates and numbers, figures right-aligned.
	timeline := text("timeline")
	if !strings.Contains(timeline, "1. februar 2026") || !strings.Contains(timeline, "1. juli 2026") {
		t.Errorf("the timeline reads %.300q; want dates as \"1. februar 2026\"", timeline)
	}
	if marker := eval[string](t, ctx, `getComputedStyle(document.getElementById("timeline").shadowRoot.querySelector("ol.timeline > li")).listStyleType`); marker != "none" {
		t.Errorf("the timeline's items are numbered (%q) before their dates: \"1. 1. februar 2026\"", marker)
	}
	budget := text("budget")
	if !regexp.MustCompile(`\d+(,\d)? (mio|mia)\. kr\.`).MatchString(budget) {
		t.Errorf("the budget reads %.300q; want Danish amounts", budget)
	}
	aligned := eval[[]string](t, ctx, `[...document.getElementById("budget").shadowRoot.querySelectorAll("td")].map(td => getComputedStyle(td).textAlign)`)
	for _, a := range aligned {
		if a != "right" {
			t.Errorf("budget figures aligned %v; want right", aligned)
			break
		}
	}
	if card := text("card"); regexp.MustCompile(`\d,\d{3}\b`).MatchString(card) {
		t.Errorf("the centre card writes a number the English way: %q", card)
	}

	// Each widget is a labelled region with a heading; the card's lists are lists.
	unlabelled := eval[[]string](t, ctx, `[...document.querySelectorAll("body > *")].filter(w => w.shadowRoot).filter(w => {
		const s = w.shadowRoot.querySelector("section");
		return !s || !s.getAttribute("aria-label") || !s.querySelector("h2");
	}).map(w => w.id)`)
	if len(unlabelled) > 0 {
		t.Errorf("widgets without an aria-label or a heading: %v", unlabelled)
	}
	if n := eval[int](t, ctx, `document.getElementById("card").shadowRoot.querySelectorAll("ul li").length`); n < 5 {
		t.Errorf("the centre card lists %d items; want CBA's target groups as a list", n)
	}

	// First visit: one request a widget, by hash alone: the server trusts
	// the widgets' queries from its start.
	first := requests()
	if len(first) != 4 || strings.Count(strings.Join(first, ","), "200 hash-only") != 4 {
		t.Errorf("the first visit sent %v; want four requests, each 200 by hash alone", first)
	}
	// Second visit: by hash alone, revalidated from the browser's cache.
	do(t, ctx, chromedp.Reload(), poll(ready))
	second := requests()[len(first):]
	for _, r := range second {
		if strings.HasSuffix(r, "with-query") {
			t.Errorf("the second visit sent a query again: %v", second)
			break
		}
	}
	if !contains(second, "304 hash-only") || len(second) > 4 {
		t.Errorf("the second visit sent %v; want at most one revalidation a widget, with 304 Not Modified", second)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
