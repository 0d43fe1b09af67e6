// Package apierr owns the errors a client reads: every extensions.code the
// server sends, the HTTP status of an answer that is that error alone, and
// the public message of the codes whose errors' own text may not be shown.
// It also says which code an error is (Of), from the domain's sentinel
// errors, the context's, and the errors made here (New). The GraphQL error
// presenter, the HTTP layer's own refusals, the exports, the query limits
// and the metrics all read this one table.
package apierr

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/bif-kk/orggraph/internal/domain"
)

// The codes, each an extensions.code; GraphQL's own first. They are plain
// strings, as gqlgen and clients read them.
const (
	// gqlgen's, for a document that does not parse or validate, and for a
	// persisted query's hash it does not know (the client then sends the
	// document).
	ParseFailed           = "GRAPHQL_PARSE_FAILED"
	ValidationFailed      = "GRAPHQL_VALIDATION_FAILED"
	PersistedQueryUnknown = "PERSISTED_QUERY_NOT_FOUND"

	// A request that is not one GraphQL request, said in GraphQL's words.
	BadRequest = "BAD_REQUEST"
	// The request's arguments are wrong: a malformed id or date, a write
	// that fails validation.
	BadUserInput    = "BAD_USER_INPUT"
	NotFound        = "NOT_FOUND"
	Conflict        = "CONFLICT"
	WritesDisabled  = "WRITES_DISABLED"
	KeyReused       = "IDEMPOTENCY_KEY_REUSED"
	Unauthenticated = "UNAUTHENTICATED"
	Forbidden       = "FORBIDDEN"
	Unavailable     = "UNAVAILABLE"
	// Timeout is a request past its deadline; an operation cut short by
	// its request's end answers it too.
	Timeout  = "TIMEOUT"
	Internal = "INTERNAL"

	// The query limits (internal/querylimit), refusing a document before
	// it runs.
	TokenLimit      = "TOKEN_LIMIT_EXCEEDED"
	DepthLimit      = "DEPTH_LIMIT_EXCEEDED"
	AliasLimit      = "ALIAS_LIMIT_EXCEEDED"
	FieldLimit      = "FIELD_LIMIT_EXCEEDED"
	DirectiveLimit  = "DIRECTIVE_LIMIT_EXCEEDED"
	ComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED"
	// AnswerLimit stops an answer that grew past the ceiling while it ran.
	AnswerLimit = "ANSWER_LIMIT_EXCEEDED"
	// MethodNotAllowed refuses a mutation sent over GET, and any method a
	// route does not take.
	MethodNotAllowed = "METHOD_NOT_ALLOWED"
	// BatchLimit refuses a JSON array of operations that holds none, or
	// more than a batch may.
	BatchLimit = "BATCH_LIMIT_EXCEEDED"

	// The HTTP layer's, answered before GraphQL runs.
	UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	RequestTooLarge      = "REQUEST_TOO_LARGE"
	RateLimited          = "RATE_LIMITED"

	// Subscriptions (internal/live).
	SubscriptionLimit = "SUBSCRIPTION_LIMIT_EXCEEDED"
	TooSlow           = "SUBSCRIBER_TOO_SLOW"
	FeedRestarted     = "FEED_RESTARTED"
)

// Entry is one code's row in the table.
type Entry struct {
	Code string
	// Status is the HTTP status of an answer that is this error alone: the
	// HTTP layer's refusals, an export's error, an operation refused before
	// it ran. An error inside the answer of an operation that ran is sent
	// with 200, as GraphQL over HTTP has it.
	Status int
	// Message is what a client reads when the caller has no words of its
	// own. Where Fixed, it is all a client ever reads: such errors' own
	// text may be a driver's or a bug's.
	Message string
	Fixed   bool
	// Stage is where an error of this code stops a request.
	Stage Stage
}

// Stage is where an error stops a request, which decides its answer's
// status and shape (GraphQL over HTTP).
type Stage int

const (
	// Answered: an error inside the answer of an operation that ran (sent
	// with 200), or the HTTP layer's own refusal (sent with Status).
	Answered Stage = iota
	// Refused: the operation is refused before it runs, for its document,
	// its variables or its cost. The answer has no data; it is sent with
	// Status to a client that accepts application/graphql-response+json,
	// and with 200 to one that accepts application/json, since that media
	// type answers every well-formed request with 200.
	Refused
	// Rejected: the request is not one the server takes as it is (not
	// one GraphQL request, a mutation over GET, past the client's
	// budget). The answer has no data and is sent with Status, whatever
	// the client accepts.
	Rejected
)

// Refused says whether the code refuses a request before its operation
// runs, which gqlgen's transports must be told of (they answer such a
// code with a 4xx, and RequestStatus then says which).
func (e Entry) Refused() bool { return e.Stage != Answered }

// RequestStatus is the HTTP status of an answer that refuses an
// operation with code before it runs: the table's, but 200 for a Refused
// code to a client that did not ask for application/graphql-response+json.
func RequestStatus(code string, graphQLResponse bool) int {
	e, ok := byCode[code]
	if !ok {
		return http.StatusInternalServerError
	}
	if e.Stage == Refused && !graphQLResponse {
		return http.StatusOK
	}
	return e.Status
}

