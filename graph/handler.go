package graph

import (
	"cmp"
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

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/live"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/querylimit"
	"github.com/bif-kk/orggraph/internal/store"
)

// Options tunes the GraphQL endpoint; zero values take the defaults.
type Options struct {
	// Limits bound what one document may ask (querylimit.Defaults).
	Limits querylimit.Limits
	// LoaderWait is how long a loader collects keys before calling the store
	// (DefaultLoaderWait).
	LoaderWait time.Duration
	// HeavySlots is how many of the costliest queries run at once (lanes.go);
	// 0: one per two cores, at least one.
	HeavySlots int
	// NoIntrospection refuses __schema and __type; NoSuggestions drops the
	// "did you mean" hints from validation errors. Both for production.
	NoIntrospection bool
	NoSuggestions   bool
	// Metrics, when set, counts operations and the codes of their errors.
	Metrics *observe.Metrics
	// GQLGenOnly runs every operation through gqlgen's executor, the plain
	// deep listings the direct path serves (direct.go) included.
	GQLGenOnly bool
	// MaxAnswerValues and MaxAnswerBytes bound what one operation may
	// resolve while it runs (DefaultMaxAnswerValues, DefaultMaxAnswerBytes).
	MaxAnswerValues int
	MaxAnswerBytes  int
	// TrustedDocuments are known by hash from the start (trusted.go).
	TrustedDocuments *TrustedDocuments
	// Live bounds the subscriptions (internal/live's defaults).
	Live live.Options
}

// Handler is the GraphQL endpoint. Close it before the store it reads.
type Handler struct {
	http.Handler
	feed *live.Feed
}

// Close ends the endpoint's subscriptions and waits until its change feed
// has stopped reading the store, which may then be closed.
func (h *Handler) Close() { h.feed.Close() }

// NewHandler returns the GraphQL endpoint over st: POST and GET transports
// (GET for queries only), multipart/mixed for @defer, limits, error presentation and per-request loaders.
func NewHandler(logger *slog.Logger, st store.Store, opts Options) *Handler {
	registerErrorKinds()

	feed := live.New(st, logger, opts.Live)
	es := NewExecutableSchema(Config{Resolvers: &Resolver{store: st, feed: feed}})
	limits := querylimit.New(es.Schema(), opts.Limits, pricing(newStoreCounts(logger, st)))
	srv := handler.New(es)
	addLiveTransports(srv, opts.Live)
	srv.AddTransport(transport.Options{AllowedMethods: []string{http.MethodOptions, http.MethodGet, http.MethodHead, http.MethodPost}})
	srv.AddTransport(transport.GET{})
	// Before POST, which would take a multipart/mixed request too: @defer's
	// parts (deferred.go).
	srv.AddTransport(transport.MultipartMixed{Boundary: "graphql"})
	srv.AddTransport(postJSON{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(limits.Limits().MaxTokens)
	srv.SetErrorPresenter(presentError(logger, opts.Metrics))
	srv.SetRecoverFunc(recoverPanic(logger))
	srv.SetDisableSuggestion(opts.NoSuggestions)
	srv.SetValidationRulesFn(validationRules(opts))
	if !opts.NoIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(opts.Metrics.GraphQL())
	// Order matters: persisted queries fill in the document, which the
	// limits then check before gqlgen parses and validates it.
	srv.Use(extension.AutomaticPersistedQuery{Cache: persistedQueries{trusted: opts.TrustedDocuments, learned: lru.New[string](100)}})
	srv.Use(queryGiven{"QueryGiven"})
	srv.Use(limits.Extension())
	srv.Use(newHeavyLane(limits.Limits().MaxComplexity, opts.HeavySlots))
	srv.Use(queriesOnlyOverGET{"QueriesOnlyOverGET"})
	srv.Use(deferNeedsMultipart{"OrggraphDeferNeedsMultipart"})
	srv.Use(deferredPlaceholders{"OrggraphDeferredPlaceholders"})
	srv.Use(liveOps{Name: "OrggraphLive", feed: feed, logger: logger})
	// Inside the metrics, so that they count a stopped operation's one
	// error; outside the direct path, which counts against it too.
	srv.Use(answerCeiling{Name: "OrggraphAnswerCeiling", maxValues: int64(cmp.Or(opts.MaxAnswerValues, DefaultMaxAnswerValues)), maxBytes: int64(cmp.Or(opts.MaxAnswerBytes, DefaultMaxAnswerBytes))})
	if !opts.GQLGenOnly {
		srv.Use(directReads{Name: "OrggraphDirectReads", logger: logger, schema: es.Schema(), store: st, sizes: &answerSizes{bytes: map[string]int{}}})
	}

	return &Handler{feed: feed, Handler: batches(opts.Metrics, overHTTP(wellFormed(opts.Metrics)(Loaders(st, opts.LoaderWait)(readingLinks(varyByLanguage(withMethod(pricedRequests(srv))))))))}
}

// readingLinks gives each request the readers behind the relation fields
// written on the model: every node type's links and linksConnection
// (model.Base.Links and LinksConnection), nodeLinks and linksPage, and an
// impact's nodes (model.Impact), loadNodes, all over the request's loaders.
func readingLinks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := model.WithLinksReader(r.Context(), nodeLinks)
		ctx = model.WithLinksPager(ctx, pagedLinks)
		next.ServeHTTP(w, r.WithContext(model.WithNodesReader(ctx, loadNodes)))
	})
}

var registerOnce sync.Once

// registerErrorKinds makes the transports answer a request refused before
// its operation runs with a 4xx status, as they do for parse and validation
// failures; overHTTP then sends the status GraphQL over HTTP asks for.
// gqlgen keeps the table in a package variable, so it is written once.
func registerErrorKinds() {
	registerOnce.Do(func() {
		for _, e := range apierr.Table() {
			if e.Refused() {
				errcode.RegisterErrorType(e.Code, errcode.KindProtocol)
			}
		}
	})
}
