package querylimit

import (
	"context"
	"math"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
)

// Budget is what a client may still spend, in the cost the limits price
// operations at (points). The HTTP layer keeps one for each client, a
// bucket refilled by the minute as GitHub's and Shopify's are, and puts it
// in each request's context (WithBudget); Extension spends each
// operation's price from it before the operation runs.
type Budget interface {
	// Spend takes cost from the budget of the request's client, if it has
	// that much left.
	Spend(ctx context.Context, cost int) Spending
	// Charge takes cost whatever is left: a document the limits refuse
	// costs its client the limit, so sending such documents again and
	// again runs its budget dry.
	Charge(ctx context.Context, cost int)
}

// Spending is a budget's answer to Spend.
type Spending struct {
	OK bool
	// Left is what remains after the spending, or, refused, before it.
	Left int
	// Limit is the budget's size, its points a minute.
	Limit int
	// RetryAfter is, when refused, how long until cost is there.
	RetryAfter time.Duration
}

var budgetKey = &struct{ name string }{"budget"}

// WithBudget returns ctx carrying the request's budget.
func WithBudget(ctx context.Context, b Budget) context.Context {
	return context.WithValue(ctx, budgetKey, b)
}

// BudgetFrom returns the budget WithBudget put in ctx, or nil.
func BudgetFrom(ctx context.Context) Budget {
	b, _ := ctx.Value(budgetKey).(Budget)
	return b
}

// spend holds an operation's price to its client's budget, when the
// request has one: nil when it is paid, else the RATE_LIMITED refusal,
// which names the cost, what is left and its costliest field.
func spend(ctx context.Context, cost int, path string) *gqlerror.Error {
	b := BudgetFrom(ctx)
	if b == nil || cost <= 0 {
		return nil
	}
	s := b.Spend(ctx, cost)
	if s.OK {
		return nil
	}
	retry := max(1, int(math.Ceil(s.RetryAfter.Seconds())))
	at := ""
	if path != "" {
		at = " (its costliest field is " + path + ")"
	}
	e := refuse(apierr.RateLimited, "the operation costs %d points%s, more than the %d this client has left of its %d; try again in %d s, or ask for less",
		cost, at, s.Left, s.Limit, retry)
	e.Extensions["cost"] = cost
	e.Extensions["remaining"] = s.Left
	e.Extensions["limit"] = s.Limit
	e.Extensions["path"] = path
	e.Extensions["retryAfter"] = retry
	return e
}

// chargeRefused charges a refused document the limit, when the request
// has a budget.
func chargeRefused(ctx context.Context, limit int) {
	if b := BudgetFrom(ctx); b != nil {
		b.Charge(ctx, limit)
	}
}