// table is every code the server sends. README's list of error codes
// ("The schema at a glance") is checked against it.
var table = []Entry{
	{ParseFailed, http.StatusBadRequest, "the document does not parse", false, Refused},
	{ValidationFailed, http.StatusBadRequest, "the document does not validate against the schema", false, Refused},
	{PersistedQueryUnknown, http.StatusOK, "the persisted query is not known; send the document with its hash", false, Refused},
	{BadRequest, http.StatusBadRequest, "the request is not a GraphQL request", false, Rejected},
	{BadUserInput, http.StatusBadRequest, "the request is not valid", false, Answered},
	{NotFound, http.StatusNotFound, "not found", false, Answered},
	{Conflict, http.StatusConflict, "the graph changed in between, or it holds this already", false, Answered},
	{WritesDisabled, http.StatusForbidden, "writes are disabled: the server has no data folder", false, Answered},
	{KeyReused, http.StatusUnprocessableEntity, "the idempotency key named another write", false, Answered},
	{Unauthenticated, http.StatusUnauthorized, "a valid bearer token is required", false, Answered},
	{Forbidden, http.StatusForbidden, "the token's role does not allow this", false, Answered},
	{Unavailable, http.StatusServiceUnavailable, "the store is unavailable; try again later", true, Answered},
	{Timeout, http.StatusServiceUnavailable, "the request ended before it was answered; try again later", true, Answered},
	{Internal, http.StatusInternalServerError, "internal error", true, Answered},
	{TokenLimit, http.StatusBadRequest, "the document has too many tokens", false, Refused},
	{DepthLimit, http.StatusBadRequest, "the operation nests too deep", false, Refused},
	{AliasLimit, http.StatusBadRequest, "the operation selects too many aliased fields", false, Refused},
	{FieldLimit, http.StatusBadRequest, "a selection holds too many fields", false, Refused},
	{DirectiveLimit, http.StatusBadRequest, "too many directives in one place", false, Refused},
	{ComplexityLimit, http.StatusBadRequest, "the operation may return too many values", false, Refused},
	{AnswerLimit, http.StatusOK, "the answer grew past the server's ceiling", false, Answered},
	{MethodNotAllowed, http.StatusMethodNotAllowed, "the route does not take this method; a mutation must be sent with POST", false, Rejected},
	{BatchLimit, http.StatusBadRequest, "a batch holds too many operations, or none", false, Rejected},
	{UnsupportedMediaType, http.StatusUnsupportedMediaType, "a POST body must be JSON, sent with Content-Type: application/json", false, Answered},
	{RequestTooLarge, http.StatusRequestEntityTooLarge, "request body too large", false, Answered},
	{RateLimited, http.StatusTooManyRequests, "too many requests; try again later", false, Rejected},
	{SubscriptionLimit, http.StatusTooManyRequests, "too many subscriptions open; close one first", false, Rejected},
	{TooSlow, http.StatusOK, "the subscriber fell too far behind and was dropped; subscribe again after the last seq it saw", false, Answered},
	{FeedRestarted, http.StatusOK, "the graph was loaded afresh and its writes are counted anew; subscribe again", false, Answered},
}

var byCode = func() map[string]Entry {
	m := make(map[string]Entry, len(table))
	for _, e := range table {
		m[e.Code] = e
	}
	return m
}()

// Table returns every entry, in the table's order.
func Table() []Entry { return append([]Entry(nil), table...) }

// Lookup returns code's entry, and whether the table has it.
func Lookup(code string) (Entry, bool) {
	e, ok := byCode[code]
	return e, ok
}

// Status is code's HTTP status; a code not in the table is an internal
// error's.
func Status(code string) int {
	if e, ok := byCode[code]; ok {
		return e.Status
	}
	return http.StatusInternalServerError
}

// Message is what a client reads for an error of code whose own text is
// own: own, unless code's errors are Fixed or own is empty; then the
// table's.
func Message(code, own string) string {
	e, ok := byCode[code]
	if !ok {
		return byCode[Internal].Message
	}
	if e.Fixed || own == "" {
		return e.Message
	}
	return own
}

// Extensions is a GraphQL error's extensions holding code.
func Extensions(code string) map[string]any { return map[string]any{"code": code} }

// Error is an error that carries its code, for errors the domain has no
// sentinel for (a caller's identity, a request's end). Its text is written
// for clients.
type Error struct {
	code string
	text string
}

// New returns an error of code with the given text.
func New(code, text string) *Error { return &Error{code: code, text: text} }

func (e *Error) Error() string { return e.text }

// Code is e's code.
func (e *Error) Code() string { return e.code }

// Of says which code err is sent as: its request's end (a context error)
// first, since whatever failed then failed for that; then the domain's
// sentinel errors; then an Error's own code. Anything else is internal.
// A nil err has no code.
func Of(err error) string {
	if err == nil {
		return ""
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.code
		}
	}
	if coded, ok := errors.AsType[*Error](err); ok {
		return coded.code
	}
	return Internal
}

// sentinels are the errors Of knows by identity, in the order it asks:
// the context's first, then the domain's.
var sentinels = []struct {
	err  error
	code string
}{
	{context.DeadlineExceeded, Timeout},
	{context.Canceled, Timeout},
	{domain.ErrInvalidInput, BadUserInput},
	{domain.ErrNotFound, NotFound},
	{domain.ErrConflict, Conflict},
	{domain.ErrWritesDisabled, WritesDisabled},
	{domain.ErrKeyReused, KeyReused},
	{domain.ErrUnavailable, Unavailable},
}

// Write answers code's status with one error in GraphQL's shape, so that
// clients read every error alike, whoever sends it. message is the
// caller's words for the client, never an error's text (see Message); ""
// sends the table's. Such an answer is about this one request, so nothing
// may store it.
func Write(w http.ResponseWriter, code, message string) {
	if message == "" {
		message = Message(code, "")
	}
	body, _ := json.Marshal(map[string]any{
		"errors": []map[string]any{{
			"message":    message,
			"extensions": map[string]string{"code": code},
		}},
	})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(Status(code))
	_, _ = w.Write(append(body, '\n'))
}
