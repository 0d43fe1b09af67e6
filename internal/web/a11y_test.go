package web_test

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bif-kk/orggraph/internal/web"
)

// axePath is axe-core as web/explorer's lock file pins it; web/explorer/build.sh
// (run by scripts/check-bundles, so by scripts/test) installs it.
const axePath = "../../web/explorer/node_modules/axe-core/axe.min.js"

// axe runs axe-core's WCAG 2.1 A and AA rules on the page and returns each
// violation as "rule: target, …". Without axe-core the test fails.
func axe(t *testing.T, ctx context.Context) []string {
	t.Helper()
	src, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is missing (%v): run web/explorer/build.sh, which installs it from the lock file", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, { runOnly: { type: "tag",
		values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }).then(r => r.violations.map(v =>
		v.id + ": " + v.nodes.map(n => n.target.join(" ") + " (" + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 160) + ")").join(", ")))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	if n := eval[int](t, ctx, `axe.getRules(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).length`); n < 50 {
		t.Fatalf("axe-core knows %d WCAG 2.1 A/AA rules; want the whole set", n)
	}
	return got
}

func noViolations(t *testing.T, ctx context.Context, state string) {
	t.Helper()
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("%s: %d axe violations:\n%s", state, len(v), strings.Join(v, "\n"))
	}
}

const explorerReady = `window.orggraphExplorer && document.querySelectorAll("#reform option").length > 10 && document.querySelectorAll("#legend li").length > 7`

func openExplorer(t *testing.T) (context.Context, func() []string, func() []string) {
	t.Helper()
	ctx := browser(t)
	errs := consoleErrors(ctx)
	api, requests := apiServer(t)
	do(t, ctx, chromedp.Navigate(api.URL+"/explorer"), poll(explorerReady))
	return ctx, errs, requests
}

// The explorer's states pass axe-core's WCAG 2.1 A/AA rules.
func TestExplorerAccessible(t *testing.T) {
	ctx, errs, _ := openExplorer(t)
	noViolations(t, ctx, "start")
	screenshot(t, ctx, "explorer-start.png")

	do(t, ctx, choose("#reform", "reformchange:afskaffelse-af-skaerpet-tilsyn"),
		poll(`document.querySelector("#details .unlinked")`))
	noViolations(t, ctx, "an unlinked reform item")
	unlinked := eval[string](t, ctx, `document.querySelector("#details .unlinked").textContent`)
	if !strings.Contains(unlinked, "Ikke forbundet med vilje") || !strings.Contains(unlinked, "skærpede tilsyn") {
		t.Errorf("the unlinked item's reason reads %q", unlinked)
	}

	do(t, ctx, choose("#reform", "reformchange:afskaffelse-af-ressourceforloeb"),
		poll(`document.querySelector("#details").dataset.view === "impact" && document.querySelectorAll("#details .affected > li").length === 2`),
		poll(`!orggraphExplorer.cy.animated()`))
	noViolations(t, ctx, "a reform item chosen")

	do(t, ctx, choose("#centre", "CBA"), poll(`document.querySelector("#details").dataset.centre === "CBA"`),
		poll(`!orggraphExplorer.cy.animated()`))
	noViolations(t, ctx, "a centre chosen")
	// Names, not counts: each shared item with its kind, statement and basis.
	shared := eval[[]string](t, ctx, `[...document.querySelectorAll("#details .deps > li:first-child .shared > li")].map(li => li.textContent)`)
	if len(shared) < 2 {
		t.Errorf("CBA's first dependency lists %v; want each shared item", shared)
	}
	for _, s := range shared {
		if !regexp.MustCompile(`^(Eksplicit|Udledt) (Målgruppe|Indsats|Samarbejdspartner|Ydelse) .+: .+ (betjener|leverer|samarbejder med|udbetales til|træffer afgørelse om og udbetaler) `).MatchString(s) {
			t.Errorf("a shared item reads %q; want basis, kind, name and a Danish sentence", s)
		}
	}
	screenshot(t, ctx, "explorer-centre.png")

	do(t, ctx, chromedp.SetValue(chromedp.CSS("#q"), "fleksjob"), chromedp.Click(chromedp.CSS("#search button")),
		poll(`document.querySelector("#details").dataset.view === "search"`))
	noViolations(t, ctx, "search results")

	do(t, ctx, chromedp.EmulateViewport(320, 800), poll(`orggraphExplorer.cy.width() > 0`))
	noViolations(t, ctx, "320 px")
	width := eval[int](t, ctx, `Math.round(document.querySelector("#graph").getBoundingClientRect().width)`)
	scroll := eval[int](t, ctx, `document.documentElement.scrollWidth`)
	if width < 280 || scroll > 320 {
		t.Errorf("at 320 px the graph is %d px wide and the page %d px; want the graph the page's width, no sideways scrolling", width, scroll)
	}
	screenshot(t, ctx, "explorer-320px.png")

	// 200 % zoom of a 1400 × 900 window is 700 × 450 CSS pixels.
	do(t, ctx, chromedp.EmulateViewport(700, 450, chromedp.EmulateScale(2)), poll(`orggraphExplorer.cy.width() > 0`))
	if w := eval[int](t, ctx, `Math.round(document.querySelector("#graph").getBoundingClientRect().width)`); w < 650 {
		t.Errorf("at 200 %% zoom the graph is %d px wide; want the page's width", w)
	}
	noViolations(t, ctx, "200 % zoom")

	if e := errs(); len(e) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(e, "\n"))
	}
}

