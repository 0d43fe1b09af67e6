package httpserver

import (
	"log/slog"
	"math"
	"net/http"
	"time"
)

// middlewares is what every request passes through, outermost first. What
// is switched off is left out, so it costs nothing.
func middlewares(logger *slog.Logger, opts Options) []func(http.Handler) http.Handler {
	chain := []func(http.Handler) http.Handler{requestID}
	if opts.TracerProvider != nil {
		chain = append(chain, traceRequests(opts.TracerProvider))
	}
	chain = append(chain, withClient(opts.TrustProxy), recordRequests(logger, opts.Metrics), recoverPanics(logger))
	if len(opts.CORSOrigins) > 0 {
		// Before the budget, so preflights are answered without
		// spending points and a 429 still reaches the page.
		chain = append(chain, allowOrigins(opts.CORSOrigins))
	}
	if opts.Budget > 0 {
		l := newRateLimiter(opts.Budget/60, opts.BudgetBurst, DefaultMaxClients, time.Now)
		chain = append(chain, limitRate(l, opts.Metrics))
	}
	if opts.RequestTimeout > 0 {
		// A subscription's connection lives past any request's deadline.
		chain = append(chain, unlessLive(timeoutRequests(opts.RequestTimeout, logger, opts.Metrics)))
	}
	return chain
}

// withDefaults fills in the options left zero.
func withDefaults(opts Options) Options {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.CacheMaxAge == 0 {
		opts.CacheMaxAge = DefaultCacheMaxAge
	}
	if opts.AnswerCacheBytes == 0 {
		opts.AnswerCacheBytes = DefaultAnswerCacheBytes
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.MaxLivePerClient <= 0 {
		opts.MaxLivePerClient = DefaultMaxLivePerClient
	}
	if opts.MaxInFlight == 0 {
		opts.MaxInFlight = DefaultMaxInFlight()
	}
	if opts.Budget > 0 && opts.BudgetBurst <= 0 {
		opts.BudgetBurst = max(1, int(math.Ceil(opts.Budget)))
	}
	return opts
}
