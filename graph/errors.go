package graph

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// presentError gives every error an extensions.code. Errors gqlgen coded
// (parse, validation, limits) pass as they are; the others get the code
// apierr.Of gives them, with their own text unless the code's errors may
// not show it: an internal error is logged with its path and shown only as
// "internal error", since its text may be a driver's.
func presentError(logger *slog.Logger, metrics *observe.Metrics) graphql.ErrorPresenterFunc {
	present := presentErrorText(logger)
	return func(ctx context.Context, err error) *gqlerror.Error {
		e := present(ctx, err)
		code, _ := e.Extensions["code"].(string)
		if code != apierr.Timeout { // counted once a request, where it is answered
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
			return withCode(gqlErr, requestMessage(gqlErr.Message), apierr.BadRequest)
		}
		code := apierr.Of(err)
		if ctx.Err() != nil {
			// The request ended (its deadline, the client gone, or the
			// answer ceiling): whatever failed failed for that. The
			// operation answers one TIMEOUT for all (ceiling.go), and the
			// HTTP layer logs the timeout once.
			code = apierr.Timeout
		}
		switch code {
		case apierr.Unavailable:
			// The store's decorator logs why, once per cause every few
			// seconds (instrumented.LogOutages); one line per error here
			// would be thousands a second during an outage.
			logger.DebugContext(ctx, "graphql: store unavailable", "path", gqlErr.Path.String(), "err", err)
		case apierr.Internal:
			logger.ErrorContext(ctx, "graphql: internal error", "path", gqlErr.Path.String(), "err", err)
		}
		return withCode(gqlErr, apierr.Message(code, gqlErr.Message), code)
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
		Extensions: apierr.Extensions(code),
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
			Message:    apierr.Message(apierr.Internal, ""),
			Path:       graphql.GetPath(ctx),
			Extensions: apierr.Extensions(apierr.Internal),
		}
	}
}
