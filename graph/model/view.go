package model

import (
	"fmt"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
)

// View is one way of seeing a node: as of a day, or (Day nil) whatever the
// dates. A field's value must not hang on an argument of a field above it,
// or a normalised cache (Apollo Client, Relay) would keep two values under
// one id; so a node seen as of a day has an id of its own, the view's, and
// node(id:) reads it back. This file is the one place that id is written
// (View.ID) and read (ParseView).
//
// The scheme, read outside in: a day-scoped view appends "@YYYY-MM-DD" to
// the node's id ("centre:cba@2026-03-01"). A scenario-scoped view will
// prefix "scenario:<id>/" ("scenario:s1/centre:cba@2026-03-01"): a field
// of View, written first by ID and cut first by ParseView.
type View struct {
	Node domain.ID
	Day  *domain.Date
}

// daySep stands between a node's id and the day it is seen as of. No node
// key holds it (domain.ParseID allows a-z, 0-9 and '-').
const daySep = "@"

// ID is the view's id: the node's own when nothing scopes it.
func (v View) ID() domain.ID {
	id := string(v.Node)
	if v.Day != nil {
		id += daySep + string(*v.Day)
	}
	return domain.ID(id)
}

// ParseView reads an id as View.ID writes it. A malformed id, day or node id
// is invalid input.
func ParseView(id domain.ID) (View, error) {
	s := string(id)
	var v View
	if node, day, dated := strings.Cut(s, daySep); dated {
		d, err := domain.ParseDate(day)
		if err != nil {
			return View{}, fmt.Errorf("%w: id %q: the part after %q is a day of the form 2026-03-01", domain.ErrInvalidInput, s, daySep)
		}
		v.Day, s = &d, node
	}
	if _, _, err := domain.ParseID(s); err != nil {
		return View{}, err
	}
	v.Node = domain.ID(s)
	return v, nil
}

// Wrap returns n as seen in the view: nil when it does not exist on the
// view's day. Only a centre is seen as of a day (its list fields read on
// it, centre(asOf:)); a dated id of any other kind is invalid input, as
// the API never gives one out.
func (v View) Wrap(n *domain.Node) (Node, error) {
	if n == nil || v.Day == nil {
		return Wrap(n), nil
	}
	if n.Kind != domain.KindCentre {
		return nil, fmt.Errorf("%w: id %q: only a centre is seen as of a day", domain.ErrInvalidInput, v.ID())
	}
	if !domain.ValidOn(*v.Day, n.ValidFrom, n.ValidTo) {
		return nil, nil
	}
	return &Centre{Base: Base{n}, AsOf: v.Day}, nil
}
