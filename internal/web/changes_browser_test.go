package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A centre's panel lists its changes as sentences in the page's language,
// from CentreChange.sentence.
func TestExplorerCentreChanges(t *testing.T) {
	ctx, errs, _ := openExplorer(t)
	do(t, ctx, choose("#centre", "CBA"), poll(`document.querySelector("#details").dataset.centre === "CBA" && document.querySelector("#details .changes")`))
	const da = "Fra 2026-02-01 gælder ikke længere: CBA betjener Ressourceforløb, på grund af Afskaffelse af ressourceforløb"
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll("#details .changes li")].map(li => li.textContent)`); !contains(got, da) {
		t.Errorf("CBA's changes read %q; want among them %q", got, da)
	}
	noViolations(t, ctx, "a centre's changes")
	do(t, ctx, chromedp.Click(chromedp.CSS("#lang")), poll(`document.documentElement.lang === "en" && document.querySelector("#details .changes li")?.textContent.startsWith("From ")`))
	const en = "From 2026-02-01 CBA no longer serves Ressourceforløb, because of Afskaffelse af ressourceforløb"
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll("#details .changes li")].map(li => li.textContent)`); !contains(got, en) {
		t.Errorf("in English CBA's changes read %q; want among them %q", got, en)
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(e, "\n"))
	}
}
