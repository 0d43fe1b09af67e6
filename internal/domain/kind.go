package domain

import (
	"fmt"
	"strings"
)

// Kind is a node kind. The set is closed: it doubles as the Neo4j label and
// as the prefix of every node ID, so nothing outside this list is accepted.
type Kind string

const (
	KindAdministration Kind = "Administration"
	KindCommittee      Kind = "Committee"
	KindCentre         Kind = "Centre"
	KindUnit           Kind = "Unit"
	KindTargetGroup    Kind = "TargetGroup"
	KindIntervention   Kind = "Intervention"
	KindBenefit        Kind = "Benefit"
	KindOrganisation   Kind = "Organisation"
	KindReform         Kind = "Reform"
	KindReformPhase    Kind = "ReformPhase"
	KindReformChange   Kind = "ReformChange"
	KindTransfer       Kind = "Transfer"
	KindBudget         Kind = "Budget"
	KindBudgetFrame    Kind = "BudgetFrame"
	KindSavingsYear    Kind = "SavingsYear"
)

// Kinds lists every node kind in a fixed order.
var Kinds = []Kind{
	KindAdministration, KindCommittee, KindCentre, KindUnit, KindTargetGroup,
	KindIntervention, KindBenefit, KindOrganisation, KindReform, KindReformPhase,
	KindReformChange, KindTransfer, KindBudget, KindBudgetFrame, KindSavingsYear,
}

var kindByPrefix = func() map[string]Kind {
	m := make(map[string]Kind, len(Kinds))
	for _, k := range Kinds {
		m[k.Prefix()] = k
	}
	return m
}()

// Prefix is the kind's ID prefix: "centre" for Centre.
func (k Kind) Prefix() string { return strings.ToLower(string(k)) }

// Valid reports whether k is one of the closed set.
func (k Kind) Valid() bool {
	known, ok := kindByPrefix[k.Prefix()]
	return ok && known == k
}

// ID identifies a node: "<kind prefix>:<key>", e.g. "centre:cbe". IDs are
// written in seed/, so they are the same across restarts, re-seeding and stores.
type ID string

// NewID builds the ID of a node of kind k with the given key.
func NewID(k Kind, key string) ID { return ID(k.Prefix() + ":" + key) }

// ParseID splits an ID into its kind and key. It fails on an unknown kind
// prefix or a malformed key.
func ParseID(s string) (Kind, string, error) {
	prefix, key, ok := strings.Cut(s, ":")
	if !ok || key == "" {
		return "", "", fmt.Errorf("%w: id %q is not of the form kind:key", ErrInvalidInput, s)
	}
	k, known := kindByPrefix[prefix]
	if !known {
		return "", "", fmt.Errorf("%w: id %q has unknown kind %q", ErrInvalidInput, s, prefix)
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return "", "", fmt.Errorf("%w: id %q: key may hold only a-z, 0-9 and '-'", ErrInvalidInput, s)
		}
	}
	return k, key, nil
}

// Kind returns the kind encoded in the ID, or "" when it is malformed.
func (id ID) Kind() Kind {
	k, _, err := ParseID(string(id))
	if err != nil {
		return ""
	}
	return k
}
