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
	st, err := memstore.Open(seedtest.Graph(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())

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
	t.Cleanup(api.Close)
	apiURL = api.URL

	const ready = `["card","other"].every(id => document.getElementById(id)?.dataset.state === "ready")`
	do(t, ctx, chromedp.Navigate(intranet.URL), poll(ready))

	// A write made before the page's EventSource reached the server goes
	// unheard (the widgets listen from now on), so write until one is heard.
	heard := false
	for i := 0; i < 10 && !heard; i++ {
		ns, err := st.NodesByID(context.Background(), []domain.ID{"centre:cba"})
		if err != nil {
			t.Fatal(err)
		}
		cba := *ns["centre:cba"]
		cba.Description = fmt.Sprintf("CBA har fået en ny beskrivelse (%d).\n", i) + strings.SplitN(cba.Description, "\n", 2)[len(strings.SplitN(cba.Description, "\n", 2))-1]
		if _, err := st.Apply(context.Background(), domain.Write{Op: domain.UpdateNode, Actor: "planner", Node: &cba, ExpectedVersion: cba.Version}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		heard = eval[bool](t, ctx, `document.getElementById("card").dataset.updates !== undefined`)
	}
	if !heard {
		t.Fatal("the live card heard none of ten writes")
	}
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
