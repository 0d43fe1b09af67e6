package graph

import (
	"context"
	"net/http"
	"runtime"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/admission"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/gqlext"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// heavyLane runs the queries priced at or above threshold a few at a time
// (one per two cores on the memory store, Neo4jHeavySlots on Neo4j), so that they share the cores with the
// cheap ones instead of taking them: a deep listing of every centre at 100×
// the seed holds a core for a tenth of a second. A query the limits priced
// below threshold, and every mutation and subscription, runs at once. The
// price is the one the query limits put on the operation
// (querylimit.PriceOf): what the answer may hold, which is what grows with
// the graph. On the mix at 100× (memory store, 16 workers, 2 cores) it took
// the widget's p50 from 17.1 and 14.1 ms to 12.9 and 12.0 (two rounds), and
// the deep listing's from 75 and 60 ms to 164 and 130: docs/BENCHMARKS.md.
type heavyLane struct {
	gqlext.Name
	threshold int
	slots     chan struct{}
}

// heavyShare is the part of the most an operation may cost
// (querylimit.Limits.MaxComplexity) from which a query takes the heavy
// lane. At 100× the seed the deep listing is priced at 295,400 and the
// explorer's whole graph at 133,700 against a limit of 500,000; an impact,
// a centre's dependencies or a search at 25,000 to 40,000 at any size, and
// a widget under 10,000. A limit raised past the default
// (serve --max-price) leaves the threshold where the default puts it, so
// that letting a costlier query in does not let the costly ones out of the
// lane: at 1000× the deep listing is priced at 2,954,000.
const heavyShare = 5

// Neo4jHeavySlots is how many heavy queries run at once on Neo4j
// (Options.HeavySlots, as serve sets it). There a heavy query waits for the
// database most of its time, so one at a time left the cores idle and
// queued the deep listing behind itself; four at once filled Neo4j with deep
// listings that the cheap questions then waited behind. Two keep every
// question whose answer does not grow within twice its 1× p99 at 100×, at
// the throughput of four, for a slower deep listing (p50 about 800 ms
// rather than 330): docs/BENCHMARKS.md, "Two places on Neo4j, not four".
const Neo4jHeavySlots = 2

// newHeavyLane makes the lane with slots places; 0 is one per two cores,
// at least one, for a store whose work is Go's (the memory store).
func newHeavyLane(maxComplexity, slots int) heavyLane {
	if slots <= 0 {
		slots = max(1, runtime.GOMAXPROCS(0)/2)
	}
	threshold := min(maxComplexity, querylimit.DefaultMaxComplexity) / heavyShare
	return heavyLane{Name: "OrggraphHeavyLane", threshold: threshold, slots: make(chan struct{}, slots)}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = heavyLane{}

// InterceptOperation holds a heavy query until the lane has room, for as
// long as its request may wait; gqlgen runs a query's fields when its
// response is asked for, so that is what waits.
func (l heavyLane) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	cost, ok := querylimit.PriceOf(ctx)
	if !ok || cost < l.threshold || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return next(ctx)
	}
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		// While it waits for the lane, the query gives up its place among
		// the requests that run at once, for a cheap one to run in; it
		// waits its turn for that place again once the lane has room.
		inLane := false
		err := admission.Aside(ctx, func() error {
			select {
			case l.slots <- struct{}{}:
				inLane = true
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if inLane {
			defer func() { <-l.slots }()
		}
		if err != nil {
			return &graphql.Response{Errors: gqlerror.List{{
				Message:    "the request ended while it waited its turn among the costliest queries; try again later, or ask for less",
				Extensions: apierr.Extensions(apierr.Timeout),
			}}}
		}
		return responses(ctx)
	}
}

// pricedRequests gives each request room for its operation's price
// (querylimit.WithPrice), which the heavy lane reads.
func pricedRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(querylimit.WithPrice(r.Context())))
	})
}
