package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/servertest"
	"github.com/bif-kk/orggraph/internal/store/memstore"
)

// A live widget on an intranet page hears of a planner's write through its
// EventSource, shows the change and says so in Danish; one the write does
// not change says nothing.
func TestLiveWidgets(t *testing.T) {
	ctx := browser(t)
	st := seedtest.Writable(t, t.TempDir())

	var apiURL string
	intranet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Intranet</title>
<script src="%[1]s/widgets/v1/orggraph-widgets.js" defer></script></head><body>
<orggraph-centre-card id="card" code="CBA" api="%[1]s" live></orggraph-centre-card>
<orggraph-centre-card id="other" code="CSI" api="%[1]s" live></orggraph-centre-card>
</body></html>`, apiURL)
	}))
	t.Cleanup(intranet.Close)
	api := httptest.NewServer(servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{CORSOrigins: []string{intranet.URL}}, graph.Options{}))
	t.Cleanup(func() { api.Listener.Close(); api.CloseClientConnections(); api.Close() }) // the widgets' event stream stays open
	apiURL = api.URL

	const ready = `["card","other"].every(id => document.getElementById(id)?.dataset.state === "ready")`
	do(t, ctx, chromedp.Navigate(intranet.URL), poll(ready))

	writeUntilHeard(t, ctx, st, "centre:cba", `document.getElementById("card").dataset.updates !== undefined`, "the live card", func(cba *domain.Node, i int) {
		cba.Description = fmt.Sprintf("CBA har fået en ny beskrivelse (%d).\n", i) + strings.SplitN(cba.Description, "\n", 2)[len(strings.SplitN(cba.Description, "\n", 2))-1]
	})
	do(t, ctx, poll(`document.getElementById("other").dataset.refreshed !== undefined`))
	screenshot(t, ctx, "widgets-live.png")
	card := eval[string](t, ctx, `document.getElementById("card").shadowRoot.textContent`)
	for _, want := range []string{"CBA har fået en ny beskrivelse", "Opdateret kl.", "oplysningerne er ændret"} {
		if !strings.Contains(card, want) {
			t.Errorf("the live card lacks %q: %q", want, card)
		}
	}
	if role := eval[string](t, ctx, `document.getElementById("card").shadowRoot.querySelector(".live").getAttribute("role")`); role != "status" {
		t.Errorf("the note's role is %q, want status", role)
	}
	if other := eval[string](t, ctx, `document.getElementById("other").shadowRoot.textContent`); strings.Contains(other, "Opdateret") {
		t.Errorf("a card the write did not change says it was updated: %q", other)
	}
}

// The explorer follows the graph too: after a planner's write it draws the
// graph again and shows again what the panel showed, with the write in both,
// and says so in Danish in a status line.
func TestExplorerLive(t *testing.T) {
	ctx := browser(t)
	st := seedtest.Writable(t, t.TempDir())
	api := httptest.NewServer(servertest.New(slog.New(slog.DiscardHandler), st, httpserver.Options{}, graph.Options{}))
	t.Cleanup(func() { api.Listener.Close(); api.CloseClientConnections(); api.Close() }) // the page's event stream stays open

	do(t, ctx,
		chromedp.Navigate(api.URL+"/explorer"),
		poll(`window.orggraphExplorer && document.getElementById("live") && document.querySelectorAll("#centre option").length > 3`),
		choose("#centre", "CBA"),
		poll(`document.querySelector("#details").dataset.centre === "CBA"`),
	)
	if live := eval[string](t, ctx, `document.getElementById("live").textContent`); live != "" {
		t.Fatalf("before any write the live line says %q", live)
	}
	id := domain.ID(eval[string](t, ctx, `orggraphExplorer.cy.nodes("[owner='centre:cba'][kind='targetgroup']").first().id()`))
	if id == "" {
		t.Fatal("the graph shows no target group of CBA")
	}

	var renamed string
	writeUntilHeard(t, ctx, st, id, `document.getElementById("live").dataset.updates !== undefined`, "the explorer", func(tg *domain.Node, i int) {
		renamed = fmt.Sprintf("Omdøbt målgruppe %d", i)
		tg.Name = renamed
	})
	// The last write may still be on its way: wait for the name it gave.
	do(t, ctx, poll(fmt.Sprintf(`orggraphExplorer.cy.getElementById(%q).data("label") === %q`, id, renamed)),
		poll(fmt.Sprintf(`document.querySelector("#details .targetgroups").textContent.includes(%q)`, renamed)))
	if view := eval[string](t, ctx, `document.querySelector("#details").dataset.centre`); view != "CBA" {
		t.Errorf("after the write the panel shows centre %q, want CBA still", view)
	}
	line := eval[string](t, ctx, `document.getElementById("live").textContent`)
	for _, want := range []string{"Opdateret kl.", "grafen er ændret"} {
		if !strings.Contains(line, want) {
			t.Errorf("the live line lacks %q: %q", want, line)
		}
	}
	if role := eval[string](t, ctx, `document.getElementById("live").getAttribute("role")`); role != "status" {
		t.Errorf("the live line's role is %q, want status", role)
	}
	screenshot(t, ctx, "explorer-live.png")
}

// writeUntilHeard writes the node id as a planner, change making the i-th
// write, once a second until the page's expression heard holds. A write
// made before the page's EventSource reached the server goes unheard (the
// page listens from then on), so it writes until one is heard; where who
// (what on the page listens) hears none of ten, the test fails.
func writeUntilHeard(t *testing.T, ctx context.Context, st *memstore.Store, id domain.ID, heard, who string, change func(n *domain.Node, i int)) {
	t.Helper()
	for i := range 10 {
		ns, err := st.NodesByID(context.Background(), []domain.ID{id})
		if err != nil {
			t.Fatal(err)
		}
		n := *ns[id]
		change(&n, i)
		if _, err := st.Apply(context.Background(), domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &n, ExpectedVersion: n.Version}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		if eval[bool](t, ctx, heard) {
			return
		}
	}
	t.Fatalf("%s heard none of ten writes", who)
}