// The graph is reached with Tab; arrow keys move along its edges; Enter
// opens the node in the panel, whose links are a table of buttons.
func TestExplorerKeyboard(t *testing.T) {
	ctx, _, _ := openExplorer(t)
	tabs := 0
	for ; tabs < 20 && eval[string](t, ctx, `document.activeElement.id`) != "graph"; tabs++ {
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	if eval[string](t, ctx, `document.activeElement.id`) != "graph" {
		t.Fatalf("20 Tabs never reached the graph")
	}
	do(t, ctx, chromedp.KeyEvent(kb.Home))
	if got := eval[string](t, ctx, `orggraphExplorer.cursor()`); got != "centre:cbe" {
		t.Fatalf("Home puts the cursor on %q; want the first centre", got)
	}
	// Every node is reachable: a walk by arrow keys from the centres and
	// reform items, along the edges, meets all of them.
	reached := eval[bool](t, ctx, `(() => {
		const cy = orggraphExplorer.cy, seen = new Set(cy.nodes("[kind='centre'], [kind='reform']").map(n => n.id()));
		const todo = [...seen];
		while (todo.length) for (const n of cy.getElementById(todo.pop()).neighborhood("node")) if (!seen.has(n.id())) { seen.add(n.id()); todo.push(n.id()); }
		return seen.size === cy.nodes().length })()`)
	if !reached {
		t.Error("some node is neither a top-level node nor joined to one")
	}
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	if got := eval[string](t, ctx, `orggraphExplorer.cursor()`); got != "centre:cba" {
		t.Errorf("ArrowDown from CBE goes to %q; want the next centre, CBA", got)
	}
	do(t, ctx, chromedp.KeyEvent(kb.ArrowRight))
	first := eval[string](t, ctx, `orggraphExplorer.cursor()`)
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	second := eval[string](t, ctx, `orggraphExplorer.cursor()`)
	joined := eval[bool](t, ctx, fmt.Sprintf(`orggraphExplorer.cy.getElementById("centre:cba").neighborhood("node").some(n => n.id() === %q) && orggraphExplorer.cy.getElementById("centre:cba").neighborhood("node").some(n => n.id() === %q)`, first, second))
	if !joined || first == second {
		t.Errorf("ArrowRight then ArrowDown from CBA visit %q and %q; want two of CBA's neighbours", first, second)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter), poll(fmt.Sprintf(`document.querySelector("#details").dataset.node === %q`, second)))
	if n := eval[int](t, ctx, `document.querySelectorAll("#details table.links tbody tr button").length`); n < 1 {
		t.Errorf("the opened node's panel has %d link buttons; want its neighbourhood as a table", n)
	}
	do(t, ctx, chromedp.KeyEvent(kb.ArrowLeft))
	if got := eval[string](t, ctx, `orggraphExplorer.cursor()`); got != "centre:cba" {
		t.Errorf("ArrowLeft goes back to %q; want CBA", got)
	}
	// A link in the text twin opens by keyboard too.
	do(t, ctx, script(`document.querySelector("#details table.links tbody tr button").focus()`), chromedp.KeyEvent(kb.Enter),
		poll(`document.querySelector("#details").dataset.view !== "node" || document.querySelector("#details").dataset.node !== `+strconv.Quote(second)))
}

