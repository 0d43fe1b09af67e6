package graph

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/bif-kk/orggraph/internal/store"
)

// Options tunes the GraphQL endpoint; zero values take the defaults.
type Options struct {
	// MaxDepth bounds how deeply fields may nest (DefaultMaxDepth).
	MaxDepth int
	// MaxComplexity bounds gqlgen's complexity score, one per field selected
	// (DefaultMaxComplexity).
	MaxComplexity int
	// LoaderWait is how long a loader collects keys before calling the store
	// (DefaultLoaderWait).
	LoaderWait time.Duration
}

// Defaults: generous for every question the product answers (the deepest,
// impact with its paths' steps' nodes, nests 7 deep), tight enough that a
// query built to exhaust the server is refused before it runs.
const (
	DefaultMaxDepth      = 12
	DefaultMaxComplexity = 1000
)

// parserTokenLimit bounds the size of a query document before it is parsed.
const parserTokenLimit = 15000

// NewHandler returns the GraphQL endpoint over st: POST and GET transports
// (GET for queries only), limits, error presentation and per-request loaders.
func NewHandler(logger *slog.Logger, st store.Store, opts Options) http.Handler {
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.MaxComplexity <= 0 {
		opts.MaxComplexity = DefaultMaxComplexity
	}
	registerErrorKinds()

	cfg := Config{Resolvers: &Resolver{store: st}}
	setComplexity(&cfg.Complexity)
	setPlannerCosts(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(parserTokenLimit)
	srv.SetErrorPresenter(presentError(logger))
	srv.SetRecoverFunc(recoverPanic(logger))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(queriesOnlyOverGET{})
	srv.Use(depthLimit{max: opts.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(opts.MaxComplexity))

	return Loaders(st, opts.LoaderWait)(withMethod(srv))
}

var registerOnce sync.Once

// registerErrorKinds makes the transports answer a refused operation with a
// 4xx status, as they do for parse and validation failures. gqlgen keeps the
// table in a package variable, so it is written once.
func registerErrorKinds() {
	registerOnce.Do(func() {
		for _, code := range []string{CodeComplexityLimit, CodeDepthLimit, CodeMethodNotAllowed} {
			errcode.RegisterErrorType(code, errcode.KindProtocol)
		}
	})
}
