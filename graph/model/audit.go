package model

import (
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
)

// AuditEntry is one recorded write.
type AuditEntry struct{ E domain.AuditEntry }

func (a AuditEntry) Seq() int64                { return a.E.Seq }
func (a AuditEntry) At() string                { return a.E.At.UTC().Format(time.RFC3339Nano) }
func (a AuditEntry) Actor() string             { return a.E.Actor }
func (a AuditEntry) Operation() domain.WriteOp { return a.E.Op }
func (a AuditEntry) Target() string            { return a.E.Target }
func (a AuditEntry) Before() *string           { return optional(a.E.Before) }
func (a AuditEntry) After() *string            { return optional(a.E.After) }
func (a AuditEntry) Version() int64            { return a.E.Version }

// WriteResult is what a write did.
type WriteResult struct {
	Audit *AuditEntry
	Node  Node
}