// A search hit of each kind opens in the panel, chosen by keyboard.
func TestExplorerSearchHitsOfEveryKind(t *testing.T) {
	ctx, _, _ := openExplorer(t)
	for _, tc := range []struct{ text, kind, view string }{
		{"CBA", "Centre", "centre"},
		{"fleksjob", "TargetGroup", "node"},
		{"fleksjobrefusion", "Benefit", "node"},
		{"refusioner", "Intervention", "node"},
		{"SOF", "Organisation", "node"},
		{"ressourceforløb", "ReformChange", "impact"},
		{"Ledelsessekretariatet", "Unit", "node"},
		{"1. Juli 2026", "ReformPhase", "impact"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			do(t, ctx, chromedp.SetValue(chromedp.CSS("#q"), tc.text), script(`document.querySelector("#search").requestSubmit()`),
				poll(fmt.Sprintf(`document.querySelector("#details").dataset.view === "search" && document.querySelector("#details h2").textContent.includes(%q)`, tc.text)))
			sel := fmt.Sprintf(`#details .hits button[data-kind=%s]`, tc.kind)
			if !eval[bool](t, ctx, fmt.Sprintf(`!!document.querySelector(%q)`, sel)) {
				t.Fatalf("searching %q finds no %s: %s", tc.text, tc.kind, eval[string](t, ctx, `document.querySelector("#details").textContent`))
			}
			id := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.nodeId`, sel))
			do(t, ctx, script(fmt.Sprintf(`document.querySelector(%q).focus()`, sel)), chromedp.KeyEvent(kb.Enter),
				poll(fmt.Sprintf(`document.querySelector("#details").dataset.view === %q`, tc.view)))
			if tc.view == "node" {
				if got := eval[string](t, ctx, `document.querySelector("#details").dataset.node`); got != id {
					t.Errorf("the panel shows %q; want %q", got, id)
				}
			}
			// The pickers hold only what the panel shows.
			if tc.view == "node" && eval[string](t, ctx, `document.querySelector("#centre").value + document.querySelector("#reform").value`) != "" {
				t.Error("a picker keeps a stale value")
			}
		})
	}
}

// englishCodes are what a Danish page must not show: the API's kind and
// relationship codes.
var englishCodes = regexp.MustCompile(`\b(TargetGroup|ReformChange|ReformPhase|Benefit|Intervention|Unit|Centre|Organisation|SavingsYear|BudgetFrame|OVERSEES|HAS_CENTRE|HAS_UNIT|SERVES|DELIVERS|PAYS|PAID_TO|WORKS_WITH|COOPERATES_ON|HAS_PHASE|INCLUDES|HAS_INITIATIVE|PHASES_OUT|AFFECTS|MOVES_TO|MOVES|COORDINATES|HAS_BUDGET|HAS_FRAME|HAS_SAVINGS|EXPLICIT|INFERRED)\b`)

// In Danish no English kind name or relationship code is on screen; the
// language switch turns the page English and marks the Danish names.
func TestExplorerDanish(t *testing.T) {
	ctx, errs, _ := openExplorer(t)
	onScreen := func(state string) {
		t.Helper()
		text := eval[string](t, ctx, `document.body.innerText + " " + [...document.querySelectorAll("[aria-label]")].map(e => e.getAttribute("aria-label")).join(" ")`)
		if m := englishCodes.FindAllString(text, 5); len(m) > 0 {
			t.Errorf("%s: English codes on a Danish page: %v", state, m)
		}
	}
	onScreen("start")
	do(t, ctx, choose("#reform", "reformchange:afskaffelse-af-ressourceforloeb"), poll(`document.querySelector("#details").dataset.view === "impact"`))
	onScreen("a reform item")
	if text := eval[string](t, ctx, `document.querySelector("#details .affected").textContent`); !strings.Contains(text, "CBA betjener Ressourceforløb") || !strings.Contains(text, "ophører udbetalingen") {
		t.Errorf("the paths read %.400q; want Danish statements and rationales", text)
	}
	do(t, ctx, choose("#centre", "Ydelsesservice"), poll(`document.querySelector("#details").dataset.centre === "Ydelsesservice"`))
	onScreen("a centre")
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#q"), "fleksjob"), script(`document.querySelector("#search").requestSubmit()`),
		poll(`document.querySelector("#details").dataset.view === "search"`))
	onScreen("search results")
	do(t, ctx, script(`document.querySelector("#details .hits button[data-kind=TargetGroup]").click()`), poll(`document.querySelector("#details").dataset.view === "node"`))
	onScreen("a target group")

	// The panel is shown again in English: its Danish names marked.
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang")), poll(`document.documentElement.lang === "en" && document.querySelector("#details table.links th")?.textContent === "Statement"`))
	if got := eval[string](t, ctx, `document.querySelector("#reform").labels[0].textContent + " | " + document.querySelector("#legend").textContent`); !strings.Contains(got, "Choose a reform item") || !strings.Contains(got, "Target group") {
		t.Errorf("in English the page reads %q", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#details [lang=da]").length`); n < 2 {
		t.Errorf("%d Danish names marked lang=da on the English page", n)
	}
	if got := eval[string](t, ctx, `document.querySelector("#lang").getAttribute("lang") + " " + document.querySelector("#lang").textContent`); got != "da Dansk" {
		t.Errorf("the switch back reads %q", got)
	}
	noViolations(t, ctx, "English")
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang")), poll(`document.documentElement.lang === "da"`))
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(e, "\n"))
	}
}

