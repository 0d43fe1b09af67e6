package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// The budget is per token, and per client address for requests without
// one: behind a proxy, set --trust-proxy or every such caller shares one.

// httpFlags registers the HTTP surface's settings. Each flag defaults to
// its environment variable; the returned func checks them all and builds
// the server's options and its GraphQL endpoint's.
func httpFlags(fs *flag.FlagSet, getenv func(string) string) func() (httpserver.Options, graph.Options, error) {
	env := &envDefaults{getenv: getenv}
	playground := fs.Bool("playground", env.bool("ORGGRAPH_PLAYGROUND", true), "serve the GraphQL playground at / (env ORGGRAPH_PLAYGROUND)")
	introspection := fs.Bool("introspection", env.bool("ORGGRAPH_INTROSPECTION", true), "allow schema introspection (env ORGGRAPH_INTROSPECTION)")
	suggestions := fs.Bool("suggestions", env.bool("ORGGRAPH_SUGGESTIONS", true), `let validation errors suggest field names, "did you mean" (env ORGGRAPH_SUGGESTIONS)`)
	corsOrigins := fs.String("cors-origins", getenv("ORGGRAPH_CORS_ORIGINS"), "comma-separated exact origins whose pages may call the API, such as https://intranet.kk.dk; empty: no CORS (env ORGGRAPH_CORS_ORIGINS)")
	cacheMaxAge := fs.Duration("cache-max-age", env.duration("ORGGRAPH_CACHE_MAX_AGE", 0), "how long a successful GET query may be cached; 0: revalidate each time (env ORGGRAPH_CACHE_MAX_AGE)")
	answerCacheMB := fs.Int("answer-cache-mb", env.int("ORGGRAPH_ANSWER_CACHE_MB", httpserver.DefaultAnswerCacheBytes>>20), "megabytes of successful GET answers kept and served again, until the graph changes, without their query running; 0: none (env ORGGRAPH_ANSWER_CACHE_MB)")
	rateLimit := fs.Float64("rate-limit", env.float("ORGGRAPH_RATE_LIMIT", httpserver.DefaultBudget), "points a minute each client (token, else address) may spend: a request costs 1, an operation its price besides; 0: no limit (env ORGGRAPH_RATE_LIMIT)")
	rateBurst := fs.Int("rate-burst", env.int("ORGGRAPH_RATE_BURST", 0), "points each client may spend at once; 0: one minute's, --rate-limit (env ORGGRAPH_RATE_BURST)")
	trustProxy := fs.Bool("trust-proxy", env.bool("ORGGRAPH_TRUST_PROXY", false), "take the client's address from the last X-Forwarded-For entry; only behind a proxy of your own that appends it (env ORGGRAPH_TRUST_PROXY)")
	requestTimeout := fs.Duration("request-timeout", env.duration("ORGGRAPH_REQUEST_TIMEOUT", httpserver.DefaultRequestTimeout), "bound on each request; 0: none but the server's own (env ORGGRAPH_REQUEST_TIMEOUT)")
	maxInFlight := fs.Int("max-in-flight", env.int("ORGGRAPH_MAX_IN_FLIGHT", httpserver.DefaultMaxInFlight()), "how many GraphQL requests run at once; the rest queue, first come first served, within --request-timeout; 0: no limit (env ORGGRAPH_MAX_IN_FLIGHT)")
	maxLive := fs.Int("max-live-per-client", env.int("ORGGRAPH_MAX_LIVE_PER_CLIENT", httpserver.DefaultMaxLivePerClient), "how many live connections (subscriptions' event streams and WebSockets) one client may hold open at once (env ORGGRAPH_MAX_LIVE_PER_CLIENT)")
	loaderWait := fs.Duration("loader-wait", env.duration("ORGGRAPH_LOADER_WAIT", 0), "how long each GraphQL loader collects keys before one store call; 0: "+graph.MemoryLoaderWait.String()+" on the memory store, "+graph.DefaultLoaderWait.String()+" on Neo4j (env ORGGRAPH_LOADER_WAIT)")
	maxPrice := fs.Int("max-price", env.int("ORGGRAPH_MAX_PRICE", querylimit.DefaultMaxComplexity), "the most one operation may cost before it runs: the values its answer may hold (see the README's query limits); past it, COMPLEXITY_LIMIT_EXCEEDED (env ORGGRAPH_MAX_PRICE)")
	maxAnswerValues := fs.Int("max-answer-values", env.int("ORGGRAPH_MAX_ANSWER_VALUES", 0), "the most values one operation's answer may grow to while it runs; past it, ANSWER_LIMIT_EXCEEDED; 0: --max-price's (env ORGGRAPH_MAX_ANSWER_VALUES)")
	maxAnswerMB := fs.Int("max-answer-mb", env.int("ORGGRAPH_MAX_ANSWER_MB", graph.DefaultMaxAnswerBytes>>20), "the most megabytes one operation's answer may grow to while it runs; past it, ANSWER_LIMIT_EXCEEDED (env ORGGRAPH_MAX_ANSWER_MB)")
	return func() (httpserver.Options, graph.Options, error) {
		errs := env.errs
		origins, err := parseOrigins(*corsOrigins)
		errs = append(errs, err,
			notNegative("--loader-wait", *loaderWait),
			notNegative("--rate-limit", *rateLimit),
			notNegative("--rate-burst", *rateBurst),
			notNegative("--cache-max-age", *cacheMaxAge),
			notNegative("--answer-cache-mb", *answerCacheMB),
			notNegative("--request-timeout", *requestTimeout),
			notNegative("--max-in-flight", *maxInFlight))
		if *maxLive < 1 {
			errs = append(errs, fmt.Errorf("--max-live-per-client %d is not at least 1", *maxLive))
		}
		if *maxPrice < 1 {
			errs = append(errs, fmt.Errorf("--max-price %d is not at least 1", *maxPrice))
		}
		errs = append(errs, notNegative("--max-answer-values", *maxAnswerValues))
		if *maxAnswerMB < 1 || *maxAnswerMB > maxAnswerMBLimit {
			errs = append(errs, fmt.Errorf("--max-answer-mb %d is not from 1 to %d", *maxAnswerMB, maxAnswerMBLimit))
		}
		if err := errors.Join(errs...); err != nil {
			return httpserver.Options{}, graph.Options{}, err
		}
		gqlOpts := graph.Options{
			LoaderWait:      *loaderWait,
			NoIntrospection: !*introspection,
			NoSuggestions:   !*suggestions,
			Limits:          querylimit.Limits{MaxComplexity: *maxPrice},
			MaxAnswerValues: cmp.Or(*maxAnswerValues, *maxPrice),
			MaxAnswerBytes:  *maxAnswerMB << 20,
		}
		return httpserver.Options{
			Playground:       *playground,
			TrustProxy:       *trustProxy,
			CORSOrigins:      origins,
			CacheMaxAge:      zeroMeansNone(*cacheMaxAge),
			AnswerCacheBytes: answerCacheBytes(*answerCacheMB),
			Budget:           *rateLimit,
			BudgetBurst:      *rateBurst,
			RequestTimeout:   zeroMeansNone(*requestTimeout),
			MaxInFlight:      zeroMeansNoLimit(*maxInFlight),

			MaxLivePerClient: *maxLive,
		}, gqlOpts, nil
	}
}

