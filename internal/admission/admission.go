// Package admission is a request's place among those that run at once
// (httpserver's in-flight limit), which the request may give up while it
// waits for something else: a query waiting its turn among the costliest
// (graph's heavy lane) does not hold a place a cheap request could run in.
package admission

import (
	"context"
	"sync"
)

// Place is one request's place. Its methods may be called from any
// goroutine; a nil *Place, a request without one, does nothing.
type Place struct {
	mu      sync.Mutex
	held    bool
	over    bool // Leave was called: the request is over
	release func()
	take    func(context.Context) error
}

// New returns a place already held, given up by release and taken again
// by take, which waits its turn (and fails only when ctx ends).
func New(release func(), take func(context.Context) error) *Place {
	return &Place{held: true, release: release, take: take}
}

// Leave gives the place up for good, unless it was given up already: the
// request is over.
func (p *Place) Leave() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.over = true
	p.giveUp()
}

// giveUp releases the place if held; the caller holds p.mu.
func (p *Place) giveUp() {
	if p.held {
		p.held = false
		p.release()
	}
}

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p *Place) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// Aside runs wait with ctx's place given up, then takes the place again,
// waiting its turn. An error from wait is returned at once, the place
// left given up; so is the error of taking it again, when ctx ended first.
// Without a place in ctx, Aside just runs wait.
func Aside(ctx context.Context, wait func() error) error {
	p, _ := ctx.Value(ctxKey{}).(*Place)
	if p == nil {
		return wait()
	}
	p.mu.Lock()
	p.giveUp()
	p.mu.Unlock()
	if err := wait(); err != nil {
		return err
	}
	if err := p.take(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = true
	if p.over { // the request ended meanwhile: nobody will leave it again
		p.giveUp()
	}
	return nil
}
