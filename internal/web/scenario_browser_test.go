package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/scenario"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// openScenarioExplorer opens the explorer over an embedded store journalled
// to a temporary directory, holding the README's worked example: the
// scenario "Ressourceforløb til CBE" (scenario:s1), where CBE serves
// Ressourceforløb instead of CBA, and "Kontanthjælp 18-29 til CBE"
// (scenario:s2), where CBE serves Kontanthjælpsmodtagere 18-29 år instead of
// Ungecenteret, and their 1831 full-time persons move with them.
func openScenarioExplorer(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	st := seedtest.Writable(t, t.TempDir())
	ctx := context.Background()
	views := scenario.New(st)
	src := []domain.Source{{Document: "planlaegning.docx", Section: "Udkast"}}
	// move makes a scenario named name in which CBE serves group instead of from.
	move := func(name string, from, group domain.ID) {
		sc, _, err := st.ApplyScenario(ctx, domain.ScenarioWrite{Op: domain.CreateScenario, Actor: "anna", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []domain.Write{
			{Op: domain.DeleteLink, Actor: "anna", ExpectedVersion: 1, Rel: &domain.Relationship{Kind: domain.RelServes, From: from, To: group}},
			{Op: domain.CreateLink, Actor: "anna", Rel: &domain.Relationship{Kind: domain.RelServes, From: "centre:cbe", To: group,
				Basis: domain.Inferred, Rationale: "Planned: CBE takes the group over", Sources: src}},
		} {
			if _, _, err := views.Change(ctx, sc.ID, w); err != nil {
				t.Fatal(err)
			}
		}
	}
	move("Ressourceforløb til CBE", "centre:cba", "targetgroup:ressourceforloeb")
	move("Kontanthjælp 18-29 til CBE", "centre:ungecenteret", "targetgroup:kontanthjaelpsmodtagere-18-29-aar")
	bctx := browser(t)
	errs := consoleErrors(bctx)
	api, _ := apiServerOn(t, st)
	do(t, bctx, chromedp.Navigate(api.URL+"/explorer"), poll(explorerReady+` && document.querySelectorAll("#scenario option").length === 3`))
	return bctx, errs
}

const scenarioShown = `document.querySelector("#graph").dataset.scenario === "scenario:s1" && !document.querySelector("#diff").hidden`

// With a scenario chosen the graph is the scenario's, its changes marked
// on the graph and told as text, and the page still passes axe-core.
func TestExplorerScenario(t *testing.T) {
	ctx, errs := openScenarioExplorer(t)
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll("#scenario option")].map(o => o.value + "=" + o.textContent)`); strings.Join(got, "|") != "=Grundlinje|scenario:s1=Ressourceforløb til CBE|scenario:s2=Kontanthjælp 18-29 til CBE" {
		t.Errorf("the scenario picker offers %q", got)
	}
	if !eval[bool](t, ctx, `document.querySelector("#diff").hidden && orggraphExplorer.cy.getElementById("centre:cba>targetgroup:ressourceforloeb").nonempty()`) {
		t.Error("the baseline is not shown by default")
	}

	do(t, ctx, choose("#scenario", "scenario:s1"), poll(scenarioShown), poll(`!orggraphExplorer.cy.animated()`))
	noViolations(t, ctx, "a scenario chosen")
	if got := eval[string](t, ctx, `document.querySelector("#announce").textContent`); got != "Scenariet „Ressourceforløb til CBE“ vises" {
		t.Errorf("announced %q", got)
	}

	// The text: per reform item the centres gained and lost; the links.
	row := eval[[]string](t, ctx, `(() => { const r = document.querySelector('#diff tr[data-item-id="reformchange:afskaffelse-af-ressourceforloeb"]');
		return r ? [r.querySelector("th").textContent, r.querySelector("td.gained").dataset.codes, r.querySelector("td.lost").dataset.codes, r.querySelector("td.gained").textContent, r.querySelector("td.lost").textContent] : [] })()`)
	if strings.Join(row, "|") != "Afskaffelse af ressourceforløb|CBE|CBA|CBE|CBA" {
		t.Errorf("the reform item's row reads %q; want CBE gained, CBA lost", row)
	}
	heads := eval[string](t, ctx, `[...document.querySelectorAll("#diff thead th")].map(th => th.textContent).join("|")`)
	if !strings.HasPrefix(heads, "Reformelement|Centre, der kommer til|Centre, der falder fra") {
		t.Errorf("the diff's table heads read %q", heads)
	}
	links := eval[string](t, ctx, `[...document.querySelectorAll("#diff .linkchanges li")].map(li => li.dataset.change + ": " + li.textContent).join("|")`)
	if links != "added: Ny: CBE betjener Ressourceforløb|removed: Fjernet: CBA betjener Ressourceforløb" {
		t.Errorf("the diff's links read %q", links)
	}

	// The graph: the scenario's, the added link drawn solid and arrowed, the
	// removed one dashed, the item's centres marked + and −.
	g := eval[map[string]string](t, ctx, `(() => { const cy = orggraphExplorer.cy, d = document.querySelector("#graph").dataset;
		const a = cy.getElementById("centre:cbe>targetgroup:ressourceforloeb"), r = cy.getElementById("removed:centre:cba>targetgroup:ressourceforloeb");
		return { added: d.added, removed: d.removed, gained: d.gained, lost: d.lost,
			addedStyle: a.style("line-style") + " " + a.style("target-arrow-shape"), removedStyle: r.style("line-style"),
			addedColour: a.style("line-color"), removedColour: r.style("line-color"),
			gainedLabel: cy.getElementById("centre:cbe").style("label"), lostLabel: cy.getElementById("centre:cba").style("label"),
			lostRing: cy.getElementById("centre:cba").style("border-style") } })()`)
	want := map[string]string{"added": "centre:cbe>targetgroup:ressourceforloeb", "removed": "removed:centre:cba>targetgroup:ressourceforloeb",
		"gained": "CBE", "lost": "CBA", "addedStyle": "solid triangle", "removedStyle": "dashed", "gainedLabel": "+ CBE", "lostLabel": "− CBA", "lostRing": "dashed"}
	for k, v := range want {
		if g[k] != v {
			t.Errorf("graph %s = %q; want %q", k, g[k], v)
		}
	}
	for _, k := range []string{"addedColour", "removedColour"} {
		if r := contrast(t, g[k], "rgb(255, 255, 255)"); r < 3 {
			t.Errorf("%s %s: %.2f:1 on white; want 3:1 or more", k, g[k], r)
		}
	}

	// Inside the scenario the panel answers in it too: the reform item reaches CBE.
	do(t, ctx, choose("#reform", "reformchange:afskaffelse-af-ressourceforloeb"),
		poll(`document.querySelector("#details").dataset.view === "impact" && document.querySelectorAll("#details .affected > li").length === 2`),
		poll(`!orggraphExplorer.cy.animated()`))
	if got := eval[string](t, ctx, `[...document.querySelectorAll("#details .affected > li")].map(li => li.dataset.centreCode).join(" ")`); got != "CBE Ydelsesservice" {
		t.Errorf("inside the scenario the item reaches %q; want CBE and Ydelsesservice", got)
	}
	noViolations(t, ctx, "a reform item chosen in a scenario")
	screenshot(t, ctx, "explorer-scenario.png")

	do(t, ctx, chromedp.Click(chromedp.CSS("#lang")), poll(`document.documentElement.lang === "en" && document.querySelector("#diff-heading").textContent.startsWith("The scenario")`))
	if got := eval[string](t, ctx, `[...document.querySelectorAll("#diff .linkchanges li")].map(li => li.textContent).join("|") + "|" + document.querySelector("#scenario option").textContent`); got != "New: CBE serves Ressourceforløb|Removed: CBA serves Ressourceforløb|Baseline" {
		t.Errorf("in English the diff reads %q", got)
	}
	noViolations(t, ctx, "a scenario in English")

	do(t, ctx, choose("#scenario", ""), poll(`document.querySelector("#graph").dataset.scenario === "" && document.querySelector("#diff").hidden`))
	if !eval[bool](t, ctx, `orggraphExplorer.cy.getElementById("centre:cba>targetgroup:ressourceforloeb").nonempty() && orggraphExplorer.cy.edges(".added, .removed").empty()`) {
		t.Error("back on the baseline the scenario's marks stay")
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(e, "\n"))
	}
}

// The scenario picker is reached with Tab and chosen with the arrow keys.
func TestExplorerScenarioKeyboard(t *testing.T) {
	ctx, _ := openScenarioExplorer(t)
	for tabs := 0; tabs < 10 && eval[string](t, ctx, `document.activeElement.id`) != "scenario"; tabs++ {
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	if eval[string](t, ctx, `document.activeElement.id`) != "scenario" {
		t.Fatalf("10 Tabs never reached the scenario picker")
	}
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown), poll(scenarioShown))
	if got := eval[string](t, ctx, `document.querySelector("#announce").textContent`); got != "Scenariet „Ressourceforløb til CBE“ vises" {
		t.Errorf("announced %q", got)
	}
	// The diff's buttons are in the tab order: Tab reaches the first.
	for tabs := 0; tabs < 30 && eval[string](t, ctx, `document.activeElement.closest("#diff") ? "diff" : ""`) != "diff"; tabs++ {
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	if eval[string](t, ctx, `document.activeElement.closest("#diff") ? document.activeElement.tagName : ""`) != "BUTTON" {
		t.Fatalf("Tab never reached the diff's buttons")
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter), poll(`document.querySelector("#details").dataset.view === "impact"`))
}

// The figures that move are a table beside the baseline's: CBE gains the
// 1831 full-time persons Ungecenteret loses.
func TestExplorerScenarioFigures(t *testing.T) {
	ctx, _ := openScenarioExplorer(t)
	do(t, ctx, choose("#scenario", "scenario:s2"), poll(`document.querySelector("#graph").dataset.scenario === "scenario:s2" && !document.querySelector("#diff").hidden`))
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#diff tr[data-centre-code]")].map(tr => [...tr.children].map(c => c.textContent).join("|"))`)
	want := []string{"CBE|Årsværk|0|1.831|+1.831", "Ungecenteret|Årsværk|1.831|0|-1.831"}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("the figures that move read\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	noViolations(t, ctx, "figures that move")
}
