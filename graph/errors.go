package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/auth"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/querylimit"
)

// Error codes in extensions.code, beside gqlgen's GRAPHQL_PARSE_FAILED and
// GRAPHQL_VALIDATION_FAILED. Every error a client sees carries one.
const (
	CodeBadRequest       = "BAD_REQUEST"
	CodeBadUserInput     = "BAD_USER_INPUT"
	CodeNotFound         = "NOT_FOUND"
	CodeConflict         = "CONFLICT"
	CodeUnavailable      = "UNAVAILABLE"
	CodeInternal         = "INTERNAL"
	CodeDepthLimit       = querylimit.CodeDepth
	CodeComplexityLimit  = querylimit.CodeComplexity
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	CodeUnauthenticated  = "UNAUTHENTICATED"
	CodeForbidden        = "FORBIDDEN"
	CodeWritesDisabled   = "WRITES_DISABLED"
	CodeKeyReused        = "IDEMPOTENCY_KEY_REUSED"
	// CodeTimeout is the HTTP layer's code for a request past its deadline;
	// an operation cut short by its request's end answers it too.
	CodeTimeout = "TIMEOUT"
	// CodeAnswerLimit refuses an answer that grew past the ceiling while it
	// ran (ceiling.go).
	CodeAnswerLimit = "ANSWER_LIMIT_EXCEEDED"
)

// Messages for errors whose own text may come from a driver or a bug.
const (
	msgInternal    = "internal error"
	msgUnavailable = "the store is unavailable; try again later"
)

// presentError gives every error an extensions.code. Errors gqlgen coded
// (parse, validation, limits) pass as they are; domain sentinel errors map to
// their codes; anything else is an internal error: logged with its path, and
// shown only as "internal error", since its text may be a driver's.
func presentError(logger *slog.Logger, metrics *observe.Metrics) graphql.ErrorPresenterFunc {
	present := presentErrorText(logger)
	return func(ctx context.Context, err error) *gqlerror.Error {
		e := present(ctx, err)
		code, _ := e.Extensions["code"].(string)
		if code != CodeTimeout { // counted once a request, where it is answered
			metrics.ErrorCoded(code)
		}
		return e
	}
}

func presentErrorText(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if _, coded := gqlErr.Extensions["code"]; coded {
			rewordVariable(gqlErr)
			return gqlErr
		}
		if gqlErr.Err == nil && len(gqlErr.Path) == 0 {
			// gqlgen's transports report a body they cannot read or decode
			// this way, in words requestMessage makes a client's.
			return withCode(gqlErr, requestMessage(gqlErr.Message), CodeBadRequest)
		}
		switch {
		case ctx.Err() != nil || errors.Is(err, errRequestEnded) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
			// The request ended (its deadline, the client gone, or the
			// answer ceiling): whatever failed failed for that. The
			// operation answers one TIMEOUT for all (ceiling.go), and the
			// HTTP layer logs the timeout once.
			return withCode(gqlErr, "the request ended before this field was resolved", CodeTimeout)
		case errors.Is(err, domain.ErrInvalidInput):
			return withCode(gqlErr, gqlErr.Message, CodeBadUserInput)
		case errors.Is(err, domain.ErrNotFound):
			return withCode(gqlErr, gqlErr.Message, CodeNotFound)
		case errors.Is(err, domain.ErrConflict):
			return withCode(gqlErr, gqlErr.Message, CodeConflict)
		case errors.Is(err, domain.ErrWritesDisabled):
			return withCode(gqlErr, gqlErr.Message, CodeWritesDisabled)
		case errors.Is(err, domain.ErrKeyReused):
			return withCode(gqlErr, gqlErr.Message, CodeKeyReused)
		case errors.Is(err, auth.ErrUnauthenticated):
			return withCode(gqlErr, gqlErr.Message, CodeUnauthenticated)
		case errors.Is(err, auth.ErrForbidden):
			return withCode(gqlErr, gqlErr.Message, CodeForbidden)
		case errors.Is(err, domain.ErrUnavailable):
			// The store's decorator logs why, once per cause every few
			// seconds (instrumented.LogOutages); one line per error here
			// would be thousands a second during an outage.
			logger.DebugContext(ctx, "graphql: store unavailable", "path", gqlErr.Path.String(), "err", err)
			return withCode(gqlErr, msgUnavailable, CodeUnavailable)
		}
		logger.ErrorContext(ctx, "graphql: internal error", "path", gqlErr.Path.String(), "err", err)
		return withCode(gqlErr, msgInternal, CodeInternal)
	}
}

// maxRequestMessage bounds how much of a bad request is quoted back.
const maxRequestMessage = 200

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// withCode returns a fresh error at e's place with the given message and
// code, dropping the wrapped cause so nothing of it reaches the client.
func withCode(e *gqlerror.Error, message, code string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    message,
		Path:       e.Path,
		Locations:  e.Locations,
		Rule:       e.Rule,
		Extensions: map[string]any{"code": code},
	}
}

// recoverPanic turns a resolver's panic into an INTERNAL error. The panic and
// its stack go to the log, never to the client.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "graphql: panic",
			"path", graphql.GetPath(ctx).String(),
			"panic", fmt.Sprint(p),
			"stack", string(debug.Stack()))
		return &gqlerror.Error{
			Message:    msgInternal,
			Path:       graphql.GetPath(ctx),
			Extensions: map[string]any{"code": CodeInternal},
		}
	}
}
