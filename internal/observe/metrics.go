package observe

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// Metrics holds every Prometheus metric orggraph exports, on its own
// registry. Build one per process with NewMetrics and pass it to whatever
// records: the HTTP server, the store decorator, the GraphQL extension.
type Metrics struct {
	registry *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec

	storeCalls    *prometheus.CounterVec
	storeDuration *prometheus.HistogramVec
	storeInFlight *prometheus.GaugeVec

	errors    *prometheus.CounterVec
	gqlOps    *boundedLabels
	gqlCalls  *prometheus.CounterVec
	gqlTime   *prometheus.HistogramVec
	gqlErrors *prometheus.CounterVec
}

// Label cap: far above what orggraph's own clients use, far below what
// would hurt Prometheus.
const maxOperations = 200

// Label values for what is not a code or name of its own.
const (
	labelOther     = "other"     // past a cap, not label-safe, or not a code of the table
	labelAnonymous = "anonymous" // an operation without a name
	labelInvalid   = "invalid"   // a request that never became an operation
	labelUnmatched = "unmatched" // a path no route matches
)

// storeBuckets reach down to the tens of microseconds the embedded store
// answers in, and up to Neo4j's transaction timeout.
var storeBuckets = []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// NewMetrics registers orggraph's metrics, with the Go runtime's and the
// process's, on a fresh registry.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Metrics{
		registry: reg,

		httpRequests: counter(reg, "orggraph_http_requests_total",
			"HTTP requests answered, by route pattern, method and status.",
			"route", "method", "status"),
		httpDuration: histogram(reg, "orggraph_http_request_duration_seconds", prometheus.DefBuckets,
			"Time to answer an HTTP request, by route pattern, method and status.",
			"route", "method", "status"),

		storeCalls: counter(reg, "orggraph_store_calls_total",
			"Store calls made, by store, operation and outcome (ok, canceled, or the error's code in lower case: not_found, bad_user_input, conflict, unavailable, writes_disabled, timeout, internal, …).",
			"store", "op", "outcome"),
		storeDuration: histogram(reg, "orggraph_store_call_duration_seconds", storeBuckets,
			"Time a store call took, by store, operation and outcome.",
			"store", "op", "outcome"),
		storeInFlight: promauto.With(reg).NewGaugeVec(prometheus.GaugeOpts{
			Name: "orggraph_store_calls_in_flight",
			Help: "Store calls under way, by store and operation. The Neo4j driver exposes no pool statistics; for the neo4j store this is the nearest measure of connection-pool use.",
		}, []string{"store", "op"}),

		errors: counter(reg, "orggraph_errors_total",
			"Errors sent to clients, by extensions.code: GraphQL errors as the error presenter codes them, the HTTP layer's own (UNSUPPORTED_MEDIA_TYPE, RATE_LIMITED, TIMEOUT, …) and the exports'.",
			"code"),
		gqlOps: newBoundedLabels(maxOperations, labelOther),
		gqlCalls: counter(reg, "orggraph_graphql_requests_total",
			"GraphQL responses, by operation name and outcome (ok, or error when the response carries errors).",
			"operation", "outcome"),
		gqlTime: histogram(reg, "orggraph_graphql_request_duration_seconds", prometheus.DefBuckets,
			"Time from reading a GraphQL request to its response, by operation name.",
			"operation"),
		gqlErrors: counter(reg, "orggraph_graphql_errors_total",
			"Errors in GraphQL responses, by operation name and extensions.code.",
			"operation", "code"),
	}
}

// counter is a counter with labels, registered on reg.
func counter(reg *prometheus.Registry, name, help string, labels ...string) *prometheus.CounterVec {
	return promauto.With(reg).NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

// histogram is a histogram with labels and the given buckets, registered on reg.
func histogram(reg *prometheus.Registry, name string, buckets []float64, help string, labels ...string) *prometheus.HistogramVec {
	return promauto.With(reg).NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
}

// Handler serves the metrics in Prometheus's exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Registry is the registry the metrics are on, for tests and for adding
// collectors of one's own.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// HTTPRequest records one answered HTTP request. route is the router's
// pattern, never the raw path, so paths cannot multiply series; "" means no
// route matched.
func (m *Metrics) HTTPRequest(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = labelUnmatched
	}
	labels := prometheus.Labels{"route": route, "method": methodLabel(method), "status": strconv.Itoa(status)}
	m.httpRequests.With(labels).Inc()
	m.httpDuration.With(labels).Observe(took.Seconds())
}

// methodLabel keeps the standard methods and folds every other into one.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "OTHER"
}

// ErrorCoded counts one error sent to a client with extensions.code code.
// The GraphQL error presenter calls it for every error it presents; the HTTP
// layer calls it for the errors it answers itself.
func (m *Metrics) ErrorCoded(code string) {
	if m == nil {
		return
	}
	m.errors.WithLabelValues(m.codeLabel(code)).Inc()
}

// codeLabel keeps the codes of the error table (internal/apierr), which
// bound the label's values, and folds anything else into one.
func (m *Metrics) codeLabel(code string) string {
	if _, ok := apierr.Lookup(code); !ok {
		return labelOther
	}
	return code
}

// StoreCallStarted marks a store call as under way; StoreCallEnded must
// follow it with the same store and op.
func (m *Metrics) StoreCallStarted(store, op string) {
	if m == nil {
		return
	}
	m.storeInFlight.WithLabelValues(store, op).Inc()
}

// StoreCallEnded records a finished store call and its outcome.
func (m *Metrics) StoreCallEnded(store, op, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.storeInFlight.WithLabelValues(store, op).Dec()
	m.storeCalls.WithLabelValues(store, op, outcome).Inc()
	m.storeDuration.WithLabelValues(store, op, outcome).Observe(took.Seconds())
}

// graphQLResponse records one GraphQL response of the operation named op
// (already a label value) and the codes of its errors.
func (m *Metrics) graphQLResponse(op string, took time.Duration, codes []string) {
	if m == nil {
		return
	}
	outcome := "ok"
	if len(codes) > 0 {
		outcome = "error"
	}
	m.gqlCalls.WithLabelValues(op, outcome).Inc()
	m.gqlTime.WithLabelValues(op).Observe(took.Seconds())
	for _, code := range codes {
		m.gqlErrors.WithLabelValues(op, m.codeLabel(code)).Inc()
	}
}

// operationLabel is the label value for an operation's name.
func (m *Metrics) operationLabel(name string) string {
	switch {
	case name == "":
		return labelAnonymous
	case !labelSafe(name):
		return labelOther
	case m == nil:
		return name
	}
	return m.gqlOps.value(name)
}