// maxAnswerMBLimit is the largest --max-answer-mb: 4 GiB, far past any
// answer worth writing, and its bytes well inside an int.
const maxAnswerMBLimit = 4 << 10

// zeroMeansNoLimit turns the command line's 0 ("no limit") into the
// negative httpserver.Options reads as no limit (its zero takes the default).
func zeroMeansNoLimit(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// answerCacheBytes turns --answer-cache-mb into httpserver.Options'
// bytes, whose zero takes the default and negative means none.
func answerCacheBytes(mb int) int64 {
	if mb == 0 {
		return -1
	}
	return int64(mb) << 20
}

// zeroMeansNone turns the command line's 0 ("none") into the negative
// duration httpserver.Options reads as none (its zero takes the default).
func zeroMeansNone(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// parseOrigins reads a comma-separated list of exact origins
// (scheme://host[:port]), as browsers send them in Origin.
func parseOrigins(list string) ([]string, error) {
	var origins []string
	for raw := range strings.SplitSeq(list, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.Contains(u.Host, "*") ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("--cors-origins: %q is not an exact origin such as https://intranet.kk.dk", raw)
		}
		origins = append(origins, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return origins, nil
}

// envDefaults reads flag defaults from the environment, keeping each value
// that does not parse as an error for the flags' check to report.
type envDefaults struct {
	getenv func(string) string
	errs   []error
}

func (e *envDefaults) bool(key string, def bool) bool {
	return envValue(e, key, def, strconv.ParseBool, "true or false")
}

func (e *envDefaults) duration(key string, def time.Duration) time.Duration {
	return envValue(e, key, def, time.ParseDuration, "a duration such as 10s")
}

func (e *envDefaults) float(key string, def float64) float64 {
	return envValue(e, key, def, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }, "a number")
}

func (e *envDefaults) int(key string, def int) int {
	return envValue(e, key, def, strconv.Atoi, "a whole number")
}

func envValue[T any](e *envDefaults, key string, def T, parse func(string) (T, error), want string) T {
	s := e.getenv(key)
	if s == "" {
		return def
	}
	v, err := parse(s)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q is not %s", key, s, want))
		return def
	}
	return v
}

// notNegative refuses a negative value of the flag named name; errors.Join
// drops the nil it returns for any other.
func notNegative[T int | float64 | time.Duration](name string, v T) error {
	if v < 0 {
		return fmt.Errorf("%s %v is negative", name, v)
	}
	return nil
}
