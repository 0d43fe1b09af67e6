package graph

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"golang.org/x/sync/semaphore"

	"github.com/bif-kk/orggraph/internal/admission"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
)

// A query priced at the heavy lane's threshold waits while the lane is
// full, and gives up with TIMEOUT when its request ends first; one priced
// below it runs at once, full lane or not.
func TestHeavyQueriesTakeTheirTurn(t *testing.T) {
	schema, checker := limitsOver(t, querylimit.Defaults, seedtest.Store(t))
	lane := heavyLane{threshold: 2, slots: make(chan struct{}, 1)}

	// prepare prices query as the endpoint does and returns the context a
	// gqlgen operation interceptor sees.
	prepare := func(ctx context.Context, query string) (context.Context, int) {
		ctx = querylimit.WithPrice(ctx)
		if err := checker.Extension().MutateOperationParameters(ctx, &graphql.RawParams{Query: query}); err != nil {
			t.Fatal(err)
		}
		doc, errs := gqlparser.LoadQuery(schema, query)
		if errs != nil {
			t.Fatal(errs)
		}
		cost, _ := querylimit.PriceOf(ctx)
		return graphql.WithOperationContext(ctx, &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]}), cost
	}
	run := func(ctx context.Context, query string) (ran bool, resp *graphql.Response) {
		ctx, _ = prepare(ctx, query)
		handler := lane.InterceptOperation(ctx, func(context.Context) graphql.ResponseHandler {
			return func(context.Context) *graphql.Response { ran = true; return &graphql.Response{} }
		})
		return ran, handler(ctx)
	}
	const heavy, cheap = `{ centres { code targetGroups { name } } }`, `{ __typename }`
	if _, cost := prepare(context.Background(), heavy); cost < lane.threshold {
		t.Fatalf("the heavy query costs %d, below the threshold %d", cost, lane.threshold)
	}
	if _, cost := prepare(context.Background(), cheap); cost >= lane.threshold {
		t.Fatalf("the cheap query costs %d, not below the threshold %d", cost, lane.threshold)
	}

	lane.slots <- struct{}{} // another heavy query runs
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ran, resp := run(ctx, heavy)
	if ran || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != apierr.Timeout {
		t.Fatalf("a heavy query with the lane full: ran %v, answered %+v", ran, resp)
	}
	if ran, _ := run(context.Background(), cheap); !ran {
		t.Fatal("a cheap query waited for the heavy lane")
	}
	<-lane.slots // the other one ends
	if ran, resp := run(context.Background(), heavy); !ran || len(resp.Errors) != 0 {
		t.Fatalf("a heavy query with the lane free: ran %v, answered %+v", ran, resp)
	}
	if len(lane.slots) != 0 {
		t.Fatal("a finished heavy query kept its place in the lane")
	}

	// With the lane full, a heavy query gives up its place among the
	// requests that run at once (one place here, as --max-in-flight 1),
	// so a cheap request can take it; once the lane has room, it takes
	// its place again before it runs.
	places := semaphore.NewWeighted(1)
	if !places.TryAcquire(1) {
		t.Fatal("the one place is taken")
	}
	place := admission.New(func() { places.Release(1) }, func(ctx context.Context) error { return places.Acquire(ctx, 1) })
	lane.slots <- struct{}{} // another heavy query runs
	done := make(chan bool)
	go func() {
		ran, _ := run(admission.With(context.Background(), place), heavy)
		done <- ran
	}()
	waited := time.Now()
	for !places.TryAcquire(1) { // a cheap request takes the place given up
		if time.Since(waited) > 5*time.Second {
			t.Fatal("a heavy query waiting for the lane kept its place")
		}
		time.Sleep(time.Millisecond)
	}
	<-lane.slots // the other heavy one ends: the lane has room
	select {
	case <-done:
		t.Fatal("the heavy query ran while the cheap one held the only place")
	case <-time.After(50 * time.Millisecond):
	}
	places.Release(1) // the cheap one ends
	if ran := <-done; !ran {
		t.Fatal("the heavy query did not run once it had its place again")
	}
	place.Leave()
	if !places.TryAcquire(1) {
		t.Fatal("the place was not given back at the end")
	}
}

// TestHeavyLaneSlots: the lane has the places it is given (Neo4j's, as
// serve sets them), and one per two cores, at least one, when given none.
func TestHeavyLaneSlots(t *testing.T) {
	if got := cap(newHeavyLane(500_000, Neo4jHeavySlots).slots); got != Neo4jHeavySlots {
		t.Errorf("given %d places, the lane has %d", Neo4jHeavySlots, got)
	}
	if got, want := cap(newHeavyLane(500_000, 0).slots), max(1, runtime.GOMAXPROCS(0)/2); got != want {
		t.Errorf("given none, the lane has %d places, want %d", got, want)
	}
}

// TestHeavyLaneThreshold: the lane takes a fifth of the price limit and
// up, and a limit raised past the default (serve --max-price) keeps the
// default's threshold, so the queries it let in before stay in the lane.
func TestHeavyLaneThreshold(t *testing.T) {
	for _, tt := range []struct{ limit, want int }{
		{querylimit.DefaultMaxComplexity, querylimit.DefaultMaxComplexity / heavyShare},
		{50_000, 10_000},
		{3_000_000, querylimit.DefaultMaxComplexity / heavyShare},
	} {
		if got := newHeavyLane(tt.limit, 1).threshold; got != tt.want {
			t.Errorf("limit %d: threshold %d, want %d", tt.limit, got, tt.want)
		}
	}
}
