package observe

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bif-kk/orggraph/internal/gqlext"
)

// GraphQL returns a gqlgen extension that measures every GraphQL response:
// the operation's name, the time from reading the request to the response,
// and the extensions.code of each error in it. It also hands the operation's
// name to the request log (see WithOperationSlot). Install it with
// srv.Use(m.GraphQL()); on a nil *Metrics it only names operations.
func (m *Metrics) GraphQL() GraphQLExtension {
	return GraphQLExtension{Name: "OrggraphMetrics", metrics: m}
}

// GraphQLExtension is the extension GraphQL returns.
type GraphQLExtension struct {
	gqlext.Name
	metrics *Metrics
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = GraphQLExtension{}

// InterceptResponse runs for every response, those of requests refused
// before they ran (parse, validation, limits, unknown persisted queries)
// included: those count under the operation name "invalid".
func (e GraphQLExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	op := labelInvalid
	if graphql.HasOperationContext(ctx) {
		opCtx := graphql.GetOperationContext(ctx)
		if opCtx.Operation != nil {
			SetOperationName(ctx, opCtx.Operation.Name)
			op = e.metrics.operationLabel(opCtx.Operation.Name)
		}
		if !opCtx.Stats.OperationStart.IsZero() {
			start = opCtx.Stats.OperationStart
		}
	}
	resp := next(ctx)
	if e.metrics == nil {
		return resp
	}
	var codes []string
	if resp != nil {
		for _, err := range resp.Errors {
			code, _ := err.Extensions["code"].(string)
			if code == "" {
				code = labelOther
			}
			codes = append(codes, code)
		}
	}
	e.metrics.graphQLResponse(op, time.Since(start), codes)
	return resp
}
