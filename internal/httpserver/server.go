package httpserver

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/otel/trace"

	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/store"
)

// Options tunes the server; zero values take the defaults.
type Options struct {
	// GraphQL is the GraphQL endpoint, served at /graphql behind the
	// limits on bodies and requests (graph.NewHandler; cmd/orggraph wires
	// it, with RequestLogger's logger), and Schema is its SDL, served at
	// /schema.graphql (graph.SDL). Without GraphQL, neither is served.
	GraphQL http.Handler
	Schema  []byte
	// MaxBodyBytes bounds a request body (DefaultMaxBodyBytes).
	MaxBodyBytes int64

	// The switches below are off when false.

	// Playground serves the GraphQL playground at /.
	Playground bool
	// TrustProxy takes the client's address from the last entry of
	// X-Forwarded-For rather than the connection's peer: set it only behind
	// a proxy of one's own that appends to that header.
	TrustProxy bool

	// CORSOrigins are the exact origins (https://intranet.example) whose
	// pages may call the API; none means no CORS headers at all.
	CORSOrigins []string
	// CacheMaxAge is how long a successful GET query may be cached
	// (DefaultCacheMaxAge); negative means revalidate every time.
	CacheMaxAge time.Duration
	// AnswerCacheBytes bounds the successful GET answers kept to be served
	// again, while the graph does not change, without their query running
	// (DefaultAnswerCacheBytes); negative keeps none.
	AnswerCacheBytes int64
	// Budget is each client's points a minute (DefaultBudget is the
	// command's default); 0 means no budget. A request costs a point, and
	// a GraphQL operation its price besides, as the query limits price it.
	// BudgetBurst is how many points it may spend at once (one minute's:
	// Budget).
	Budget      float64
	BudgetBurst int
	// RequestTimeout bounds each request (DefaultRequestTimeout); negative
	// means no bound but the http.Server's own.
	RequestTimeout time.Duration
	// MaxInFlight is how many GraphQL requests run at once
	// (DefaultMaxInFlight); the others queue, first come first served,
	// within their timeout. Negative means no limit.
	MaxInFlight int
	// MaxLivePerClient bounds the live connections (subscriptions' event
	// streams and WebSockets) one client holds at once
	// (DefaultMaxLivePerClient).
	MaxLivePerClient int
	// Drain, when it ends, ends every live connection's request with its
	// cause (live.ErrShuttingDown): the server's Shutdown waits for no
	// subscription, and each client is told. Nil: never.
	Drain context.Context

	// Tokens tells whose a bearer token is (the configured tokens and the
	// identity provider's JWTs); nil refuses every token.
	// ReadsNeedToken refuses reads without a valid token.
	Tokens         auth.Authenticator
	ReadsNeedToken bool

	// Metrics, when set, records every request and serves /metrics.
	Metrics *observe.Metrics
	// TracerProvider, when set, makes a span of every request.
	TracerProvider trace.TracerProvider
}

// DefaultBudget is each client's points a minute on `orggraph serve`'s
// default flags: ten operations at the cost limit (querylimit's
// DefaultMaxComplexity), or some two hundred impact or search questions
// (about 25,000 points each); a page of four widgets costs some 80,000,
// and the graphql-http audit suite about 100.
const DefaultBudget = 10 * querylimit.DefaultMaxComplexity

// DefaultMaxBodyBytes is far above any real query and far below harm.
const DefaultMaxBodyBytes = 1 << 20

// RequestLogger returns logger with the id of the request it logs for in
// every line; the GraphQL endpoint logs through it too.
func RequestLogger(logger *slog.Logger) *slog.Logger {
	if _, ok := logger.Handler().(requestIDHandler); ok {
		return logger
	}
	return slog.New(withRequestID(logger.Handler()))
}

// NewServer returns orggraph's HTTP handler over st.
func NewServer(logger *slog.Logger, st store.Store, opts Options) http.Handler {
	opts = withDefaults(opts)
	logger = RequestLogger(logger)
	r := chi.NewRouter()
	addRoutes(r, logger, st, opts)
	return r
}
