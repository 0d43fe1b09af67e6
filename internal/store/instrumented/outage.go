package instrumented

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
)

// DefaultOutageLogEvery is how often one cause of an outage is logged.
const DefaultOutageLogEvery = 5 * time.Second

// Bounds on what the outage log keeps: causes it tells apart, and the
// length of one cause's text. Past maxOutageCauses a new cause counts as
// otherCauses, so at most maxOutageCauses+1 lines are written an interval.
const (
	maxOutageCauses   = 32
	maxOutageCauseLen = 500
	otherCauses       = "(other causes)"
)

// Option tunes a Store.
type Option func(*Store)

// LogOutages logs why the store is unavailable: the cause the store wrapped
// (a driver's error, which no client is shown) once per cause every
// interval, with the number of failed calls since its last line. During an
// outage every call fails at once, thousands a second; this is the one
// place that says why, in a line per cause every few seconds. When the
// store answers again, a line says so with the failures not yet logged.
func LogOutages(logger *slog.Logger, every time.Duration) Option {
	return func(s *Store) {
		s.outages = &outageLog{logger: logger, every: every, now: time.Now, store: s.name, causes: map[string]*outageCause{}}
	}
}

type outageLog struct {
	logger *slog.Logger
	every  time.Duration
	now    func() time.Time
	store  string

	// failing is set while a failure is unreported or the store has not yet
	// answered since one, so a call that succeeds costs one atomic load.
	failing atomic.Bool
	mu      sync.Mutex
	causes  map[string]*outageCause
}

type outageCause struct {
	logged     time.Time // when its last line was written
	suppressed int       // its failures since
}

// record notes one call's outcome: an unavailable store's cause is logged
// or counted, the first answer after an outage ends it.
func (o *outageLog) record(ctx context.Context, op, outcome string, err error) {
	if o == nil {
		return
	}
	switch {
	case outcome == OutcomeUnavailable:
		o.failed(ctx, op, err)
	case outcome == OutcomeOK && o.failing.Load():
		o.recovered(ctx)
	}
}

func (o *outageLog) failed(ctx context.Context, op string, err error) {
	cause := causeOf(err)
	if len(cause) > maxOutageCauseLen {
		cause = cause[:maxOutageCauseLen] + "…"
	}
	key := causeKind(cause)
	now := o.now()
	o.mu.Lock()
	o.failing.Store(true)
	c, seen := o.causes[key]
	if !seen && len(o.causes) >= maxOutageCauses {
		key = otherCauses
		c, seen = o.causes[key]
	}
	if seen && now.Sub(c.logged) < o.every {
		c.suppressed++
		o.mu.Unlock()
		return
	}
	if !seen {
		c = &outageCause{}
		o.causes[key] = c
	}
	suppressed := c.suppressed
	c.logged, c.suppressed = now, 0
	o.mu.Unlock()
	o.logger.WarnContext(ctx, "store unavailable", "store", o.store, "op", op, "cause", cause,
		"suppressed", suppressed, "log_every", o.every.String())
}

func (o *outageLog) recovered(ctx context.Context) {
	o.mu.Lock()
	if !o.failing.Load() {
		o.mu.Unlock()
		return
	}
	unlogged := 0
	for _, c := range o.causes {
		unlogged += c.suppressed
	}
	clear(o.causes)
	o.failing.Store(false)
	o.mu.Unlock()
	o.logger.InfoContext(ctx, "store answers again", "store", o.store, "suppressed", unlogged)
}

// causeKind is what tells causes apart: their text with every number
// masked, since a driver's names the connection's ports and the time
// waited ("read tcp 127.0.0.1:52114->127.0.0.1:7687: … reset by peer").
func causeKind(cause string) string {
	var b strings.Builder
	digits := false
	for _, r := range cause {
		if r >= '0' && r <= '9' {
			if !digits {
				b.WriteByte('#')
			}
			digits = true
			continue
		}
		digits = false
		b.WriteRune(r)
	}
	return b.String()
}

// causeOf is the text of what made the store unavailable. A store's error
// joins domain.ErrUnavailable with its cause (neo4jstore.Error unwraps to
// both), so the cause is the other branch; an error that joins nothing is
// its own cause.
func causeOf(err error) string {
	for e := err; e != nil; {
		if joined, ok := e.(interface{ Unwrap() []error }); ok {
			for _, branch := range joined.Unwrap() {
				if branch != nil && branch != domain.ErrUnavailable {
					return branch.Error()
				}
			}
			break
		}
		e = errors.Unwrap(e)
	}
	return err.Error()
}
