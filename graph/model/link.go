package model

import "github.com/bif-kk/orggraph/internal/domain"

// Link is a relationship seen from one of its ends. Its node and statement
// are resolved in package graph, which loads the nodes.
type Link struct{ domain.Link }

// Relationship is the relationship's kind, e.g. "SERVES".
func (l Link) Relationship() string { return string(l.Rel.Kind) }

// Direction says which end the node asked about is.
func (l Link) Direction() domain.Direction { return l.Dir }

// Basis says whether the source states the link.
func (l Link) Basis() domain.Basis { return l.Rel.Basis }

// Rationale says why an inferred link holds.
func (l Link) Rationale() *string { return optional(l.Rel.Rationale) }

// Note says what the link is about.
func (l Link) Note() *string { return optional(l.Rel.Note) }

// Sources says where the link comes from.
func (l Link) Sources() []*Source { return NewSources(l.Rel.Sources) }

// ValidFrom is the first day the link holds, where dated.
func (l Link) ValidFrom() *domain.Date { return l.Rel.ValidFrom }

// ValidTo is the first day the link no longer holds, where dated.
func (l Link) ValidTo() *domain.Date { return l.Rel.ValidTo }
