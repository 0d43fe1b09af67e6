package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

func dayKey(d *domain.Date) domain.Date {
	if d == nil {
		return ""
	}
	return *d
}

// loadDependencies returns what each of centres shares with the others on
// day asOf (every day when nil), in one batch.
func loadDependencies(ctx context.Context, centres []domain.ID, asOf *domain.Date) ([][]planner.Dependency, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	return l.dependencies.LoadAll(ctx, mapped(centres, func(c domain.ID) depKey { return depKey{Centre: c, AsOf: dayKey(asOf)} }))
}

// newDependencies converts the planner's answer for one centre.
func newDependencies(deps []planner.Dependency, asOf *domain.Date) []*model.CentreDependency {
	out := make([]*model.CentreDependency, len(deps))
	for i, d := range deps {
		shared := make([]*model.SharedItem, len(d.Shared))
		for j, s := range d.Shared {
			shared[j] = &model.SharedItem{Shared: s}
		}
		out[i] = &model.CentreDependency{
			OtherID:       d.Other,
			AsOf:          asOf,
			Total:         d.Total(),
			TargetGroups:  d.Counts[domain.SharesTargetGroup],
			Interventions: d.Counts[domain.SharesIntervention],
			Partners:      d.Counts[domain.SharesPartner],
			BenefitFlows:  d.Counts[domain.SharesBenefitFlow],
			Shared:        shared,
		}
	}
	return out
}

// dependencyMatrix lays out what every centre shares with every other: a
// row per centre, a cell per other centre, both in org-chart order.
func dependencyMatrix(ctx context.Context, asOf *domain.Date) (*model.DependencyMatrix, error) {
	centres, err := centresOn(ctx, asOf)
	if err != nil {
		return nil, err
	}
	deps, err := loadDependencies(ctx, mapped(centres, func(c *model.Centre) domain.ID { return c.Node.ID }), asOf)
	if err != nil {
		return nil, err
	}
	m := &model.DependencyMatrix{AsOf: asOf, Centres: centres, Rows: make([]*model.DependencyRow, len(centres))}
	for i, c := range centres {
		row := &model.DependencyRow{Centre: c, Cells: make([]*model.DependencyCell, 0, len(centres)-1)}
		for _, other := range centres {
			if other == c {
				continue
			}
			cell := &model.DependencyCell{Centre: other}
			if j := slices.IndexFunc(deps[i], func(d planner.Dependency) bool { return d.Other == other.Node.ID }); j >= 0 {
				d := deps[i][j]
				cell.Total = d.Total()
				cell.TargetGroups = d.Counts[domain.SharesTargetGroup]
				cell.Interventions = d.Counts[domain.SharesIntervention]
				cell.Partners = d.Counts[domain.SharesPartner]
				cell.BenefitFlows = d.Counts[domain.SharesBenefitFlow]
			}
			row.Cells = append(row.Cells, cell)
		}
		m.Rows[i] = row
	}
	return m, nil
}

// sharedStatement reads the relationships that make a shared item as one
// sentence, each relationship by its kind: "CSI DELIVERS Social kontrol
// vejledere, which CBA DELIVERS"; "SOF WORKS_WITH CBA and WORKS_WITH
// Ungecenteret"; a benefit flow always from the payer: "Ydelsesservice PAYS
// kontanthjælp PAID_TO Aktivitetsparate kontanthjælpsmodtagere, whom CBA
// SERVES".
func sharedStatement(ctx context.Context, s domain.Shared) (string, error) {
	return sharedSentence(ctx, s, codeWords)
}

// sentenceWords are the words a shared item's sentence is made of.
type sentenceWords struct {
	verb     func(domain.RelKind) string
	and      string
	chain    string // before the next relationship of a chain: ", der udbetales til"
	relative func(*domain.Node) string
}

// codeWords name each relationship by its kind's code (statement);
// wordsIn by its verb in a language (sentence): "CSI leverer Social kontrol
// vejledere, som CBA leverer".
var codeWords = sentenceWords{verb: func(k domain.RelKind) string { return string(k) }, and: "and", chain: " ", relative: relativePronoun}

func wordsIn(l domain.Lang) sentenceWords {
	if l == domain.English {
		return sentenceWords{verb: func(k domain.RelKind) string { return k.Verb(l) }, and: "and", chain: ", which ", relative: relativePronoun}
	}
	return sentenceWords{verb: func(k domain.RelKind) string { return k.Verb(l) }, and: "og", chain: ", der ", relative: func(*domain.Node) string { return "som" }}
}

func sharedSentence(ctx context.Context, s domain.Shared, w sentenceWords) (string, error) {
	rels := s.Rels
	if len(rels) == 0 {
		return "", fmt.Errorf("graph: shared %s %s has no relationships", s.Kind, s.Via)
	}
	if s.Kind == domain.SharesBenefitFlow && rels[0].Kind != domain.RelPays {
		rels = slices.Clone(rels)
		slices.Reverse(rels)
	}
	var ids []domain.ID
	for _, r := range rels {
		ids = append(ids, r.From, r.To)
	}
	ns, err := loadNodes(ctx, ids)
	if err != nil {
		return "", err
	}
	byID := make(map[domain.ID]*domain.Node, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	name := func(id domain.ID) string {
		if n := byID[id]; n != nil {
			return n.Name
		}
		return string(id)
	}
	first := rels[0]
	subject, last := first.From, first.To
	var b strings.Builder
	one := func(r *domain.Relationship) string { return name(r.From) + " " + w.verb(r.Kind) + " " + name(r.To) }
	b.WriteString(one(first))
	for _, r := range rels[1:] {
		switch {
		case r.From == last: // the chain goes on: ... PAID_TO <group>
			b.WriteString(w.chain + w.verb(r.Kind) + " " + name(r.To))
			last = r.To
		case r.To == last: // the other end points back: ..., whom CBA SERVES
			b.WriteString(", " + w.relative(byID[last]) + " " + name(r.From) + " " + w.verb(r.Kind))
		case r.From == subject: // the same subject again: ... and WORKS_WITH CBA
			b.WriteString(" " + w.and + " " + w.verb(r.Kind) + " " + name(r.To))
			last = r.To
		default:
			b.WriteString("; " + one(r))
			last = r.To
		}
	}
	return b.String(), nil
}

// relativePronoun refers back to a node: target groups are people.
func relativePronoun(n *domain.Node) string {
	if n != nil && n.Kind == domain.KindTargetGroup {
		return "whom"
	}
	return "which"
}
