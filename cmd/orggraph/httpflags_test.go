package main

import (
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bif-kk/orggraph/graph"
	"github.com/bif-kk/orggraph/internal/httpserver"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

func TestHTTPFlags(t *testing.T) {
	defaults := httpserver.Options{
		Playground:  true,
		CacheMaxAge: -1, Budget: httpserver.DefaultBudget, RequestTimeout: 10 * time.Second, // -1: revalidate every time, planners write
		AnswerCacheBytes: httpserver.DefaultAnswerCacheBytes,
		MaxInFlight:      httpserver.DefaultMaxInFlight(), MaxLivePerClient: httpserver.DefaultMaxLivePerClient,
	}
	with := func(change func(*httpserver.Options)) httpserver.Options {
		o := defaults
		change(&o)
		return o
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    httpserver.Options
		wantErr string
	}{
		{"defaults", nil, nil, defaults, ""},
		{"production lock-down", []string{"--playground=false", "--introspection=false", "--suggestions=false"}, nil,
			with(func(o *httpserver.Options) { o.Playground = false }), ""},
		{"from the environment", nil, map[string]string{
			"ORGGRAPH_PLAYGROUND": "false", "ORGGRAPH_INTROSPECTION": "0", "ORGGRAPH_SUGGESTIONS": "false",
			"ORGGRAPH_CORS_ORIGINS": "https://intranet.kk.dk, http://localhost:3000/", "ORGGRAPH_CACHE_MAX_AGE": "5m",
			"ORGGRAPH_RATE_LIMIT": "2.5", "ORGGRAPH_RATE_BURST": "5", "ORGGRAPH_TRUST_PROXY": "true",
			"ORGGRAPH_REQUEST_TIMEOUT": "3s", "ORGGRAPH_MAX_IN_FLIGHT": "9", "ORGGRAPH_MAX_LIVE_PER_CLIENT": "4",
			"ORGGRAPH_ANSWER_CACHE_MB": "3",
		}, httpserver.Options{
			CORSOrigins: []string{"https://intranet.kk.dk", "http://localhost:3000"},
			CacheMaxAge: 5 * time.Minute, AnswerCacheBytes: 3 << 20, Budget: 2.5, BudgetBurst: 5, TrustProxy: true, RequestTimeout: 3 * time.Second,
			MaxInFlight: 9, MaxLivePerClient: 4,
		}, ""},
		{"flags beat the environment", []string{"--rate-limit", "7", "--cors-origins", "https://a.kk.dk"},
			map[string]string{"ORGGRAPH_RATE_LIMIT": "2", "ORGGRAPH_CORS_ORIGINS": "https://b.kk.dk"},
			with(func(o *httpserver.Options) { o.Budget, o.CORSOrigins = 7, []string{"https://a.kk.dk"} }), ""},
		{"0 turns things off", []string{"--rate-limit", "0", "--cache-max-age", "0", "--request-timeout", "0", "--max-in-flight", "0", "--answer-cache-mb", "0"}, nil,
			with(func(o *httpserver.Options) {
				o.Budget, o.CacheMaxAge, o.RequestTimeout, o.MaxInFlight, o.AnswerCacheBytes = 0, -1, -1, -1, -1
			}), ""},
		{"a negative answer cache", []string{"--answer-cache-mb", "-1"}, nil, httpserver.Options{}, "--answer-cache-mb"},
		{"a wildcard origin", []string{"--cors-origins", "*"}, nil, httpserver.Options{}, `"*" is not an exact origin`},
		{"an origin with a path", []string{"--cors-origins", "https://kk.dk/intranet"}, nil, httpserver.Options{}, "not an exact origin"},
		{"an origin without a scheme", []string{"--cors-origins", "intranet.kk.dk"}, nil, httpserver.Options{}, "not an exact origin"},
		{"a subdomain pattern", []string{"--cors-origins", "https://*.kk.dk"}, nil, httpserver.Options{}, "not an exact origin"},
		{"a negative rate", []string{"--rate-limit", "-1"}, nil, httpserver.Options{}, "--rate-limit"},
		{"a negative timeout", []string{"--request-timeout", "-1s"}, nil, httpserver.Options{}, "--request-timeout"},
		{"a negative in-flight limit", []string{"--max-in-flight", "-2"}, nil, httpserver.Options{}, "--max-in-flight"},
		{"a bad in-flight limit", nil, map[string]string{"ORGGRAPH_MAX_IN_FLIGHT": "many"}, httpserver.Options{}, "ORGGRAPH_MAX_IN_FLIGHT"},
		{"a bad environment value", nil, map[string]string{"ORGGRAPH_PLAYGROUND": "perhaps", "ORGGRAPH_RATE_BURST": "lots"}, httpserver.Options{},
			`ORGGRAPH_PLAYGROUND="perhaps" is not true or false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := parseHTTPFlags(t, tt.args, tt.env)
			checkOptions(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestTracingSwitch(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want bool
	}{
		{"off by default", nil, nil, false},
		{"on when a collector is named", nil, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, true},
		{"on for a traces endpoint", nil, map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, true},
		{"off when the SDK is disabled", nil, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"}, false},
		{"on by flag", []string{"--otel"}, nil, true},
		{"off by flag", []string{"--otel=false"}, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1") // never dialled: no span is ended
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			config := observeFlags(fs, func(k string) string { return tt.env[k] })
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			tel, err := config(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer tel.shutdown(t.Context())
			if on := tel.tracing != nil; on != tt.want {
				t.Errorf("tracing on = %v, want %v", on, tt.want)
			}
			if on := tel.tracer() != nil; on != tt.want {
				t.Errorf("store tracer on = %v, want %v", on, tt.want)
			}
			if tel.metrics == nil {
				t.Error("metrics off by default")
			}
		})
	}
}

func TestLoaderWaitFlag(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want time.Duration
		bad  bool
	}{
		{want: 0}, // graph.Loaders reads 0 as graph.DefaultLoaderWait
		{args: []string{"--loader-wait", "100us"}, want: 100 * time.Microsecond},
		{env: map[string]string{"ORGGRAPH_LOADER_WAIT": "250us"}, want: 250 * time.Microsecond},
		{args: []string{"--loader-wait", "-1ms"}, bad: true},
	} {
		_, opts, err := parseHTTPFlags(t, tt.args, tt.env)
		if tt.bad {
			if err == nil {
				t.Errorf("%v: no error", tt.args)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v %v: %v", tt.args, tt.env, err)
		}
		if opts.LoaderWait != tt.want {
			t.Errorf("%v %v: loader wait %s, want %s", tt.args, tt.env, opts.LoaderWait, tt.want)
		}
	}
}

// The GraphQL endpoint's switches reach graph.Options, which the HTTP
// layer never sees.
func TestGraphQLSwitchFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want graph.Options
	}{
		{want: limitDefaults},
		{args: []string{"--introspection=false"}, want: withLimits(graph.Options{NoIntrospection: true})},
		{args: []string{"--suggestions=false"}, want: withLimits(graph.Options{NoSuggestions: true})},
		{env: map[string]string{"ORGGRAPH_INTROSPECTION": "0", "ORGGRAPH_SUGGESTIONS": "false"}, want: withLimits(graph.Options{NoIntrospection: true, NoSuggestions: true})},
	} {
		_, got, err := parseHTTPFlags(t, tt.args, tt.env)
		if err != nil {
			t.Fatalf("%v %v: %v", tt.args, tt.env, err)
		}
		if got != tt.want {
			t.Errorf("%v %v: %+v, want %+v", tt.args, tt.env, got, tt.want)
		}
	}
}

// limitDefaults is what the limit flags give graph.Options when none is
// set: the query limits' price and the answer ceiling's defaults.
var limitDefaults = graph.Options{
	Limits:          querylimit.Limits{MaxComplexity: querylimit.DefaultMaxComplexity},
	MaxAnswerValues: graph.DefaultMaxAnswerValues,
	MaxAnswerBytes:  graph.DefaultMaxAnswerBytes,
}

func withLimits(o graph.Options) graph.Options {
	o.Limits, o.MaxAnswerValues, o.MaxAnswerBytes = limitDefaults.Limits, limitDefaults.MaxAnswerValues, limitDefaults.MaxAnswerBytes
	return o
}

// The most an operation may cost (--max-price) and the answer ceiling
// (--max-answer-values, --max-answer-mb) reach graph.Options; the values'
// ceiling follows the price unless it is set; a value that is no bound is
// refused, naming the flag or variable.
func TestQueryLimitFlags(t *testing.T) {
	limits := func(price, values, bytes int) graph.Options {
		return graph.Options{Limits: querylimit.Limits{MaxComplexity: price}, MaxAnswerValues: values, MaxAnswerBytes: bytes}
	}
	for _, tt := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    graph.Options
		wantErr string
	}{
		{"defaults", nil, nil, limits(500_000, 500_000, 32<<20), ""},
		{"a higher price raises the values' ceiling with it", []string{"--max-price", "2954000"}, nil, limits(2_954_000, 2_954_000, 32<<20), ""},
		{"a lower price lowers it", []string{"--max-price", "1000"}, nil, limits(1000, 1000, 32<<20), ""},
		{"the values' ceiling set apart", []string{"--max-price", "3000000", "--max-answer-values", "700000"}, nil, limits(3_000_000, 700_000, 32<<20), ""},
		{"megabytes", []string{"--max-answer-mb", "64"}, nil, limits(500_000, 500_000, 64<<20), ""},
		{"from the environment", nil, map[string]string{"ORGGRAPH_MAX_PRICE": "4000000", "ORGGRAPH_MAX_ANSWER_VALUES": "3500000", "ORGGRAPH_MAX_ANSWER_MB": "48"},
			limits(4_000_000, 3_500_000, 48<<20), ""},
		{"flags beat the environment", []string{"--max-price", "600000"}, map[string]string{"ORGGRAPH_MAX_PRICE": "4000000"}, limits(600_000, 600_000, 32<<20), ""},
		{"a price of 0", []string{"--max-price", "0"}, nil, graph.Options{}, "--max-price 0 is not at least 1"},
		{"a negative price", []string{"--max-price", "-5"}, nil, graph.Options{}, "--max-price -5 is not at least 1"},
		{"a price that is not a number", nil, map[string]string{"ORGGRAPH_MAX_PRICE": "lots"}, graph.Options{}, `ORGGRAPH_MAX_PRICE="lots" is not a whole number`},
		{"negative values", []string{"--max-answer-values", "-1"}, nil, graph.Options{}, "--max-answer-values -1 is negative"},
		{"values that are not a number", nil, map[string]string{"ORGGRAPH_MAX_ANSWER_VALUES": "1e6"}, graph.Options{}, `ORGGRAPH_MAX_ANSWER_VALUES="1e6" is not a whole number`},
		{"no megabytes", []string{"--max-answer-mb", "0"}, nil, graph.Options{}, "--max-answer-mb 0 is not from 1 to 4096"},
		{"too many megabytes", []string{"--max-answer-mb", "5000"}, nil, graph.Options{}, "--max-answer-mb 5000 is not from 1 to 4096"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := parseHTTPFlags(t, tt.args, tt.env)
			checkOptions(t, got, err, tt.want, tt.wantErr)
		})
	}
}

// parseHTTPFlags parses args as serve's HTTP flags, with env as the
// environment, and returns what they build.
func parseHTTPFlags(t *testing.T, args []string, env map[string]string) (httpserver.Options, graph.Options, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	build := httpFlags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return build()
}

// checkOptions holds got and err to want, or to an error containing
// wantErr when it is not empty.
func checkOptions[T any](t *testing.T, got T, err error, want T, wantErr string) {
	t.Helper()
	switch {
	case wantErr != "":
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("err = %v, want one containing %q", err, wantErr)
		}
	case err != nil:
		t.Errorf("err = %v", err)
	case !reflect.DeepEqual(got, want):
		t.Errorf("options\n got %+v\nwant %+v", got, want)
	}
}