// contrast is WCAG's contrast ratio of two "rgb(r, g, b)" colours.
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	lum := func(c string) float64 {
		m := regexp.MustCompile(`rgba?\((\d+),\s*(\d+),\s*(\d+)`).FindStringSubmatch(c)
		if m == nil {
			t.Fatalf("colour %q", c)
		}
		var l [3]float64
		for i := range 3 {
			v, _ := strconv.ParseFloat(m[i+1], 64)
			v /= 255
			if v <= 0.03928 {
				l[i] = v / 12.92
			} else {
				l[i] = math.Pow((v+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	x, y := lum(a), lum(b)
	return (math.Max(x, y) + 0.05) / (math.Min(x, y) + 0.05)
}

// The graph's edges, node fills, marks and focus ring have at least 3:1
// against the white canvas; labels drawn are 12 px or more and do not
// overlap; the legend shows each kind's shape in its colour.
func TestGraphStyles(t *testing.T) {
	ctx, _, _ := openExplorer(t)
	const white = "rgb(255, 255, 255)"
	colours := eval[map[string]string](t, ctx, `(() => {
		const cy = orggraphExplorer.cy, out = {};
		for (const k of orggraphExplorer.kinds) out["fill " + k.kind] = cy.nodes("[kind='" + k.kind + "']").first().style("background-color");
		out.edge = cy.edges().first().style("line-color");
		const n = cy.nodes().first();
		n.addClass("cursor selected reached");
		out["focus ring"] = n.style("outline-color");
		out["reached mark"] = n.removeClass("selected").style("border-color");
		n.removeClass("reached").addClass("selected");
		out["selected mark"] = n.style("border-color");
		n.removeClass("cursor selected");
		return out })()`)
	if len(colours) < 10 {
		t.Fatalf("styles read: %v", colours)
	}
	for what, c := range colours {
		if r := contrast(t, c, white); r < 3 {
			t.Errorf("%s %s: %.2f:1 on white; want 3:1 or more", what, c, r)
		} else {
			t.Logf("%s %s: %.2f:1", what, c, r)
		}
	}
	if r := contrast(t, colours["fill centre"], colours["reached mark"]); colours["reached mark"] == colours["fill reform"] || r < 1.5 {
		t.Errorf("the reached mark %s is the reform items' colour or too close to a centre's", colours["reached mark"])
	}
	if got := eval[int](t, ctx, `new Set(orggraphExplorer.kinds.map(k => k.color)).size * 10 + new Set(orggraphExplorer.kinds.map(k => k.shape)).size`); got != 77 {
		t.Errorf("kinds' colours×10+shapes = %d; want 7 distinct colours and 7 distinct shapes", got)
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll("#legend li svg > *")].filter(s => s.getAttribute("fill") && s.getAttribute("fill") !== "#fff").length`); n != 7 {
		t.Errorf("the legend draws %d kinds' shapes; want 7", n)
	}

	// Labels: what is drawn is drawn at 12 px or more, and no two overlap.
	labels := func(state string) {
		t.Helper()
		got := eval[[]string](t, ctx, `(() => {
			const cy = orggraphExplorer.cy, z = cy.zoom(), shown = [], bad = [];
			for (const n of cy.nodes()) {
				const px = parseFloat(n.style("font-size")) * z;
				if (px < parseFloat(n.style("min-zoomed-font-size")) || n.style("label") === "") continue;
				if (px < 12) bad.push("small " + n.id());
				const b = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
				const e = cy.extent();
				if (b.x2 < e.x1 || b.x1 > e.x2 || b.y2 < e.y1 || b.y1 > e.y2) continue;
				shown.push([n.id(), b]);
			}
			for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
				const [a, p] = shown[i], [b, q] = shown[j];
				if (p.x1 < q.x2 && q.x1 < p.x2 && p.y1 < q.y2 && q.y1 < p.y2) bad.push(a + " overlaps " + b);
			}
			return [String(shown.length), ...bad] })()`)
		if got[0] == "0" {
			t.Errorf("%s: no label drawn", state)
		}
		if len(got) > 1 {
			t.Errorf("%s: %s labels drawn; %d problems: %v", state, got[0], len(got)-1, got[1:min(len(got), 12)])
		}
	}
	labels("start")
	do(t, ctx, choose("#reform", "reformphase:2026-07-01"), poll(`document.querySelector("#details").dataset.view === "impact"`), poll(`!orggraphExplorer.cy.animated()`))
	labels("a phase chosen")
	do(t, ctx, choose("#centre", "CBA"), poll(`document.querySelector("#details").dataset.centre === "CBA"`), poll(`!orggraphExplorer.cy.animated()`))
	labels("CBA chosen")
	before := eval[float64](t, ctx, `orggraphExplorer.cy.zoom()`)
	do(t, ctx, chromedp.Click(chromedp.CSS("#zoomin")))
	if after := eval[float64](t, ctx, `orggraphExplorer.cy.zoom()`); after <= before {
		t.Errorf("Zoom ind: zoom %.3f → %.3f", before, after)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#fit")), poll(`!orggraphExplorer.cy.animated()`))
	if fit := eval[float64](t, ctx, `orggraphExplorer.cy.zoom()`); fit >= before {
		t.Errorf("Tilpas: zoom %.3f, not below the centre's %.3f", fit, before)
	}
}

// Calm: a date typed digit by digit reloads the graph once; a change of
// selection is announced in a few words, and nothing else is live; with the
// API down one alert says so.
func TestExplorerCalm(t *testing.T) {
	ctx, _, requests := openExplorer(t)
	graphLoads := func() int {
		n := 0
		for _, r := range requests() {
			if r == "POST ExplorerGraph" {
				n++
			}
		}
		return n
	}
	start := graphLoads()
	do(t, ctx, script(`document.querySelector("#asof").focus()`))
	// Chromium's date field follows its locale, en-US here: mm/dd/yyyy.
	do(t, ctx, chromedp.KeyEvent("03012026"), poll(`document.querySelector("#graph").dataset.asOf === "2026-03-01"`))
	if n := graphLoads() - start; n != 1 {
		t.Errorf("typing a date digit by digit into Dato reloaded the graph %d times; want once (requests %v)", n, requests())
	}
	live := eval[[]string](t, ctx, `[...document.querySelectorAll("[aria-live], [role=status], [role=alert]")].map(e => e.id)`)
	if strings.Join(live, " ") != "alert announce live graph-cursor" {
		t.Errorf("live regions %v; want only the alert, the announcement, the line saying the graph was updated, and the graph's cursor", live)
	}
	do(t, ctx, choose("#centre", "CSI"), poll(`document.querySelector("#details").dataset.centre === "CSI"`))
	if a := eval[string](t, ctx, `document.querySelector("#announce").textContent`); a != "Valgt: CSI, Center" {
		t.Errorf("the announcement reads %q", a)
	}

	// The API down: the page alone, with no /graphql behind it.
	down := httptest.NewServer(web.Handler())
	defer down.Close()
	do(t, ctx, chromedp.Navigate(down.URL+"/explorer"), poll(`document.querySelector("#alert").textContent !== ""`))
	alerts := eval[[]string](t, ctx, `[...document.querySelectorAll("[role=alert]")].filter(e => e.textContent.trim()).map(e => e.textContent)`)
	if len(alerts) != 1 || !strings.Contains(alerts[0], "API'et svarer ikke") {
		t.Errorf("with the API down: alerts %q; want one", alerts)
	}
	noViolations(t, ctx, "API down")
}
