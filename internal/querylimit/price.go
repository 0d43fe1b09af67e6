package querylimit

import "context"

// operationPrice holds the price Extension put on a request's operation, for what
// runs after it: the lanes that schedule an operation by its price.
type operationPrice struct{ cost int }

type pricedKey struct{}

// WithPrice returns ctx with room for the price of the operation its
// request carries; PriceOf reads it once Extension has operationPrice it.
func WithPrice(ctx context.Context) context.Context {
	return context.WithValue(ctx, pricedKey{}, &operationPrice{cost: -1})
}

// PriceOf is the price Extension put on the operation of ctx's request,
// and false when it operationPrice none (no WithPrice, or a refused document).
func PriceOf(ctx context.Context) (int, bool) {
	p, ok := ctx.Value(pricedKey{}).(*operationPrice)
	if !ok || p.cost < 0 {
		return 0, false
	}
	return p.cost, true
}

func recordPrice(ctx context.Context, cost int) {
	if p, ok := ctx.Value(pricedKey{}).(*operationPrice); ok {
		p.cost = cost
	}
}
